"""Speed and memory benchmarks of the model: ``python -m benchmarks`` (or ``./dev bench``).

Times the compiled engine (:class:`sim.NetworkingModel`) at 300, 1,000, 10,000 and 100,000
people and, in the same process, the plain per-agent reference implementation
(:class:`sim.reference.ReferenceModel`) at the smaller sizes, and checks the results
against the project's speed targets. See :mod:`benchmarks.speed` and
``python -m benchmarks --help``.
"""

from .speed import TARGETS, Result, main, measure, run_benchmarks

__all__ = ["TARGETS", "Result", "main", "measure", "run_benchmarks"]
