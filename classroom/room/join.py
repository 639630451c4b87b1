"""How students join a room: this machine's addresses, the room's links and QR codes.

``./dev classroom`` prints :func:`join_banner`: the room code, every address a student on the
same network can open, a QR code of the first one, and the facilitator's private link. The
facilitator's page draws the same QR code with :func:`qr_svg`.

Everything here works offline: the addresses come from this machine's own network interfaces
(the ``ip`` command, a Linux ioctl, or ``ifconfig``), never from a DNS lookup or a connection to
another host.
"""

from __future__ import annotations

import io
import ipaddress
import re
import shutil
import socket
import subprocess
import sys
import textwrap
from urllib.parse import quote, urlencode

import segno

__all__ = [
    "NO_ADDRESS_NOTE",
    "address_note",
    "addresses",
    "facilitator_url",
    "join_banner",
    "network_interfaces",
    "qr_svg",
    "qr_terminal",
    "student_url",
]

NO_ADDRESS_NOTE = (
    "This computer has no network address other than itself: connect it to the room's "
    "Wi-Fi or start a hotspot, then start the room's server again."
)

# Interface names that usually carry the room's network (Ethernet, Wi-Fi) come first; names
# of container bridges, virtual machines' networks and tunnels come last (they are still
# listed: on some set-ups a tunnel is how the room connects).
_PHYSICAL = re.compile(r"^(eth|en|wl|wlan|wifi|ww)", re.IGNORECASE)
_VIRTUAL = re.compile(
    r"^(docker|br-|veth|virbr|vmnet|vboxnet|lxc|lxd|cni|flannel|cali|podman|kube|tun|tap|"
    r"utun|tailscale|zt|wg|awdl|llw|bridge)",
    re.IGNORECASE,
)

_SIOCGIFADDR = 0x8915  # Linux: read an interface's IPv4 address
_TIMEOUT_S = 3.0


def _usable(ip: str) -> bool:
    """True for an IPv4 address another machine could reach: not loopback, link-local, etc."""
    try:
        addr = ipaddress.IPv4Address(ip)
    except ValueError:
        return False
    return not (
        addr.is_loopback
        or addr.is_link_local
        or addr.is_unspecified
        or addr.is_multicast
        or addr.is_reserved
    )


def _rank(name: str) -> int:
    """0 for a wired or Wi-Fi looking interface name, 2 for a clearly virtual one, else 1."""
    if _VIRTUAL.match(name):
        return 2
    if _PHYSICAL.match(name):
        return 0
    return 1


def _parse_ip_addr(text: str) -> list[tuple[str, str]]:
    """(interface, address) pairs from the output of ``ip -o -4 addr show``."""
    found = []
    for line in text.splitlines():
        fields = line.split()
        # "2: eth0    inet 192.168.1.20/24 brd 192.168.1.255 scope global eth0\ ..."
        if len(fields) >= 4 and fields[2] == "inet":
            name = fields[1].split("@", 1)[0]
            found.append((name, fields[3].split("/", 1)[0]))
    return found


def _parse_ifconfig(text: str) -> list[tuple[str, str]]:
    """(interface, address) pairs from the output of ``ifconfig`` (BSD, macOS or Linux)."""
    found = []
    name = ""
    for line in text.splitlines():
        if line and not line[0].isspace():
            name = line.split(":", 1)[0].split()[0]
            continue
        match = re.match(r"\s+inet (?:addr:)?(\d+\.\d+\.\d+\.\d+)", line)
        if match and name:
            found.append((name, match.group(1)))
    return found


def _run(command: list[str]) -> str:
    """The standard output of a local command, or "" if it is missing or fails."""
    if shutil.which(command[0]) is None:
        return ""
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_S,
            env={"LC_ALL": "C", "PATH": "/usr/sbin:/sbin:/usr/bin:/bin"},
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout if done.returncode == 0 else ""


def _from_ioctl() -> list[tuple[str, str]]:
    """(interface, address) pairs read with the SIOCGIFADDR ioctl (Linux; primary address only)."""
    try:
        import fcntl
        import struct

        names = [name for _, name in socket.if_nameindex()]
    except (ImportError, OSError, AttributeError):
        return []
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for name in names:
            request = struct.pack("256s", name.encode()[:15])
            try:
                answer = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, request)
            except OSError:  # no IPv4 address on this interface
                continue
            found.append((name, socket.inet_ntoa(answer[20:24])))
    return found


def _from_hostname() -> list[tuple[str, str]]:
    """(name, address) pairs of the addresses this computer's own name resolves to (Windows,
    which has neither ``ip`` nor ``ifconfig``; the resolver answers from the machine)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return sorted({("host", info[4][0]) for info in infos})


def network_interfaces() -> list[tuple[str, str]]:
    """This machine's reachable IPv4 addresses, as (interface name, address) pairs.

    Loopback, link-local (169.254.x.x) and other addresses no other machine could use are left
    out. Wired and Wi-Fi looking interfaces come first, clearly virtual ones (containers,
    virtual machines, tunnels) last. Nothing leaves the machine: the addresses come from
    ``ip -o -4 addr show``, else the SIOCGIFADDR ioctl, else ``ifconfig``, else the addresses
    of this computer's own name; an empty list when none of them works.
    """
    found = _parse_ip_addr(_run(["ip", "-o", "-4", "addr", "show"]))
    if not found:
        found = _from_ioctl()
    if not found:
        found = _parse_ifconfig(_run(["ifconfig"]))
    if not found:
        found = _from_hostname()
    pairs = {(name, ip) for name, ip in found if _usable(ip)}
    return sorted(
        pairs,
        key=lambda pair: (_rank(pair[0]), pair[0], ipaddress.IPv4Address(pair[1])),
    )


def addresses(port: int) -> list[str]:
    """The base URLs (``http://IP:PORT/``) that students on the same network can open.

    One per reachable IPv4 address of this machine (see :func:`network_interfaces`), best
    guess first; an empty list when the machine has no address but its own loopback.
    """
    seen: list[str] = []
    for _, ip in network_interfaces():
        url = f"http://{ip}:{int(port)}/"
        if url not in seen:
            seen.append(url)
    return seen


def address_note(found: list[str]) -> str:
    """The note to show when ``found`` (from :func:`addresses`) is empty, else ""."""
    return "" if found else NO_ADDRESS_NOTE


def _with_slash(base: str) -> str:
    """``base`` ending in "/" (so that a path or query can be appended)."""
    return base if base.endswith("/") else base + "/"


def student_url(base: str, code: str) -> str:
    """The address a student opens to join room ``code``: ``{base}?room={code}``, URL-encoded."""
    return f"{_with_slash(base)}?{urlencode({'room': code}, quote_via=quote)}"


def facilitator_url(base: str, code: str, key: str) -> str:
    """The facilitator's private page of room ``code``: ``{base}facilitator?room=..&key=..``."""
    query = urlencode({"room": code, "key": key}, quote_via=quote)
    return f"{_with_slash(base)}facilitator?{query}"


def qr_svg(url: str, scale: int = 8) -> str:
    """An SVG image (a string) of the QR code of ``url``.

    Black modules on white with the standard quiet zone of four modules, ``scale`` pixels per
    module; the image has a ``viewBox`` (so CSS can resize it), ``role="img"`` and a
    ``<title>`` naming the address for screen readers.
    """
    qr = segno.make(url, micro=False)
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        scale=scale,
        border=4,
        dark="#000",
        light="#fff",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        title=f"QR code for {url}",
        nl=False,
    )
    svg = out.getvalue().decode("utf-8")
    side = (qr.symbol_size(border=4)[0]) * scale
    return svg.replace("<svg ", f'<svg width="{side}" height="{side}" role="img" ', 1)


def _can_encode(text: str, encoding: str | None) -> bool:
    """True if ``text`` can be written in ``encoding``."""
    try:
        text.encode(encoding or "ascii")
    except (LookupError, UnicodeError):
        return False
    return True


def qr_terminal(
    url: str, *, border: int = 4, encoding: str | None = None, invert: bool = False
) -> str:
    """The QR code of ``url`` as text for a terminal, one string of lines.

    With an encoding that has the block characters (UTF-8, and the old DOS code pages),
    each character holds two rows of modules ("▀", "▄", "█", " "), so the code stays compact.
    Otherwise (plain ASCII, Latin-1...) each module is two characters, "##" or two spaces.
    ``encoding`` defaults to that of standard output.

    The light modules and the quiet zone (``border`` modules) are drawn, the dark ones left
    blank: on the usual dark terminal this shows dark on light, as a scanner expects.
    ``invert=True`` draws the dark modules instead, for a terminal with a light background.
    No escape codes are used, so the text can also be saved to a file.
    """
    if encoding is None:
        encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    rows = [
        [bool(module) == invert for module in row]
        for row in segno.make(url, micro=False).matrix_iter(border=border)
    ]
    if not _can_encode("▀▄█", encoding):
        return "\n".join("".join("##" if on else "  " for on in row) for row in rows)
    glyph = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
    lines = []
    for top in range(0, len(rows), 2):
        upper = rows[top]
        lower = rows[top + 1] if top + 1 < len(rows) else [False] * len(upper)
        lines.append("".join(glyph[pair] for pair in zip(upper, lower, strict=True)))
    return "\n".join(lines)


def _indent(text: str, prefix: str = "  ") -> str:
    """``text`` with ``prefix`` before each line."""
    return "\n".join(prefix + line for line in text.splitlines())


def join_banner(code: str, key: str, port: int, *, encoding: str | None = None) -> str:
    """The text ``./dev classroom`` prints when a room opens.

    The room code in spaced capitals, each address a student can open (with ``?room=CODE``),
    a QR code of the first, the note when there is no address, and the facilitator's link
    with its key and a warning not to show it. Lines fit 80 columns except the links
    themselves (a link is never broken). ``encoding`` chooses the QR code's characters (see
    :func:`qr_terminal`).
    """
    rule = "=" * 78
    spaced = " ".join(code)
    lines = [rule, f"  ROOM CODE:   {spaced}", rule, ""]
    found = addresses(port)
    if found:
        names = {f"http://{ip}:{int(port)}/": name for name, ip in network_interfaces()}
        urls = [student_url(base, code) for base in found]
        width = max(len(url) for url in urls)
        lines.append("Students: on a phone or laptop on the same network as this computer,")
        lines.append("open one of these addresses (or scan the QR code below):")
        lines.append("")
        for base, url in zip(found, urls, strict=True):
            label = f"   ({names[base]})" if base in names else ""
            lines.append(f"  {url:<{width}}{label}")
        lines.append("")
        qr = qr_terminal(urls[0], encoding=encoding)
        fits = max(len(line) for line in qr.splitlines()) <= 78
        lines.append(_indent(qr) if fits else qr)
        lines.append(f"  The QR code opens {urls[0]}")
    else:
        lines.append(textwrap.fill(address_note(found), width=78))
    facilitator = facilitator_url(f"http://localhost:{int(port)}/", code, key)
    lines += [
        "",
        "Facilitator: open this link on this computer. It holds the room's key: do NOT",
        "show it to students or put it on the projector.",
        "",
        facilitator,
        "",
        rule,
    ]
    return "\n".join(lines)
