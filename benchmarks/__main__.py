"""``python -m benchmarks``: print the benchmark table (see :mod:`benchmarks.speed`)."""

from .speed import main

raise SystemExit(main())
