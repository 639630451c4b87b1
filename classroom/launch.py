"""The installed commands: a class session, and the app for one learner.

``networking-classroom`` (or ``python -m classroom serve``) opens the latest room, or a new
one, prints how students join (the address, the room's code, a QR code) and the
facilitator's key, and serves the app to the class. ``networking-app`` (or ``python -m
classroom app``) serves the app to one learner and opens it in the browser. Both keep every
request on this machine: the page's front-end files come from the copy bundled in the
package (``classroom/frontend/cdn``, put there when the wheel is built, see
``scripts/install_frontend_assets.py --bundle``) or, in a checkout, from the venv's cache
that ``./dev setup`` fills.

Nothing here needs bash, ``fork`` or a POSIX path: paths go through :mod:`pathlib`, the room's
data lives in the platform's usual folder for application data (``platformdirs``; Linux
``~/.local/share/interruption-or-interaction``, macOS ``~/Library/Application Support/...``,
Windows ``%LOCALAPPDATA%\\interruption-or-interaction``) unless ``--data`` or
``$CLASSROOM_DATA`` says otherwise, and the server is Solara's own (uvicorn) run in this
process. Solara reads its settings from the environment when it is first imported, so this
module sets them first and imports Solara last.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from .version import __version__

__all__ = ["app_main", "classroom_main", "offline_settings", "serve"]

HERE = Path(__file__).resolve().parent
#: The offline settings, one NAME=VALUE a line (shared with scripts/offline_env.sh).
OFFLINE_FILE = HERE / "offline.env"
#: The front-end files bundled into a built package (absent in a plain checkout).
BUNDLED_CDN = HERE / "frontend" / "cdn"
#: The port both commands use unless told otherwise ($PORT, --port).
DEFAULT_PORT = 8765
#: How the room's server keeps its pages (each can be overridden from the environment).
ROOM_SETTINGS = {
    "SOLARA_KERNEL_CULL_TIMEOUT": "20m",  # an idle tab's page is kept 20 minutes
    # at most 90 pages at once: 60 students, the facilitator, a projector and second tabs
    "SOLARA_KERNEL_MAX_COUNT": "90",
    # a page whose server restarted (after a crash) runs again by itself instead of going
    # quiet: the room lives in its database and each seat in its browser
    "SOLARA_STATE_AUTO_REMOUNT": "True",
}
#: The room's other commands, handed to ``python -m classroom room``.
ROOM_COMMANDS = ("list", "new", "open", "export")


def offline_settings(path: Path = OFFLINE_FILE) -> dict[str, str]:
    """The settings that keep a Solara server's requests on this machine, as read from
    ``offline.env`` (``NAME=VALUE`` lines; ``#`` starts a comment line)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            out[name.strip()] = value.strip()
    return out


def bundled_cdn() -> Path | None:
    """The bundled front-end files' folder, if this copy of the package has one."""
    return BUNDLED_CDN if (BUNDLED_CDN / "BUNDLED").is_file() else None


def _mark_solara_checked() -> None:
    """In development mode Solara shows a one-time "installation works" frame from
    solara.dev until this marker exists."""
    home = Path(os.environ.get("SOLARA_HOME") or Path.home() / ".solara")
    try:
        home.mkdir(parents=True, exist_ok=True)
        (home / ".solara_checked").touch()
    except OSError:
        pass


def serve(
    *,
    host: str,
    port: int,
    production: bool = True,
    open_browser: bool = False,
    settings: Mapping[str, str] | None = None,
    extra: list[str] | None = None,
) -> int:
    """Run the app's server in this process until it is stopped (Ctrl+C).

    ``settings`` are environment defaults for the server (a variable already set wins);
    ``extra`` goes to ``solara run`` as it is. Production mode serves the bundled front-end
    files when the package has them; development mode (auto-restart, unminified scripts)
    is for a checkout, whose venv holds the full set.
    """
    env = dict(offline_settings())
    cdn = bundled_cdn()
    if production and cdn is not None:
        env["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(cdn)
    os.environ.update(env)
    for name, value in (settings or {}).items():
        os.environ.setdefault(name, value)
    _mark_solara_checked()
    from solara.__main__ import cli  # only now: Solara reads its settings on import

    args = ["run", "app", "--no-check-version", "--host", host, "--port", str(port)]
    args += ["--open" if open_browser else "--no-open"]
    if production:
        args.append("--production")
    args += list(extra or [])
    from click.exceptions import Abort

    # Ctrl+C stops the server, and then this command, quietly (click turns it into Abort)
    with contextlib.suppress(KeyboardInterrupt, Abort):
        cli.main(args=args, prog_name="solara", standalone_mode=False)
    return 0


class _Parser(argparse.ArgumentParser):
    """Errors as one line and exit status 2."""

    def error(self, message):
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1 to 65535)")
    return int(value)


def _default_port() -> int:
    env = os.environ.get("PORT", "").strip()
    return _port(env) if env else DEFAULT_PORT


def _server_options(parser: _Parser, host: str, host_help: str) -> None:
    """The options both commands take: --port, --host and --version."""
    parser.add_argument(
        "--port", type=_port, default=None, help=f"the port (default: $PORT, else {DEFAULT_PORT})"
    )
    parser.add_argument("--host", default=host, help=f"the address to listen on ({host_help})")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")


def _classroom_parser(prog: str) -> _Parser:
    parser = _Parser(
        prog=prog,
        description=(
            "Run a class session of 'Interruption or interaction?' from this laptop. Opens "
            "the latest room (or a new one), prints the address students open, the room's "
            "code, a QR code and your facilitator key, then serves the app to the class "
            "until you press Ctrl+C. Students need only a browser on the same network; "
            "nothing is fetched from the internet. The room (students, predictions, "
            "results) is kept in the data folder and survives a restart."
        ),
        epilog=(
            "Other commands: '%(prog)s list' (the rooms), '%(prog)s new' (a new room), "
            "'%(prog)s export [--format csv|json] [--out FILE]' (everything of a room to "
            "keep). Each takes --data DIR and --help."
        ),
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="the data folder (default: $CLASSROOM_DATA, else this computer's folder for "
        "application data)",
    )
    _server_options(
        parser,
        host="0.0.0.0",
        host_help="default 0.0.0.0: every network of this computer; 127.0.0.1 for this "
        "computer only",
    )
    parser.add_argument("--new", action="store_true", help="start a new room, not the latest")
    return parser


def classroom_main(argv: list[str] | None = None, prog: str = "networking-classroom") -> int:
    """The class session's command (see :func:`_classroom_parser`); options it does not
    know go to ``solara run``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from .room.store import default_data_dir

    if argv and argv[0] in ROOM_COMMANDS:
        from .room.cli import main as room_main

        return room_main(["room", *argv])
    args, extra = _classroom_parser(prog).parse_known_args(argv)
    port = args.port if args.port is not None else _default_port()
    data = Path(args.data) if args.data else default_data_dir()
    try:
        data.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        print(f"{prog}: error: cannot create the data folder {data}: {e}", file=sys.stderr)
        return 2
    data = data.resolve()
    # the app's pages find the room's database and the students' address through these
    os.environ["CLASSROOM_DATA"] = str(data)
    os.environ["CLASSROOM_PORT"] = str(port)
    print(f"room data (students, predictions, results) kept in {data}", file=sys.stderr)
    from .room.cli import main as room_main

    opened = room_main(
        ["room", "open", "--data", str(data), "--port", str(port), *(["--new"] if args.new else [])]
    )
    if opened:
        return opened
    sys.stdout.flush()
    return serve(host=args.host, port=port, production=True, settings=ROOM_SETTINGS, extra=extra)


def _app_parser(prog: str) -> _Parser:
    parser = _Parser(
        prog=prog,
        description=(
            "Open 'Interruption or interaction?' for one learner: serves the app on this "
            "computer and opens it in your browser. Everything runs here; nothing is "
            "fetched from the internet. Press Ctrl+C to stop."
        ),
    )
    _server_options(parser, host="127.0.0.1", host_help="default: this computer only")
    parser.add_argument("--no-open", action="store_true", help="do not open the browser")
    parser.add_argument(
        "--development",
        action="store_true",
        help="for contributors: restart when the code changes (needs a checkout's venv)",
    )
    return parser


def app_main(argv: list[str] | None = None, prog: str = "networking-app") -> int:
    """The one-learner app's command; options it does not know go to ``solara run``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args, extra = _app_parser(prog).parse_known_args(argv)
    port = args.port if args.port is not None else _default_port()
    return serve(
        host=args.host,
        port=port,
        production=not args.development,
        open_browser=not args.no_open,
        extra=extra,
    )
