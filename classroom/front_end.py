"""The widgets' front ends, read from their own files next to this one (classroom/*.js, *.css).

Every anywidget here gets its JavaScript module and its CSS as text read once, at import, by
:func:`front_end`, never as a path. Given a path, anywidget 0.11 watches the file for changes
(a development convenience) and connects each widget it makes to a class-wide signal that is
never disconnected (manzt/anywidget#929): every network view, and through its hover text the
run and the model behind it, then stayed in memory until the server stopped, after its tab
had closed and after every Reset.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["front_end"]

_HERE = Path(__file__).parent


def front_end(name: str) -> str:
    """The text of the front-end file ``name`` (e.g. ``"network_view.js"``) in classroom/."""
    return (_HERE / name).read_text(encoding="utf-8")
