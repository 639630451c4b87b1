"""Lines of text that change every frame, as a tiny widget updated directly from Python.

The step counter, the story line and the inspector's numbers change at every step. Drawn as
Solara components, each change would re-render the page's component tree (Solara walks the
whole tree, about 250 elements with the controls, on every render: tens of milliseconds a
frame). As a :class:`LiveText` the change is one small message with the new lines and no
render at all.
"""

from __future__ import annotations

import anywidget
import traitlets as t

from .front_end import front_end

__all__ = ["LiveText"]

#: The front end (JavaScript module, CSS) is in files next to this one, read as text
#: (classroom.front_end says why); pyproject.toml ships them as package data.
_ESM = front_end("live_text.js")
_CSS = front_end("live_text.css")


class LiveText(anywidget.AnyWidget):
    """Lines of text; set ``lines`` to change them (sent only when they differ).

    ``tag``: "div" (a paragraph a line) or "span" (inline, for a counter); ``css_class`` for
    the page's style and tests; ``polite``: announce changes to screen readers (for a feed
    that changes now and then, not for a counter); ``first_bold``: the first line is a title.
    """

    _esm = _ESM
    _css = _CSS
    lines = t.List(t.Unicode(), default_value=[]).tag(sync=True)
    tag = t.Enum(("div", "span"), default_value="div").tag(sync=True)
    css_class = t.Unicode("").tag(sync=True)
    polite = t.Bool(False).tag(sync=True)
    first_bold = t.Bool(False).tag(sync=True)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)
