"""What the page needs from the browser itself, as one tiny invisible widget.

:class:`PageBridge`

- listens on the whole document for the space bar and tells Python, unless the key is meant
  for the element that has focus (a button, a slider, a text field, the network view: they
  all use space themselves);
- reports whether the learner's system asks for reduced motion (``prefers-reduced-motion``)
  and whether the window is phone-sized, and follows changes to both;
- fills in what Solara's page template leaves out: the page's language, zoom on phones and
  names for the settings button and for the bar that shows while the server is busy;
- writes the page's setup into the address bar (``address``, a query string), replacing the
  current history entry, so that the address can always be copied as a link.
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import traitlets as t

from .front_end import front_end

__all__ = ["PageBridge"]

#: The front end (JavaScript module, CSS) is in files next to this one, read as text
#: (classroom.front_end says why); pyproject.toml ships them as package data.
_ESM = front_end("page_bridge.js")


class PageBridge(anywidget.AnyWidget):
    """Calls ``on_space()`` when the space bar is pressed outside a control; ``address``
    goes to the address bar. ``reduced_motion`` and ``narrow`` are set by the browser."""

    _esm = _ESM
    reduced_motion = t.Bool(False).tag(sync=True)
    #: Set by the browser: True when the window is phone-sized (760 CSS px or narrower).
    narrow = t.Bool(False).tag(sync=True)
    #: The query string the address bar should show (None: leave the address alone).
    address = t.Unicode(None, allow_none=True).tag(sync=True)

    def __init__(self, on_space: Callable[[], None] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.on_space = on_space
        self.on_msg(self._on_message)

    def _on_message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("key") == "space" and self.on_space:
            self.on_space()
