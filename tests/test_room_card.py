"""The facilitator's room setup card (workshop/room_card.html): up to date, self-contained,
and every command, option and link on it is one the code really has.

How many pages it prints on is checked in Chromium: tests/browser/test_print_pages.py.
"""

from __future__ import annotations

import re
import shlex
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from classroom.launch import DEFAULT_PORT, ROOM_COMMANDS, _app_parser, _classroom_parser
from classroom.room import cli as room_cli
from workshop.room_card import render_room_card

ROOT = Path(__file__).resolve().parents[1]
CARD = ROOT / "workshop" / "room_card.html"
REGENERATE = 'python -c "from workshop.room_card import write_room_card; write_room_card()"'


@pytest.fixture(scope="module")
def html() -> str:
    return render_room_card()


@pytest.fixture(scope="module")
def snippets(html) -> list[str]:
    """The text of every ``<code>`` element of the card."""
    return [unescape(s) for s in re.findall(r"<code>(.*?)</code>", html, flags=re.S)]


def _text(html: str) -> str:
    """The card's words without its markup."""
    body = html.split("<body>", 1)[1]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_the_committed_card_is_up_to_date(html):
    assert CARD.read_text(encoding="utf-8") == html, (
        f"workshop/room_card.html is out of date: run {REGENERATE}"
    )


def test_the_card_is_one_self_contained_page(html):
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    assert "<script" not in html.lower()
    assert "@import" not in html and "url(" not in html  # no fonts or images from anywhere
    assert re.search(r"@page\s*\{[^}]*margin", html), "the print style sets no @page margins"
    assert "@media print" in html
    # no file is loaded from anywhere: no src at all, no stylesheet link, no link elsewhere
    assert not re.search(r"\ssrc\s*=", html, flags=re.I)
    assert not re.search(r"<link\b", html, flags=re.I)
    for href in re.findall(r'href\s*=\s*["\']([^"\']*)', html, flags=re.I):
        assert not re.match(r"(?i)(https?:)?//", href), f"a link off the page: {href}"


def _parses(parser, argv: list[str]) -> None:
    """Fails unless ``parser`` accepts ``argv`` exactly (no unknown option, no bad value)."""
    try:
        parser.parse_args(argv)
    except SystemExit as e:  # the launcher's parsers exit with status 2 on bad input
        pytest.fail(f"{parser.prog} {shlex.join(argv)}: not a valid command (exit {e.code})")


def _check_classroom(argv: list[str]) -> None:
    if argv and argv[0] in ROOM_COMMANDS:  # handed to python -m classroom room ...
        try:
            room_cli._parser().parse_args(["room", *argv])
        except room_cli.UsageError as e:
            pytest.fail(f"networking-classroom {shlex.join(argv)}: {e}")
    else:
        _parses(_classroom_parser("networking-classroom"), argv)


def _dev_commands() -> set[str]:
    """The commands ``./dev`` dispatches (its final ``case`` statement)."""
    text = (ROOT / "dev").read_text(encoding="utf-8")
    dispatch = text[text.rindex('case "${1:-help}" in') :]
    return set(re.findall(r"^\s+([a-z]+)\)", dispatch, flags=re.M))


def test_every_command_on_the_card_exists(snippets):
    from workshop.__main__ import _parser as workshop_parser

    dev = _dev_commands()
    seen = set()
    for snippet in snippets:
        words = shlex.split(snippet)
        if not words:
            continue
        head, argv = words[0], words[1:]
        if head == "networking-classroom":
            _check_classroom(argv)
        elif head == "networking-app":
            _parses(_app_parser("networking-app"), argv)
        elif head == "./dev":
            assert argv and argv[0] in dev, f"./dev has no command {argv[:1]} (it has {dev})"
        elif words[:3] == ["python", "-m", "workshop"]:
            _parses(workshop_parser(), words[3:])
        elif head == "networking-workshop":  # the same command, installed
            _parses(workshop_parser(), argv)
        elif head in ("pipx", "pip"):
            assert argv and argv[0] == "install", snippet
            if head == "pipx":
                assert re.fullmatch(r"interruption_or_interaction-\S+-py3-none-any\.whl", argv[1])
        else:
            continue
        seen.add(" ".join(words[:3]) if head == "python" else head)
    # the card must name these, or this test checks nothing
    assert {"networking-classroom", "networking-app", "./dev", "python -m workshop"} <= seen
    assert "./dev classroom" in snippets
    assert any(
        s.startswith("networking-classroom ") and s.split()[1] in ROOM_COMMANDS for s in snippets
    )


def test_the_links_on_the_card_are_the_apps(snippets):
    """The facilitator's link, the students' address and the projector link have the
    format of the room's and the app's own code, on the launcher's default port."""
    from classroom.share import from_query

    urls = [urlsplit(s) for s in snippets if s.startswith("http://")]
    assert urls, "the card shows no address"
    for url in urls:
        assert url.port == DEFAULT_PORT, url.geturl()
    facilitator = [u for u in urls if u.path == "/facilitator"]
    assert facilitator and all(
        set(dict(parse_qsl(u.query))) == {"room", "key"} for u in facilitator
    )
    assert any(
        u.hostname != "localhost" and dict(parse_qsl(u.query)) == {"room": "CODE"} for u in urls
    ), "no students' address with ?room="
    projector = [u for u in urls if "projector" in u.query]
    assert projector
    for u in projector:
        setup, problems = from_query(u.query)
        assert problems == [] and setup.projector, u.geturl()


def test_the_card_says_what_a_facilitator_needs(html):
    text = _text(html).lower()
    for word in (
        "hotspot",
        "pairs",
        "projector",
        "phone",
        "qr code",
        "room code",
        "key",
        "ctrl+c",
        "show of hands",
        "workshop/sheet.html",
        "package registries",
        str(DEFAULT_PORT),
    ):
        assert word in text, f"the card never says {word!r}"
    # the sections come in the order a facilitator needs them
    order = [
        "the day before",
        "in the room",
        "test from a phone",
        "isolates devices",
        "projector-only",
        "bring",
    ]
    where = [text.find(h) for h in order]
    assert -1 not in where and where == sorted(where), dict(zip(order, where, strict=True))
    # tick boxes: every step is one
    assert html.count('class="tick"') >= 15
