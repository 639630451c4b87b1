"""The workshop's command line.

python -m workshop list                         the exercises and their links
python -m workshop check N [--answer X] [--set name=value ...]
                                                run exercise N's check
python -m workshop guide [--out FILE]           regenerate workshop/guide.md
python -m workshop sheet [--out FILE]           regenerate workshop/sheet.html (students)
python -m workshop key [--out FILE]             regenerate workshop/answer_key.md
python -m workshop card [--out FILE]            regenerate workshop/room_card.html
python -m workshop slides [--export FILE] [--room CODE] [--out DIR]
                                                the debrief slides (expected numbers, or a
                                                room's pooled results from its JSON export)
python -m workshop strategy FILE [--quick]      check and run your own strategy
python -m workshop tournament DIR [--replicates R] [--rounds K] [--json FILE]
                                                every strategy file of DIR against the
                                                broadcaster and the interactor
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .exercises import EXERCISES

HERE = Path(__file__).resolve().parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m workshop",  # also the command networking-workshop
        description="The workshop kit: exercises, checks, the guide, the student sheet, the "
        "answer key, the room card and the debrief slides.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("list", help="list the exercises, their links and checks")
    check = sub.add_parser("check", help="run an exercise's check")
    check.add_argument("number", type=int, help="the exercise's number")
    check.add_argument("--answer", help="your prediction's letter (a, b, c ...)")
    check.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change a parameter on top of the exercise's setup (repeatable)",
    )
    guide = sub.add_parser(
        "guide", help="run the checks and quick experiments and write the facilitator's guide"
    )
    guide.add_argument("--out", type=Path, default=HERE / "guide.md")
    for name, default, text in (
        ("sheet", "sheet.html", "write the student sheet (HTML, two printed pages, no answers)"),
        ("key", "answer_key.md", "run the checks and write the facilitator's answer key"),
        ("card", "room_card.html", "write the room setup card (HTML, one printed page)"),
    ):
        one = sub.add_parser(name, help=text)
        one.add_argument("--out", type=Path, default=HERE / default)
    slides = sub.add_parser("slides", help="write the debrief slides, one HTML page per exercise")
    slides.add_argument(
        "--export",
        type=Path,
        metavar="FILE",
        help="a room's JSON export (networking-classroom export --format json --out FILE): "
        "show the class's pooled results instead of the expected numbers",
    )
    slides.add_argument("--room", metavar="CODE", help="which room of an export of several")
    slides.add_argument("--out", type=Path, default=HERE / "slides", metavar="DIR")
    strategy = sub.add_parser(
        "strategy", help="check and run your own strategy file", add_help=False
    )
    strategy.add_argument("rest", nargs=argparse.REMAINDER)
    tour = sub.add_parser(
        "tournament",
        help="play every strategy file of a folder against the built-in broadcaster and "
        "interactor, and print the leaderboard",
    )
    tour.add_argument("folder", type=Path, metavar="DIR", help="a folder of strategy files")
    tour.add_argument("--replicates", type=int, default=10, help="runs per round (default 10)")
    tour.add_argument(
        "--rounds", type=int, default=1, help="evolution rounds (default 1: no evolution)"
    )
    tour.add_argument("--json", type=Path, metavar="FILE", help="also write the result as JSON")
    tour.add_argument("--seed", type=int, default=0, help="the seed of the whole tournament")
    tour.add_argument("--people", type=int, default=300, help="people on the network")
    tour.add_argument("--steps", type=int, default=200, help="steps per run")
    backend = tour.add_mutually_exclusive_group()
    backend.add_argument("--workers", type=int, help="local worker processes (default: cores)")
    backend.add_argument("--scheduler", help="a Dask scheduler's address, tcp://HOST:8786")
    backend.add_argument("--serial", action="store_true", help="run in this process")
    return parser


def cmd_list() -> int:
    for ex in EXERCISES:
        extra = " (optional)" if ex.optional else ""
        # the neutral name only: this list may be on the projector before the predictions
        print(f"{ex.number}. {ex.name}{extra}, {ex.minutes} min")
        print(f"   tests: {ex.tests.label.lower()} ({ex.tests.cite})")
        print(f"   open:  {ex.path}  ({ex.link_note})")
        if ex.check:
            print(f"   check: python -m workshop check {ex.number} --answer YOUR_LETTER")
        if ex.command:
            print(f"   run:   {ex.command}")
    print(
        "On the teacher's server, put the address it prints in front of a link: "
        "http://ADDRESS:8765/?scenario=karate"
    )
    return 0


def cmd_check(args) -> int:
    from .checks import CheckError, report, run_check

    overrides = {}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            print(f"--set {item}: write it as name=value", file=sys.stderr)
            return 2
        overrides[name.strip()] = value.strip()
    try:
        outcome = run_check(args.number, overrides)
        text, passed = report(outcome, args.answer)
    except CheckError as err:
        print(err, file=sys.stderr)
        return 2
    print(text)
    return 0 if passed else 1


def cmd_tournament(args) -> int:
    import json

    from . import tournament as t

    if not args.folder.is_dir():
        print(f"{args.folder}: not a folder of strategy files", file=sys.stderr)
        return 2
    try:
        settings = t.Settings(
            replicates=args.replicates,
            rounds=args.rounds,
            n_agents=args.people,
            steps=args.steps,
            seed=args.seed,
        ).check()
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    entries, failures = t.entries_from_folder(args.folder)
    print(
        f"{len(entries)} strategies from {args.folder} and the 2 built-ins: "
        f"{settings.replicates} runs a round, {settings.rounds} round(s), "
        f"{settings.n_agents} people, {settings.steps} steps",
        file=sys.stderr,
    )

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{total} runs", end="" if done < total else "\n", file=sys.stderr)

    result = t.play(
        t.builtin_entries() + entries,
        settings,
        failures=failures,
        workers=args.workers,
        serial=args.serial,
        scheduler=args.scheduler,
        progress=progress,
    )
    print(t.leaderboard_text(result))
    print(f"({result.seconds:.1f} s)", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result.to_dict(), indent=1))
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


def cmd_slides(args) -> int:
    from .slides import ExportError, read_export, write_slides

    klass = None
    if args.export is not None:
        try:
            klass = read_export(args.export, args.room)
        except ExportError as err:
            print(f"--export: {err}", file=sys.stderr)
            return 2
    written = write_slides(args.out, klass)
    whose = f"room {klass.room}'s results" if klass else "the expected numbers"
    print(f"wrote {len(written)} pages to {args.out} with {whose}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["strategy"]:  # everything after it is the checker's own
        from . import strategy_check  # written separately; imported only when asked for

        return strategy_check.main(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "list":
        return cmd_list()
    if args.command == "check":
        return cmd_check(args)
    if args.command == "tournament":
        return cmd_tournament(args)
    if args.command == "guide":
        from .guide import write_guide

        start = time.perf_counter()
        path = write_guide(args.out)
        print(f"wrote {path} in {time.perf_counter() - start:.1f} s")
        return 0
    if args.command in ("sheet", "key", "card"):
        from .key import write_key
        from .room_card import write_room_card
        from .sheet import write_sheet

        write = {"sheet": write_sheet, "key": write_key, "card": write_room_card}
        print(f"wrote {write[args.command](args.out)}")
        return 0
    if args.command == "slides":
        return cmd_slides(args)
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
