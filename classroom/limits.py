"""The few ranges the classroom app narrows, so that a page stays responsive in a classroom.

The model allows more (100,000 people, for instance); the app's controls, its links and its
uploads stay within these. Everything else comes from the model's declarations.
"""

from __future__ import annotations

from typing import Any

from sim import PARAMETERS, ParameterError
from sim.params import validate_one

__all__ = ["APP_LIMITS", "bounds", "check_in_app"]

#: Ranges the app narrows: name -> (low, high).
APP_LIMITS = {
    "n_agents": (10, 3000),
    "cold_reach": (0, 50),
    "fade_patience": (1, 50),
    "attention_budget": (1, 30),
    "mean_degree": (2, 30),
}


def bounds(name: str) -> tuple[float, float]:
    """The range the app offers for a numeric parameter."""
    p = PARAMETERS[name]
    return APP_LIMITS.get(name, (p.low, p.high))


def check_in_app(name: str, value: Any) -> Any:
    """Check a value against the model's declaration, then against the app's range."""
    value = validate_one(name, value)
    if name in APP_LIMITS:
        low, high = APP_LIMITS[name]
        if not low <= value <= high:
            raise ParameterError(
                name,
                f"in the app, must be from {low:g} to {high:g} (got "
                f"{value:g}); the model itself allows up to "
                f"{PARAMETERS[name].high:g} from Python or a sweep",
            )
    return value
