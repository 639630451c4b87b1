"""The workshop's command line.

python -m workshop list                         the exercises and their links
python -m workshop check N [--answer X] [--set name=value ...]
                                                run exercise N's check
python -m workshop guide [--out FILE]           regenerate workshop/guide.md
python -m workshop handout [--out FILE]         regenerate workshop/handout.html
python -m workshop strategy FILE [--quick]      check and run your own strategy
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
        prog="python -m workshop",
        description="The workshop kit: exercises, checks, the guide and the handout.",
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
    handout = sub.add_parser("handout", help="write the participants' handout (HTML)")
    handout.add_argument("--out", type=Path, default=HERE / "handout.html")
    strategy = sub.add_parser(
        "strategy", help="check and run your own strategy file", add_help=False
    )
    strategy.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def cmd_list() -> int:
    for ex in EXERCISES:
        extra = " (optional)" if ex.optional else ""
        print(f"{ex.number}. {ex.title}{extra}, {ex.minutes} min")
        print(f"   goal:  {ex.goal}")
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
    if args.command == "guide":
        from .guide import write_guide

        start = time.perf_counter()
        path = write_guide(args.out)
        print(f"wrote {path} in {time.perf_counter() - start:.1f} s")
        return 0
    if args.command == "handout":
        from .handout import write_handout

        print(f"wrote {write_handout(args.out)}")
        return 0
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
