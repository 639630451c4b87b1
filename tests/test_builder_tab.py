"""The Strategy tab in-process (no browser): controls made from agents.builder.FIELDS, the
live description, a refused combination (shown beside its choice, Try it / Export
disabled), Try it in a thread with its result, one preview at a time in the server, the
export read back by from_file, opening a file (an edited one is refused, as text), the
palette's contrast, and the setup "Watch it in the simulation" makes."""

from __future__ import annotations

import threading
import time

import ipyvuetify as v
import pytest
import solara
from solara.components.file_download import FileDownloadWidget
from waiting import TIMEOUT, wait_until

from agents.builder import FIELDS, Recipe, from_file, to_file
from agents.registry import available_strategies
from classroom import builder as tab
from classroom.palette import BACKGROUNDS, MIN_CONTRAST, STRATEGY_COLOURS, contrast_ratio
from classroom.share import Setup
from classroom.upload import FilePicker
from sim.params import check_mix

#: The combination the builder refuses: only those talked with, answering with a pitch.
SILENT = {"whom": "talked", "answer": "pitch", "strangers": 0}


@pytest.fixture
def page():
    tab.reset()
    before = set(threading.enumerate())
    watched: list = []
    box, rc = solara.render(tab.StrategyBuilder(on_watch=watched.append), handle_error=False)
    rc.box = box
    yield rc, watched
    rc.close()
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=3 * TIMEOUT)
    tab.reset()


def button(rc, text: str):
    found = [w for w in rc.find(v.Btn).widgets if text in w.children]
    assert len(found) == 1, f"{len(found)} buttons labelled {text!r}"
    return found[0]


def texts(rc, class_: str) -> list[str]:
    return [
        c for w in rc.find(v.Html, class_=class_).widgets for c in w.children if isinstance(c, str)
    ]


def by_class(widget, class_: str) -> list:
    """Every widget under ``widget`` (itself too) that has the CSS class ``class_``."""
    found = []
    if class_ in (getattr(widget, "class_", None) or "").split():
        found.append(widget)
    for child in getattr(widget, "children", None) or []:
        if not isinstance(child, str):
            found += by_class(child, class_)
    return found


def choose(**choices) -> None:
    tab.CHOICES.value = {**tab.CHOICES.value, **choices}


# ---------------------------------------------------------------- controls from FIELDS
def test_every_choice_has_its_control_label_and_help_from_fields(page):
    rc, _ = page
    radio_groups = {w.label: w for w in rc.find(v.RadioGroup).widgets}
    sliders = {w.label: w for w in rc.find(v.Slider).widgets}
    helps = texts(rc, "param-help")
    recipe = Recipe()
    for name, field in FIELDS.items():
        if not recipe.matters(name):
            continue
        assert field.help in helps, name
        if field.kind == "choice":
            group = radio_groups[field.label]
            assert [r.label for r in group.children] == list(field.options.values())
            assert [r.value for r in group.children] == list(field.options)
        elif field.kind in ("int", "float"):
            (slider,) = [s for label, s in sliders.items() if label.startswith(field.label)]
            assert (slider.min, slider.max) == (field.low, field.high)
            assert slider.name == slider.label  # the handle's accessible name
        elif field.kind == "text":
            (name_field,) = rc.find(v.TextField, label=field.label).widgets
            assert name_field.attributes["maxlength"] == tab.NAME_LENGTH
    for colour_name in STRATEGY_COLOURS:  # a swatch and its name: never colour alone
        assert button(rc, colour_name).attributes["aria-pressed"] in ("true", "false")


def test_a_choice_that_does_not_matter_is_hidden(page):
    rc, _ = page
    every = FIELDS["every"].label
    assert not [s for s in rc.find(v.Slider).widgets if s.label.startswith(every)]
    rc.find(v.RadioGroup, label=FIELDS["when"].label).widget.v_model = "every_k"
    rc.find(v.Slider).wait_for(timeout=2)
    assert [s for s in rc.find(v.Slider).widgets if s.label.startswith(every)]
    assert tab.CHOICES.value["when"] == "every_k"


def test_the_description_follows_the_choices(page):
    rc, _ = page
    assert Recipe().describe() in texts(rc, "builder-words")
    rc.find(v.RadioGroup, label=FIELDS["how"].label).widget.v_model = "pitch"
    wanted = Recipe(how="pitch").describe()
    wait_until(lambda: wanted in _all_text(rc), "the new description")


def _all_text(rc) -> list[str]:
    out = []

    def walk(w):
        for child in getattr(w, "children", None) or []:
            if isinstance(child, str):
                out.append(child)
            elif hasattr(child, "children"):
                walk(child)

    walk(rc.box)
    return out


def test_the_colour_buttons_choose_the_colour(page):
    rc, _ = page
    button(rc, "Blue").click()
    assert tab.CHOICES.value["colour"] == STRATEGY_COLOURS["Blue"]
    assert button(rc, "Blue").attributes["aria-pressed"] == "true"
    assert button(rc, "Reddish purple").attributes["aria-pressed"] == "false"


def test_the_name_is_length_limited_and_shown_as_text(page):
    rc, _ = page
    name = rc.find(v.TextField, label=FIELDS["name"].label).widget
    name.v_model = "<b>bold</b> " + "x" * 100
    assert len(tab.CHOICES.value["name"]) == tab.NAME_LENGTH
    assert tab.CHOICES.value["name"] in _all_text(rc)  # a text node, never markup


# ---------------------------------------------------------------- a refused combination
def test_a_refused_combination_shows_beside_its_choice_and_disables_the_buttons(page):
    rc, _ = page
    choose(**SILENT)
    rc.find(v.Html, class_="builder-refusal").wait_for(timeout=2)
    refusal = rc.find(v.Html, class_="builder-refusal").widget
    assert refusal.attributes["role"] == "alert"
    # beside the choice it names ("whom"), inside that choice's column
    (whom,) = by_class(rc.box, "builder-whom")
    assert refusal in whom.children
    assert button(rc, "Try it").disabled
    assert button(rc, "Watch it in the simulation").disabled
    assert button(rc, "Export as a Python file").disabled
    assert not rc.find(FileDownloadWidget).widgets  # nothing to download
    choose(answer="in_kind")
    wait_until(lambda: not button(rc, "Try it").disabled, "Try it enabled again")


# ---------------------------------------------------------------- Try it
def test_try_it_runs_in_a_thread_with_progress_and_shows_the_result(page):
    rc, _ = page
    choose(name="Quiet talker", whom="random", few=2)
    seen: list = []
    watcher = threading.Thread(
        target=lambda: [seen.append(tab.PROGRESS.value) or time.sleep(0.01) for _ in range(400)],
        daemon=True,
    )
    button(rc, "Try it").click()
    watcher.start()
    wait_until(lambda: tab.PREVIEWED.value is not None, "the preview", timeout=60)
    assert not tab.PREVIEW_ERROR.value
    choices, result = tab.PREVIEWED.value
    assert choices == Recipe.from_dict(tab.CHOICES.value).to_dict()
    wait_until(lambda: result.words in _all_text(rc), "the words on the page")
    table = rc.find(v.Html, tag="table", class_="builder-board").widget
    body = [c for c in table.children if c.tag == "tbody"][0]
    labels = [row.children[0].children[0] for row in body.children]
    assert sorted(labels) == sorted(["Quiet talker", "Broadcaster", "Interactor"])
    assert any(p is not None for p in seen)  # the progress was shown while it ran
    assert not any(k.startswith("preview_") for k in available_strategies())


def test_one_preview_at_a_time_first_come_first_served():
    queue = tab.PreviewQueue()
    order, told = [], []
    first_in = threading.Event()
    release = threading.Event()

    def holder():
        with queue.turn():
            first_in.set()
            order.append("first")
            release.wait(5)

    def waiter():
        with queue.turn(told.append):
            order.append("second")

    a = threading.Thread(target=holder)
    a.start()
    first_in.wait(5)
    b = threading.Thread(target=waiter)
    b.start()
    wait_until(lambda: told == [1], "the waiter told it has one ahead")
    assert order == ["first"]
    release.set()
    a.join(5)
    b.join(5)
    assert order == ["first", "second"]
    assert queue.waiting() == 0


# ---------------------------------------------------------------- files
def test_export_gives_a_file_that_from_file_reads_back(page):
    rc, _ = page
    choose(name="Patient listener", when="after_listening", listen=30, colour="#009E73")
    recipe = Recipe.from_dict(tab.CHOICES.value)
    rc.find(FileDownloadWidget).wait_for(timeout=2)
    download = rc.find(FileDownloadWidget).widget
    assert download.filename == f"{recipe.key}.py"
    download.request_download = True  # what its button does in the browser
    wait_until(lambda: download.bytes, "the file's bytes")
    assert from_file(download.bytes.decode("utf-8")) == recipe


def _open(rc, name: str, text: str) -> None:
    data = text.encode("utf-8")
    rc.find(FilePicker).widget.on_file({"name": name, "size": len(data), "data": data})


def test_opening_a_builder_file_fills_the_builder(page):
    rc, _ = page
    recipe = Recipe(name="From a file", whom="least_known", few=4, how="pitch")
    _open(rc, "from_a_file.py", to_file(recipe))
    assert Recipe.from_dict(tab.CHOICES.value) == recipe
    wait_until(lambda: "Opened from_a_file.py: From a file." in _all_text(rc), "opened")


def test_an_edited_file_is_refused_with_its_reason_as_text(page):
    rc, _ = page
    before = dict(tab.CHOICES.value)
    text = to_file(Recipe()).replace("return messages", "return messages  # <b>mine</b>")
    _open(rc, "<img src=x onerror=alert(1)>.py", text)
    assert tab.CHOICES.value == before
    kind, message = tab.OPENED.value
    assert kind == "error" and "was changed after the builder wrote it" in message
    assert message in _all_text(rc)  # a text node: the file's name stays text


def test_a_file_that_is_not_the_builders_or_too_large_is_refused(page):
    rc, _ = page
    _open(rc, "mine.py", "print('hello')\n")
    assert "not made by the strategy builder" in tab.OPENED.value[1]
    rc.find(FilePicker).widget.on_file(
        {"name": "big.py", "size": tab.MAX_FILE_BYTES + 1, "data": None}
    )
    assert "too large" in tab.OPENED.value[1]
    _open(rc, "bin.py", "")
    rc.find(FilePicker).widget.on_file({"name": "bin.py", "size": 2, "data": b"\xff\xfe"})
    assert "not UTF-8" in tab.OPENED.value[1]


# ---------------------------------------------------------------- watch it, palette
def test_watch_it_registers_the_strategy_and_hands_the_page_a_mix(page):
    rc, watched = page
    choose(name="Watch me")
    button(rc, "Watch it in the simulation").click()
    (mix,) = watched
    recipe = Recipe.from_dict(tab.CHOICES.value)
    assert mix[0][0] == tab.watch_key(recipe) and mix[0][0].startswith(recipe.key)
    assert [name for name, _ in mix[1:]] == ["interrupt", "interact"]
    assert check_mix("strategy_mix", mix) == mix  # every name registered
    setup = tab.watch_setup(Setup(projector=True, room="ABCDE"), mix)
    assert setup.params["strategy_mix"] == mix and setup.compare is None
    assert setup.projector and setup.room == "ABCDE"


def test_the_same_name_with_other_choices_is_watched_under_another_key():
    a, b = Recipe(name="My strategy"), Recipe(name="My strategy", how="pitch")
    assert tab.watch_key(a) != tab.watch_key(b)
    assert tab.watch_key(a) == tab.watch_key(Recipe(name="My strategy"))


def test_strategy_colours_have_3_to_1_contrast_on_both_backgrounds():
    assert FIELDS["colour"].default in STRATEGY_COLOURS.values()
    for name, colour in STRATEGY_COLOURS.items():
        for background in BACKGROUNDS:
            assert contrast_ratio(colour, background) >= MIN_CONTRAST, (name, background)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
