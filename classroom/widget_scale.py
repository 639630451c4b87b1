"""The ``scale`` trait shared by the classroom's canvas widgets (projector mode).

``scale`` multiplies what a widget draws (text, line widths, markers, dots) so that the back
row of a classroom can read a projected page; 1.0 is the normal size.
"""

from __future__ import annotations

import math

import traitlets

__all__ = ["SCALE_MAX", "SCALE_MIN", "Scale"]

#: The range a widget's ``scale`` may take: from slightly smaller to three times the size.
SCALE_MIN, SCALE_MAX = 0.75, 3.0


class Scale(traitlets.Float):
    """A float in [SCALE_MIN, SCALE_MAX], 1.0 by default; NaN, inf and bools are refused."""

    info_text = f"a number from {SCALE_MIN} to {SCALE_MAX}"

    def __init__(self, default_value: float = 1.0, **kwargs):
        super().__init__(default_value, min=SCALE_MIN, max=SCALE_MAX, **kwargs)

    def validate(self, obj, value):
        if isinstance(value, bool):
            self.error(obj, value)
        value = super().validate(obj, value)
        if not math.isfinite(value):
            self.error(obj, value)
        return value
