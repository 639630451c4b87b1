"""The room's command line (``python -m classroom room ...``).

python -m classroom room list   [--data DIR]                  the rooms, newest first
python -m classroom room new    [--data DIR] [--title T]      a new room: its code and key
python -m classroom room open   [--data DIR] [--port P] [--new]
                                the latest room (or a new one) and how to join it
python -m classroom room export [--data DIR] [--room CODE] [--format csv|json] [--out FILE]
                                everything of a room (default: the latest) to keep

The data folder is ``--data``, else ``$CLASSROOM_DATA``, else the ``classroom`` folder in
this computer's folder for application data (:func:`~classroom.room.store.default_data_dir`);
the database is ``room.sqlite3`` inside it. Bad input gets a one-line error and exit status 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sqlite3
import sys
import time
from pathlib import Path

from .store import DB_NAME, RoomError, RoomStore, default_data_dir

__all__ = ["CSV_COLUMNS", "export_csv", "export_json", "main"]

#: The columns of ``export --format csv``: one row per student and exercise.
CSV_COLUMNS = (
    "room",
    "student",
    "name",
    "seed",
    "exercise",
    "answer",
    "reason",
    "predicted_at",
    "observed",
    "value",
    "finished_at",
    "version",
)


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block), exit status 2."""

    def error(self, message):
        raise UsageError(message)


def _when(t: float | None) -> str:
    """Returns a time stamp as local 'YYYY-MM-DD HH:MM:SS' ('' for none)."""
    return "" if t is None else time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))


def _cell(value) -> str:
    """Returns a text cell that a spreadsheet will not take for a formula (a leading
    apostrophe before = + - @ and control characters); other values as they are."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def export_json(data: dict) -> str:
    """Returns the export as JSON text (indented, UTF-8 characters kept)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def export_csv(room_export: dict) -> str:
    """Returns one room's export (``RoomStore.export(code)``) as CSV text: one row per student
    and exercise with a prediction or a result (a student with neither gets one row with an
    empty exercise), in the columns :data:`CSV_COLUMNS` (the last, ``version``, is the
    program's version that made the export)."""
    code = room_export["room"]["code"]
    made_by = room_export.get("exported_with", {}).get("version", "")
    rows: dict[tuple[int, int], dict] = {}
    students = {s["id"]: s for s in room_export["students"]}

    def row(student: int, exercise: int) -> dict:
        key = (student, exercise)
        if key not in rows:
            s = students[student]
            rows[key] = dict.fromkeys(CSV_COLUMNS, "") | {
                "room": code,
                "student": s["number"],
                "name": s["name"],
                "seed": s["seed"],
                "exercise": exercise,
                "version": made_by,
            }
        return rows[key]

    for p in room_export["predictions"]:
        r = row(p["student"], p["exercise"])
        r.update(answer=p["answer"], reason=p["reason"], predicted_at=_when(p["updated"]))
    for res in room_export["results"]:
        r = row(res["student"], res["exercise"])
        value = res["value"]
        r.update(
            observed=res["observed"],
            value="" if value is None or math.isnan(value) else value,
            finished_at=_when(res["finished"]),
        )
    order = {sid: s["number"] for sid, s in students.items()}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    done = {sid for sid, _ in rows}
    for sid, s in students.items():
        if sid not in done:
            rows[(sid, -1)] = dict.fromkeys(CSV_COLUMNS, "") | {
                "room": code,
                "student": s["number"],
                "name": s["name"],
                "seed": s["seed"],
                "version": made_by,
            }
    for key in sorted(rows, key=lambda k: (order[k[0]], k[1])):
        writer.writerow({k: _cell(v) for k, v in rows[key].items()})
    return out.getvalue()


def _parser() -> _Parser:
    parser = _Parser(
        prog="python -m classroom",
        description="The classroom's command line: 'serve' runs a class session, 'app' the "
        "app for one learner (see their --help), 'room' the room's data.",
    )
    top = parser.add_subparsers(dest="area", metavar="room", parser_class=_Parser)
    room = top.add_parser("room", help="class sessions: list, new, open, export")
    sub = room.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def data_option(p):
        p.add_argument(
            "--data",
            metavar="DIR",
            help="the data folder (default: $CLASSROOM_DATA, else this computer's folder "
            "for application data)",
        )

    p = sub.add_parser("list", help="the rooms, newest first")
    data_option(p)
    p = sub.add_parser("new", help="create a room and print its code and key")
    data_option(p)
    p.add_argument("--title", default="", help="a title for the room")
    p = sub.add_parser("open", help="reuse the latest room (or create one) and print how to join")
    data_option(p)
    p.add_argument(
        "--port",
        type=int,
        default=None,
        help="the server's port (default: $PORT, else 8765)",
    )
    p.add_argument("--new", action="store_true", help="create a new room even if one exists")
    p = sub.add_parser("export", help="write everything of a room to keep")
    data_option(p)
    p.add_argument("--room", metavar="CODE", help="the room's code (default: the latest room)")
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="default: csv")
    p.add_argument("--out", metavar="FILE", help="the file to write (default: standard output)")
    return parser


def _folder(args) -> Path:
    return Path(args.data) if args.data else default_data_dir()


def _existing_store(args) -> RoomStore | None:
    """Returns the store of the data folder, or None when it has no database yet (so that
    listing or exporting never creates one)."""
    folder = _folder(args)
    if not (folder / DB_NAME).is_file():
        return None
    return RoomStore(folder / DB_NAME)


def _cmd_list(args, out) -> int:
    store = _existing_store(args)
    rooms = store.rooms() if store else []
    if not rooms:
        print(f"no rooms yet in {_folder(args)}", file=out)
        return 0
    print(f"{'code':<6} {'created':<19} {'students':>8} {'predictions':>11}  title", file=out)
    for room in rooms:
        data = store.export(room.code)
        print(
            f"{room.code:<6} {_when(room.created):<19} {len(data['students']):>8}"
            f" {len(data['predictions']):>11}  {room.title}",
            file=out,
        )
    return 0


def _cmd_new(args, out) -> int:
    store = RoomStore(_folder(args) / DB_NAME)
    room, key = store.create_room(args.title)
    print(f"room {room.code}", file=out)
    print(f"facilitator key {key}", file=out)
    print(f"(the key is also in {store.key_path(room.code)})", file=out)
    return 0


def _cmd_open(args, out) -> int:
    try:
        from classroom.room.join import join_banner
    except ImportError:  # the banner's module is missing: say the essentials plainly

        def join_banner(code: str, key: str, port: int) -> str:
            return f"room {code}\nfacilitator key {key}\nport {port}"

    port = args.port
    if port is None:
        env = os.environ.get("PORT", "").strip()
        if env and not env.isdigit():
            raise UsageError(f"the environment variable PORT is not a port number: {env!r}")
        port = int(env) if env else 8765
    if not 0 < port < 65536:
        raise UsageError(f"--port {port} is not a port number (1 to 65535)")
    store = RoomStore(_folder(args) / DB_NAME)
    room = None if args.new else store.latest_room()
    if room is None:
        room, key = store.create_room()
    else:
        key = store.saved_key(room.code)
        if key is None:  # the key file is gone: the old key cannot be recovered
            key = store.new_key(room.code)
            print(
                f"(the key file of room {room.code} was missing: it has a new key)",
                file=sys.stderr,
            )
    print(join_banner(room.code, key, port), file=out)
    return 0


def _cmd_export(args, out) -> int:
    store = _existing_store(args)
    if store is None:
        raise UsageError(f"no rooms in {_folder(args)}: nothing to export")
    if args.room:
        room = store.room(args.room)
        if room is None:
            raise UsageError(f"there is no room {args.room.strip()!r} in {_folder(args)}")
    else:
        room = store.latest_room()
        if room is None:
            raise UsageError(f"no rooms in {_folder(args)}: nothing to export")
    data = store.export(room.code)
    text = export_json(data) if args.format == "json" else export_csv(data)
    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        except OSError as e:
            raise UsageError(f"cannot write {args.out}: {e.strerror or e}") from None
        print(
            f"room {room.code}: {len(data['students'])} students, "
            f"{len(data['predictions'])} predictions, {len(data['results'])} results "
            f"written to {args.out}",
            file=sys.stderr,
        )
    else:
        out.write(text)
    return 0


_COMMANDS = {"list": _cmd_list, "new": _cmd_new, "open": _cmd_open, "export": _cmd_export}


def main(argv: list[str] | None = None, out=None) -> int:
    """Runs ``python -m classroom`` with ``argv`` (default: the process's arguments), writing
    to ``out`` (default: standard output); returns the exit status (0, or 2 for bad input,
    after a one-line error on standard error)."""
    out = out if out is not None else sys.stdout
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if args.area is None:
            parser.print_help(out)
            return 0
        if not args.command:
            raise UsageError("name a command: list, new, open or export")
        return _COMMANDS[args.command](args, out)
    except (UsageError, RoomError, OSError, sqlite3.Error) as e:
        print(f"python -m classroom: error: {e}", file=sys.stderr)
        return 2
