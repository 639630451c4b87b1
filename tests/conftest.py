"""Settings shared by the whole suite.

Hypothesis profiles. With the environment variable ``CI`` set (as CI services do), the
``ci`` profile is loaded: examples are derandomized (the same run draws the same
examples, so a failure in CI fails again locally with ``CI=1``), the example database is
off (a fresh clone has none), and a failure prints the ``@reproduce_failure`` blob that
replays it exactly. Elsewhere the ``dev`` profile keeps Hypothesis's random exploration
and its local database, and also prints the blob. ``HYPOTHESIS_PROFILE=ci`` (or ``dev``)
chooses explicitly. The tests' own ``settings(...)`` objects (tests/test_invariants.py,
tests/test_share.py) are built after this file is loaded, so they inherit these choices
and override only what they name (the number of examples, the deadline).
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
