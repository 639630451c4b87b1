"""The facilitator's room setup card: ``write_room_card()`` writes workshop/room_card.html.

One self-contained HTML page (its style inline, no scripts, fonts or images from anywhere),
laid out to print on one A4 sheet: what to do the day before at home (install, start once),
in the room (start the server, show the address and QR code, keep the key to yourself), how
to test from a phone, what to do when the guest Wi-Fi keeps devices apart (a phone's
hotspot, pairs), and how to run the session from the projector alone. Each step has a box
to tick.

The commands and addresses on it are the real ones: the port is the launcher's
(:data:`classroom.launch.DEFAULT_PORT`), the links are built by the room's own functions
(:mod:`classroom.room.join`), and a test parses every command the card names with the
launcher's own argument parsers.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from classroom.launch import DEFAULT_PORT
from classroom.room.join import facilitator_url, student_url
from classroom.version import __version__

from .page import html_page, write_page

__all__ = ["render_room_card", "write_room_card"]

HERE = Path(__file__).resolve().parent

#: The wheel's file name as ``./dev dist`` makes it (this version's; "VERSION" when the code
#: runs from a copy that was never installed and so does not know its version).
WHEEL = "interruption_or_interaction-{}-py3-none-any.whl".format(
    __version__ if __version__ != "unknown" else "VERSION"
)
#: The printed student sheet used in projector-only mode.
SHEET = "workshop/sheet.html"
#: What a phone's hotspot usually takes at once (a range: it depends on the phone).
HOTSPOT_DEVICES = "5 to 15"


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _checklist(items: list[str]) -> str:
    rows = "\n".join(f'<li><span class="tick"></span>{item}</li>' for item in items)
    return f'<ul class="check">\n{rows}\n</ul>'


def _section(title: str, when: str, body: str) -> str:
    return f'<section>\n<h2>{title} <span class="when">{when}</span></h2>\n{body}\n</section>'


def render_room_card() -> str:
    """The card as one HTML page (UTF-8 text)."""
    c = _code
    port = DEFAULT_PORT
    local = f"http://localhost:{port}/"
    fac_link = facilitator_url(local, "CODE", "KEY")
    student_link = student_url(f"http://LAPTOP-ADDRESS:{port}/", "CODE")
    projector_link = f"{local}?projector=1"

    home = _checklist(
        [
            f"<strong>Install</strong> (Python 3.12 or newer): {c('pipx install ' + WHEEL)}, "
            f"with the wheel file you were given (or {c('pip install')} it into a venv). From "
            f"a checkout instead: {c('./dev classroom')} installs what it needs, then starts "
            "the room.",
            f"<strong>Start it once:</strong> {c('networking-classroom')} prints a room code, "
            "the students' address, a QR code and your facilitator link.",
            f"<strong>Open the facilitator link</strong> ({c(fac_link)}) in your browser: "
            "your room's page appears. Then press Ctrl+C in the terminal to stop.",
        ]
    )
    home += (
        '\n<p class="note">Installing needs the internet (the package registries); running '
        "needs none: the laptop serves every page itself.</p>"
    )

    room = _checklist(
        [
            "Connect the laptop to the students' Wi-Fi and run "
            f"{c('networking-classroom')} (from a checkout: {c('./dev classroom')}). It "
            f"reopens the latest room; {c('networking-classroom --new')} starts a fresh one.",
            "The terminal shows the <strong>ROOM CODE</strong>, the students' address "
            f"({c(student_link)}; one per network, the first is usually right) and its QR code.",
            "Open your facilitator link on the laptop. Its <em>Students join at</em> panel "
            "shows the address and QR code in large type: <strong>put the QR code and the "
            "address on the projector</strong>.",
            '<strong class="warn">Keep the key off the projector.</strong> It is in the '
            "facilitator link (in the terminal and your page's address bar): extend the "
            "display rather than mirror it, or show the page full screen.",
        ]
    )

    phone = _checklist(
        [
            "Put your phone on the students' Wi-Fi, mobile data off.",
            "Open the address or scan the QR code: you should see <em>Join room CODE</em> with "
            "a name box and a Join button.",
            "Nothing? Check both are on the same network; allow Python through the laptop's "
            "firewall if it asks. Still nothing: see 4.",
        ]
    )

    isolated = (
        '<p class="note">The sign: the address opens on the laptop but not on a phone on the '
        "same Wi-Fi.</p>\n"
    )
    isolated += _checklist(
        [
            "Start a <strong>hotspot</strong> on a phone and connect the laptop to it.",
            "The terminal shows the addresses the laptop had when the server started: press "
            f"Ctrl+C and run {c('networking-classroom')} again to print the new one (a reload "
            "of the facilitator page shows it too). Same room, code and key; students already "
            "in keep their seats.",
            "Connect the students' devices to the hotspot, and test from a phone again. Mind "
            f"its limit: most phones take {HOTSPOT_DEVICES} devices, so students work in "
            "<strong>pairs</strong> or threes, one device per group. The session itself uses "
            "none of the phone's mobile data.",
        ]
    )

    alone = _checklist(
        [
            f"On the laptop alone: {c('networking-app')} opens the app in your browser "
            f"(no network at all). If {c('networking-classroom')} is running, the same app "
            f"is at {c(local)}.",
            "Large text: switch on <em>Projector mode (large text)</em> in the sidebar, or "
            f"open {c(projector_link)}.",
            "Open each exercise from the <em>Exercises</em> tab (<em>Set up this run</em>); "
            f"from a checkout, {c('python -m workshop list')} prints every link. Projector "
            "mode stays on.",
            f"Students predict on paper (the printed student sheet, {c(SHEET)}) before "
            "anything runs; a show of hands for each option, and you write down the counts. "
            "Then run it and compare.",
        ]
    )

    bring = (
        '<ul class="check bring">\n'
        + "\n".join(
            f'<li><span class="tick"></span>{item}</li>'
            for item in [
                "The laptop, its power supply, an extension lead",
                "A video adapter for the projector (HDMI, USB-C)",
                "A phone that can run a hotspot, and its charger",
                f"Student sheets printed ({c(SHEET)}), with spares",
            ]
        )
        + "\n</ul>\n"
        + '<p class="note">After class: '
        + c("networking-classroom export --format json --out class.json")
        + " saves what the room did; "
        + c("networking-workshop slides --export class.json")
        + " makes the debrief slides with the class's results.</p>"
    )

    sections = "\n".join(
        [
            _section("1. The day before, at home", "(with internet)", home),
            _section("2. In the room", "(no internet needed)", room),
            _section("3. Test from a phone", "(before students arrive)", phone),
            _section(
                "4. When guest Wi-Fi isolates devices",
                "(phones cannot reach the laptop)",
                isolated,
            ),
            _section("5. Projector-only mode", "(when nothing else works)", alone),
            _section("6. Bring", "", bring),
        ]
    )
    body = f"""<header>
<h1>Room setup card</h1>
<p class="sub">Interruption or interaction? For the facilitator: tick each step as you go.</p>
</header>
{sections}"""
    return html_page("Interruption or interaction? Room setup card", "room_card", body)


def write_room_card(path: str | Path = HERE / "room_card.html") -> Path:
    """Writes the card to ``path`` (default: workshop/room_card.html) and returns it."""
    return write_page(path, render_room_card())
