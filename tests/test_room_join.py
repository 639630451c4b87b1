"""Joining a room (classroom.room.join): this machine's addresses, the room's links, the QR
codes (SVG and terminal text) and the banner ``./dev classroom`` prints."""

from __future__ import annotations

import ipaddress
import math
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st

from classroom.room import join

SVG_NS = "{http://www.w3.org/2000/svg}"

IP_OUTPUT = """\
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
3: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft ...
4: wlp2s0    inet 192.168.1.20/24 brd 192.168.1.255 scope global dynamic wlp2s0\\  valid_lft ...
5: eth0    inet 10.0.0.5/8 brd 10.255.255.255 scope global eth0\\       valid_lft forever
6: usb0    inet 169.254.3.1/16 brd 169.254.255.255 scope link usb0\\       valid_lft forever
7: veth12@if6    inet 172.18.0.1/16 scope global veth12\\       valid_lft forever
8: hotspot0    inet 10.42.0.1/24 brd 10.42.0.255 scope global hotspot0\\  valid_lft forever
"""

IFCONFIG_OUTPUT = """\
lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> mtu 16384
\tinet 127.0.0.1 netmask 0xff000000
\tinet6 ::1 prefixlen 128
en0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500
\tether 3c:22:fb:00:00:00
\tinet 192.168.0.12 netmask 0xffffff00 broadcast 192.168.0.255
bridge100: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500
\tinet 192.168.2.1 netmask 0xffffff00 broadcast 192.168.2.255
"""


def fake_run(outputs):
    """A stand-in for join._run: the given output for each command name, "" otherwise."""
    return lambda command: outputs.get(command[0], "")


# --- addresses --------------------------------------------------------------------------


def test_addresses_of_this_machine_are_reachable_http_urls_with_the_port():
    found = join.addresses(8765)
    assert len(found) == len(set(found))
    for url in found:
        parts = urlsplit(url)
        assert parts.scheme == "http" and parts.port == 8765 and parts.path == "/"
        ip = ipaddress.IPv4Address(parts.hostname)
        assert not ip.is_loopback and not ip.is_link_local and not ip.is_unspecified
    assert join.addresses(9001) == [url.replace(":8765/", ":9001/") for url in found]


def test_interfaces_from_ip_are_filtered_and_physical_ones_come_first(monkeypatch):
    monkeypatch.setattr(join, "_run", fake_run({"ip": IP_OUTPUT}))
    monkeypatch.setattr(join, "_from_ioctl", lambda: pytest.fail("ip was enough"))
    assert join.network_interfaces() == [
        ("eth0", "10.0.0.5"),
        ("wlp2s0", "192.168.1.20"),
        ("hotspot0", "10.42.0.1"),
        ("docker0", "172.17.0.1"),
        ("veth12", "172.18.0.1"),
    ]
    assert join.addresses(80)[:2] == ["http://10.0.0.5:80/", "http://192.168.1.20:80/"]


def test_without_ip_the_ioctl_then_ifconfig_are_used(monkeypatch):
    monkeypatch.setattr(join, "_run", fake_run({"ifconfig": IFCONFIG_OUTPUT}))
    monkeypatch.setattr(join, "_from_ioctl", lambda: [("lo", "127.0.0.1"), ("enp3s0", "10.1.2.3")])
    assert join.network_interfaces() == [("enp3s0", "10.1.2.3")]
    monkeypatch.setattr(join, "_from_ioctl", lambda: [])
    assert join.network_interfaces() == [("en0", "192.168.0.12"), ("bridge100", "192.168.2.1")]


def test_no_way_to_read_the_interfaces_gives_no_address_and_the_note(monkeypatch):
    monkeypatch.setattr(join, "_run", fake_run({}))
    monkeypatch.setattr(join, "_from_ioctl", lambda: [])
    assert join.addresses(8765) == []
    assert join.address_note([]) == join.NO_ADDRESS_NOTE
    assert "hotspot" in join.NO_ADDRESS_NOTE and "server again" in join.NO_ADDRESS_NOTE
    assert join.address_note(["http://10.0.0.5:8765/"]) == ""


def test_the_ioctl_reader_runs_here_without_error():
    for name, ip in join._from_ioctl():
        assert name and ipaddress.IPv4Address(ip)


# --- links ------------------------------------------------------------------------------


def test_student_and_facilitator_links():
    assert join.student_url("http://10.0.0.5:8765/", "K7PQ2M") == (
        "http://10.0.0.5:8765/?room=K7PQ2M"
    )
    assert join.facilitator_url("http://localhost:8765/", "K7PQ2M", "abc") == (
        "http://localhost:8765/facilitator?room=K7PQ2M&key=abc"
    )
    # a base without its final slash still gives a well-formed link
    assert join.student_url("http://10.0.0.5:8765", "AB") == "http://10.0.0.5:8765/?room=AB"


@pytest.mark.parametrize("key", ["a&key=b", "sp ace", "x/y+z=", "#frag?", "é☃", "%41"])
def test_odd_keys_and_codes_are_url_encoded(key):
    url = join.facilitator_url("http://h:1/", key[::-1], key)
    parts = urlsplit(url)
    assert parts.path == "/facilitator" and parts.fragment == ""
    assert " " not in url and url.isascii()
    assert parse_qs(parts.query) == {"room": [key[::-1]], "key": [key]}
    assert parse_qs(urlsplit(join.student_url("http://h:1/", key)).query) == {"room": [key]}


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
@settings(max_examples=50, deadline=None)
def test_any_code_and_key_come_back_from_the_link(code, key):
    query = urlsplit(join.facilitator_url("http://h:1/", code, key)).query
    assert parse_qs(query, keep_blank_values=True) == {
        "room": [code],
        "key": [key],
    }


# --- QR codes ---------------------------------------------------------------------------

URL = "http://192.168.1.20:8765/?room=K7PQ2M"


def test_qr_svg_is_xml_with_a_title_a_view_box_and_black_on_white():
    svg = join.qr_svg(URL + "&x=<y>", scale=5)
    root = ET.fromstring(svg)
    assert root.tag == SVG_NS + "svg"
    assert root.get("role") == "img"
    assert URL + "&x=<y>" in root.find(SVG_NS + "title").text
    side = segno.make(URL + "&x=<y>").symbol_size(border=4)[0] * 5
    assert root.get("viewBox") == f"0 0 {side} {side}"
    assert root.get("width") == root.get("height") == str(side)
    colours = {el.get("fill") or el.get("stroke") for el in root.iter() if el.tag.endswith("path")}
    assert colours == {"#fff", "#000"}


def terminal_modules(text: str) -> list[list[bool]]:
    """The module rows that a half-block rendering shows (True where drawn)."""
    rows = []
    for line in text.splitlines():
        rows.append([ch in "█▀" for ch in line])
        rows.append([ch in "█▄" for ch in line])
    return rows


def light_modules(url: str, border: int = 4) -> list[list[bool]]:
    """segno's matrix for ``url`` with its quiet zone, True for the light modules."""
    return [[not m for m in row] for row in segno.make(url).matrix_iter(border=border)]


@pytest.mark.parametrize("border", [4, 2])
def test_terminal_qr_in_half_blocks_shows_exactly_the_symbol(border):
    text = join.qr_terminal(URL, border=border, encoding="utf-8")
    side = segno.make(URL).symbol_size(border=border)[0]
    lines = text.splitlines()
    assert len(lines) == math.ceil(side / 2)
    assert {len(line) for line in lines} == {side}
    assert set(text) <= set("▀▄█ \n")
    assert terminal_modules(text)[:side] == light_modules(URL, border)
    text.encode("utf-8")


def test_inverted_terminal_qr_draws_the_dark_modules():
    text = join.qr_terminal(URL, encoding="utf-8", invert=True)
    side = segno.make(URL).symbol_size()[0]
    dark = [[not m for m in row] for row in light_modules(URL)]
    assert terminal_modules(text)[:side] == dark


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_terminal_qr_falls_back_to_ascii(encoding):
    text = join.qr_terminal(URL, encoding=encoding)
    side = segno.make(URL).symbol_size()[0]
    lines = text.splitlines()
    assert len(lines) == side and {len(line) for line in lines} == {2 * side}
    assert [[line[2 * i] == "#" for i in range(side)] for line in lines] == light_modules(URL)
    text.encode(encoding)


def test_terminal_qr_uses_blocks_in_a_dos_code_page():
    text = join.qr_terminal(URL, encoding="cp437")
    assert "█" in text
    text.encode("cp437")


def test_different_urls_give_different_qr_codes():
    other = URL.replace("K7PQ2M", "K7PQ2N")
    assert join.qr_terminal(URL, encoding="utf-8") != join.qr_terminal(other, encoding="utf-8")
    assert join.qr_svg(URL) != join.qr_svg(other)


# --- the banner -------------------------------------------------------------------------

KEY = "s3cr&t key/+="
FOUND = [("eth0", "10.0.0.5"), ("wlan0", "192.168.1.20")]


@pytest.fixture
def two_addresses(monkeypatch):
    """This machine seen as having a wired and a Wi-Fi address."""
    monkeypatch.setattr(join, "network_interfaces", lambda: list(FOUND))


def test_banner_names_the_room_each_address_and_the_facilitator_link(two_addresses):
    text = join.join_banner("K7PQ2M", KEY, 8765, encoding="utf-8")
    assert "K 7 P Q 2 M" in text
    for name, ip in FOUND:
        assert re.search(rf"^  http://{re.escape(ip)}:8765/\?room=K7PQ2M +\({name}\)$", text, re.M)
    assert join.facilitator_url("http://localhost:8765/", "K7PQ2M", KEY) in text.splitlines()
    assert "do NOT" in text and "students" in text
    assert join.NO_ADDRESS_NOTE not in text
    # the QR code is that of the first address
    qr = join.qr_terminal("http://10.0.0.5:8765/?room=K7PQ2M", encoding="utf-8")
    assert "\n".join("  " + line for line in qr.splitlines()) in text
    for line in text.splitlines():
        assert len(line) <= 80 or line.startswith("http")


def test_banner_in_ascii_stays_ascii(two_addresses):
    text = join.join_banner("K7PQ2M", KEY, 8765, encoding="ascii")
    text.encode("ascii")
    assert "##" in text


def test_banner_without_addresses_has_the_note_and_no_qr(monkeypatch):
    monkeypatch.setattr(join, "addresses", lambda port: [])
    text = join.join_banner("ROOM42", "k", 8000, encoding="utf-8")
    assert join.NO_ADDRESS_NOTE in " ".join(text.split())
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "R O O M 4 2" in text
    assert "http://localhost:8000/facilitator?room=ROOM42&key=k" in text
    assert "?room=ROOM42\n" not in text and "█" not in text


def test_banner_on_this_machine_lists_every_address():
    text = join.join_banner("AB12", "key", 8765)
    found = join.addresses(8765)
    for base in found:
        assert join.student_url(base, "AB12") in text
    assert (join.NO_ADDRESS_NOTE in " ".join(text.split())) == (not found)
