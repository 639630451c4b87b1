"""Every word a learner meets has a one-line definition where it appears and in the About
tab's glossary; no two controls share a label (issue 11, section 3).

Labels and the controls' one-line help come from one source (``sim.params``); the charts'
definitions from ``classroom.session.CHART_HELP`` (built on ``sim.reporter_help``); the
glossary is the "Glossary" section of ``classroom/about.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from classroom.controls import control_kind
from classroom.run import CHARTS
from classroom.session import CHART_HELP, CHART_TERMS, PERSON_CHART_HELP, Session
from sim import GROUPS, PARAMETERS
from sim.params import defaults

ABOUT = (Path(__file__).resolve().parent.parent / "classroom" / "about.md").read_text()

#: The words the issue lists, and the others the app and its About text use.
ISSUE_TERMS = (
    "step",
    "attention",
    "trust",
    "recall",
    "value",
    "reach",
    "won over",
    "faded",
    "habituation",
    "attention budget",
)
MORE_TERMS = ("conversation", "held conversation", "pitch", "broadcaster", "interactor")


def section(title: str) -> str:
    """The text of the About page's section ``## title`` (up to the next ``##``)."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", ABOUT, re.M | re.S)
    assert match, f"classroom/about.md has no '## {title}' section"
    return match.group(1)


def glossary() -> dict[str, str]:
    """The glossary's entries: lower-case term -> its definition (continuation lines joined)."""
    entries: dict[str, str] = {}
    term = None
    for line in section("Glossary").splitlines():
        item = re.match(r"- \*\*(.+?)\*\*:\s*(.*)", line)
        if item:
            term = item.group(1).strip().lower()
            assert term not in entries, f"glossary defines {term!r} twice"
            entries[term] = item.group(2).strip()
        elif term and line.startswith("  ") and line.strip():
            entries[term] += " " + line.strip()
        elif not line.strip():
            continue
        else:
            term = None
    return entries


def control_params() -> list[str]:
    return [n for n in PARAMETERS if control_kind(n) != "none"]


# -- labels -------------------------------------------------------------------------------
def test_no_two_parameters_share_a_label():
    seen: dict[str, str] = {}
    for name, p in PARAMETERS.items():
        key = p.label.strip().casefold()
        assert key, f"{name} has no label"
        assert key not in seen, f"{name} and {seen[key]} are both labelled {p.label!r}"
        seen[key] = name


def test_no_control_is_labelled_like_a_group_of_controls():
    """A group's fold button and a control inside the page never read the same."""
    groups = {g.casefold() for g in GROUPS}
    for name in control_params():
        assert PARAMETERS[name].label.casefold() not in groups, name


def test_the_two_habituation_controls_are_told_apart():
    on, strength = PARAMETERS["habituation_on"].label, PARAMETERS["habituation"].label
    assert on != strength
    assert "habituation" in on.lower() and "habituation" in strength.lower()


# -- definitions where the words appear ----------------------------------------------------
@pytest.mark.parametrize("name", control_params())
def test_every_control_has_a_one_line_definition(name):
    """Each control shows its ``help`` under it (classroom.controls.ParameterControl)."""
    help_text = PARAMETERS[name].help
    assert help_text.strip() and "\n" not in help_text, name
    assert help_text.rstrip().endswith((".", ")")), name
    assert help_text.strip().casefold() != PARAMETERS[name].label.casefold(), name


@pytest.mark.parametrize("key", [c[0] for c in CHARTS])
def test_every_chart_has_a_definition_and_a_glossary_word(key):
    text = CHART_HELP[key]
    assert text and "\n" not in text and text.endswith("."), key
    assert "NaN" not in text and "counted in the group" not in text  # notes for the expert
    assert CHART_TERMS[key].lower() in glossary(), (key, CHART_TERMS[key])


def test_the_charts_show_their_definitions():
    session = Session(defaults(), 0)
    for key, chart in session.charts.items():
        assert chart.description == CHART_HELP[key]
    assert session.person_chart.description == PERSON_CHART_HELP[0]
    assert session.person_wins.description == PERSON_CHART_HELP[1]


# -- the glossary ----------------------------------------------------------------------------
@pytest.mark.parametrize("term", ISSUE_TERMS + MORE_TERMS)
def test_the_glossary_defines_every_word(term):
    entries = glossary()
    assert term in entries, f"the About tab's glossary does not define {term!r}"
    definition = entries[term]
    assert len(definition.split()) >= 6, (term, definition)
    assert definition.endswith("."), (term, definition)


def test_the_about_page_names_real_controls():
    """The controls that "Things to try" names in bold are the app's own labels."""
    labels = {p.label for p in PARAMETERS.values()}
    named = re.findall(r"\*\*(.+?)\*\*", section("Things to try"))
    assert named
    for words in named:
        assert " ".join(words.split()) in labels, words
