"""The Strategy tab in a real browser (Debian's Chromium against the real server): build a
strategy with the keyboard and mouse, try it and read the words and the table, export it and
read the file back with from_file, open an edited file (refused, as text), watch it in the
simulation (a third group in the charts), the axe-core audit of the tab, and, in a room,
submit it (the room's database has it).

Fixtures (the server, Chromium, fresh contexts): ``conftest.py`` in this folder; the room's
server and helpers come from ``test_room.py``, the audit's from ``test_accessibility.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from agents.builder import FIELDS, Recipe, from_file, to_file
from classroom.builder import INTRO
from classroom.palette import STRATEGY_COLOURS

from . import test_room
from .conftest import PAGE_READY_TIMEOUT, AppTab
from .test_accessibility import _assert_no_serious_violations, _audit
from .test_room import Banner, RoomServer, _worker, free_port, join, local, open_room

#: A fresh browser context for a room's page (the fixture of test_room.py).
new_tab = test_room.new_tab

#: The name typed: markup, which must stay text.
NAME = "Pat's <b>plan</b>"
#: What the learner builds here.
RECIPE = Recipe(name=NAME, whom="random", few=3, colour=STRATEGY_COLOURS["Blue"])
#: How long (ms) a preview may take, queue included.
TRY_WAIT = 60_000


def open_strategy_tab(page) -> None:
    page.get_by_role("tab", name="Strategy").click()
    page.locator("canvas.nv-canvas").first.wait_for(state="detached")
    expect(page.get_by_text(INTRO)).to_be_visible()


def build(page) -> None:
    """The choices of :data:`RECIPE`, as a learner makes them."""
    page.get_by_label(FIELDS["name"].label, exact=True).fill(NAME)
    page.get_by_role("radio", name=FIELDS["whom"].options["random"]).check()
    page.get_by_role("button", name="Blue").click()
    expect(page.get_by_role("button", name="Blue")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text(RECIPE.describe())).to_be_visible()


def test_build_try_export_open_and_watch(open_app, tmp_path: Path):
    tab: AppTab = open_app()
    page = tab.page
    open_strategy_tab(page)
    build(page)
    # a combination the builder refuses: its message beside the choice, Try it disabled
    page.get_by_role("radio", name=FIELDS["whom"].options["talked"]).check()
    page.get_by_role("radio", name=FIELDS["answer"].options["pitch"]).check()
    expect(page.locator(".builder-whom .builder-refusal")).to_contain_text("never send anything")
    expect(page.get_by_role("button", name="Try it")).to_be_disabled()
    page.get_by_role("radio", name=FIELDS["answer"].options["in_kind"]).check()
    page.get_by_role("radio", name=FIELDS["whom"].options["random"]).check()
    expect(page.get_by_role("button", name="Try it")).to_be_enabled()

    # Try it: the words and the three strategies' table
    page.get_by_role("button", name="Try it").click()
    words = page.locator(".builder-result-words")
    expect(words).to_contain_text(f"{NAME} won over", timeout=TRY_WAIT)
    rows = page.locator("table.builder-board tbody tr")
    expect(rows).to_have_count(3)
    labels = sorted(page.locator("table.builder-board tbody th").all_text_contents())
    assert labels == sorted([NAME, "Broadcaster", "Interactor"])
    assert page.locator("b", has_text="plan").count() == 0  # the name stayed text

    # Export: the file reads back as the same recipe
    with page.expect_download() as download:
        page.get_by_role("button", name="Export as a Python file").click()
    assert download.value.suggested_filename == f"{RECIPE.key}.py"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert from_file(saved.read_text(encoding="utf-8")) == RECIPE

    # an edited file is refused, with the reason as text
    edited = to_file(RECIPE).replace("return messages", "return messages  # mine")
    page.locator(".fp-input").set_input_files(
        files=[{"name": "edited.py", "mimeType": "text/x-python", "buffer": edited.encode()}]
    )
    expect(page.locator(".builder-file-status")).to_contain_text("was changed after the builder")
    # the unchanged file opens (its choices fill the builder)
    page.locator(".fp-input").set_input_files(str(saved))
    expect(page.locator(".builder-file-status")).to_contain_text(f"Opened {saved.name}")

    _assert_no_serious_violations(_audit(tab, "strategy"))

    # Watch it: the Simulation tab, with the strategy as a third group in the charts
    page.get_by_role("button", name="Watch it in the simulation").click()
    expect(page.get_by_role("tab", name="Simulation")).to_have_attribute("aria-selected", "true")
    page.locator("canvas.nv-canvas").first.wait_for(timeout=PAGE_READY_TIMEOUT)
    page.wait_for_function(
        """(name) => [...document.querySelectorAll(".lc-root canvas")]
            .some((c) => (c.getAttribute("aria-label") || "").includes(name))""",
        arg=NAME,
        timeout=PAGE_READY_TIMEOUT,
    )
    assert not tab.console_errors, tab.console_errors


@pytest.mark.timeout(240)
def test_submit_to_the_room(tmp_path: Path, new_tab):
    port = free_port()
    data = tmp_path / "classroom-data"
    banner = Banner.parse(open_room(data, port), port)
    room = RoomServer(data=data, port=port, name=f"builder-{_worker()}")
    try:
        room.start()
        student = new_tab(local(banner.student, room.port))
        join(student, "Ada")
        page = student.page
        open_strategy_tab(page)
        build(page)
        page.get_by_role("button", name="Submit to the room").click()
        expect(page.locator(".builder-submitted")).to_contain_text(
            f"Submitted as {NAME} at", timeout=20_000
        )
        (entry,) = room.store().strategies(banner.code)
        assert entry["name"] == NAME and Recipe.from_dict(entry["recipe"]) == RECIPE
        assert page.locator("b", has_text="plan").count() == 0
        assert not student.dialogs and not student.errors
    finally:
        room.close()
