"""The facilitator's page rendered in-process for the room's tests (solara's test tools):
``render(search)`` and what the page shows, as text or as the HTML of a class."""

from __future__ import annotations

import ipyvuetify as v
import solara
from solara.routing import Router, router_context
from solara.widgets.widgets import HTML

from classroom.room.facilitator import FacilitatorPage


@solara.component
def At(search: str):
    router_context.provide(Router(f"/facilitator?{search}", [solara.Route("/")], lambda _: None))
    return solara.Column(children=[FacilitatorPage()])


def render(search: str):
    """The facilitator's page at ``/facilitator?<search>``; its render context."""
    return solara.render(At(search), handle_error=False)[1]


def texts(rc) -> list[str]:
    found = rc.find(v.Html).widgets + rc.find(v.Alert).widgets
    return [c for w in found for c in w.children if isinstance(c, str)]


def html(rc, cls: str) -> list[str]:
    """The inner HTML of every HTML widget of class ``cls``."""
    return [
        w.unsafe_innerHTML
        for w in rc.find(HTML).widgets
        if cls in w.attributes.get("class", "").split()
    ]
