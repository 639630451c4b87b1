"""The guided tour's Python side: its steps, its traits, and the link that rings a broadcaster
and an interactor in the network view while the tour points at them (classroom/tour.py).
What the browser does with them is tested in tests/browser/test_tour.py."""

from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pytest
import traitlets

from classroom.network_view import BROADCASTERS, INTERACTORS, OTHERS, NetworkView
from classroom.tour import (
    PERSON_STEPS,
    STEPS,
    STORAGE_KEY,
    TOUR_DONE_JS,
    Tour,
    link_tour,
)


def small_view(n: int = 12) -> NetworkView:
    g = nx.cycle_graph(n)
    layout = nx.circular_layout(g)
    pos = np.array([layout[i] for i in range(n)])
    pos[0] = [0.0, 0.0]  # person 0 sits in the middle
    edges = np.array(list(g.edges()), dtype=np.int64)
    groups = np.array([i % 3 for i in range(n)], dtype=np.int64)
    return NetworkView.build(pos, edges, [f"P{i}" for i in range(n)], groups)


def test_five_to_seven_steps_in_plain_words():
    assert 5 <= len(STEPS) <= 7
    keys = [s["key"] for s in STEPS]
    assert keys == ["play", "broadcaster", "interactor", "attention", "story", "replay"]
    for s in STEPS:
        assert s["title"] and s["text"]
        assert len(s["text"]) < 300, f"{s['key']}: a stop of a tour should be short"
        assert s["targets"], s["key"]
        assert all(isinstance(x, str) and x for x in s["targets"])


def test_steps_point_at_the_parts_of_the_page():
    targets = {s["key"]: s["targets"] for s in STEPS}
    assert targets["play"][0] == "button.play"
    assert targets["attention"] == [".key-chart"]
    assert targets["story"] == [".story-panel"]
    assert targets["replay"] == [".replay-panel"]
    for key, group in (("broadcaster", "broadcaster"), ("interactor", "interactor")):
        assert targets[key][0] == f'.nv-highlight[data-group="{group}"]'
        assert ".network-panel" in targets[key]  # if the marker does not come
    assert PERSON_STEPS == {"broadcaster": BROADCASTERS, "interactor": INTERACTORS}


def test_traits_and_their_defaults():
    tour = Tour()
    assert tour.steps == STEPS
    assert tour.storage_key == STORAGE_KEY == "interruption-or-interaction/tour/v1"
    assert tour.restarts == 0 and tour.step_shown == "" and not tour.is_open
    for name in ("steps", "storage_key", "closing_note", "restarts", "step_shown"):
        assert tour.trait_metadata(name, "sync") is True, name
    tour.start()
    tour.start()
    assert tour.restarts == 2
    tour.step_shown = "play"
    assert tour.is_open


@pytest.mark.parametrize(
    "steps",
    [
        [{"key": "a", "title": "A", "text": "a"}, {"key": "a", "title": "B", "text": "b"}],
        [{"key": "", "title": "A", "text": "a"}],
        [{"key": "a", "text": "a"}],
        [{"key": "a", "title": "A", "text": "a", "targets": "button.play"}],
    ],
)
def test_bad_steps_are_refused(steps):
    with pytest.raises(traitlets.TraitError):
        Tour(steps=steps)


def test_the_done_script_sets_the_key():
    assert STORAGE_KEY in TOUR_DONE_JS and "localStorage.setItem" in TOUR_DONE_JS
    assert TOUR_DONE_JS.startswith("try {") and "catch" in TOUR_DONE_JS


def test_front_end_files():
    esm, css = str(Tour._esm), str(Tour._css)
    assert "export default" in esm and not re.search(r"^\s*import\b", esm, re.M)
    for needed in (
        '"role", "dialog"',
        '"aria-modal", "true"',
        "aria-labelledby",
        "aria-describedby",
        "Skip tour",
        "Escape",
        "localStorage",
        '"change:restarts"',
        '"step_shown"',
    ):
        assert needed in esm, needed
    assert "transition" not in css.replace("no transition", "")
    assert "animation" not in css.replace("no animation", "")
    assert "http" not in esm + css and "url(" not in css


# ---------------------------------------------------------------- the network view's ring
def test_highlight_is_validated_and_reset_with_the_network():
    view = small_view()
    assert view.highlight == -1
    assert view.trait_metadata("highlight", "sync") is True
    view.highlight = 4
    assert view.highlight == 4
    view.highlight = 99
    assert view.highlight == -1
    view.highlight = 3
    view.set_network(*_network_of(view))
    assert view.highlight == -1


def _network_of(view: NetworkView):
    pos = np.frombuffer(view.positions, "<f4").reshape(-1, 2)
    edges = np.frombuffer(view.edges, "<u4").reshape(-1, 2)
    return pos, edges, view.labels, np.frombuffer(view.groups, np.uint8)


def test_network_view_draws_the_ring_and_a_marker():
    esm, css = str(NetworkView._esm), str(NetworkView._css)
    assert '"change:highlight"' in esm and 'model.get("highlight")' in esm
    assert "nv-highlight" in esm and "marker.dataset.group" in esm
    assert ".nv-highlight" in css


# ---------------------------------------------------------------- link_tour
def test_link_rings_the_middle_person_of_each_group_while_shown():
    view = small_view()
    tour = Tour()
    unlink = link_tour(tour, view)
    tour.step_shown = "play"
    assert view.highlight == -1
    tour.step_shown = "broadcaster"
    b = view.highlight
    assert b == 0  # the broadcaster in the middle of the layout
    tour.step_shown = "interactor"
    i = view.highlight
    groups = np.frombuffer(view.groups, np.uint8)
    assert i >= 0 and groups[i] == INTERACTORS
    tour.step_shown = "attention"
    assert view.highlight == -1
    tour.step_shown = "interactor"
    unlink()
    assert view.highlight == -1
    tour.step_shown = "broadcaster"  # unlinked: nothing happens any more
    assert view.highlight == -1


def test_link_takes_given_people_and_a_changing_view():
    first, second = small_view(), small_view(9)
    current = [first]
    tour = Tour()
    link_tour(tour, lambda: current[0], broadcaster=3, interactor=lambda v: v.n - 2)
    tour.step_shown = "broadcaster"
    assert first.highlight == 3
    current[0] = second  # the page made a new view (Reset)
    tour.step_shown = "interactor"
    assert first.highlight == -1 and second.highlight == 7
    tour.step_shown = ""
    assert second.highlight == -1


def test_link_with_nobody_of_a_group_rings_nobody():
    view = small_view()
    view.set_groups(np.full(view.n, OTHERS))
    tour = Tour()
    link_tour(tour, view)
    tour.step_shown = "broadcaster"
    assert view.highlight == -1


def test_link_made_while_a_person_step_is_shown_rings_at_once():
    view = small_view()
    tour = Tour()
    tour.step_shown = "broadcaster"
    link_tour(tour, view)
    assert view.highlight == 0
