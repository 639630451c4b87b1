"""``python -m benchmarks`` (``./dev bench``): time the fast engine and the per-agent
reference in one run, measure memory and the compile cost, and print the report with the
targets (see :mod:`benchmarks.speed` and ``python -m benchmarks --help``)."""

from .speed import main

raise SystemExit(main())
