"""Command line for the experiments (see docs/experiments.md).

    python -m experiments list                 # the shipped specs
    python -m experiments run SPEC [--quick] [--out DIR]
                          [--workers N | --serial | --scheduler ADDRESS]
    python -m experiments report DIR           # report.md and figures/ in DIR

SPEC is a spec file, or the name of a shipped one (``fade_map`` for
``experiments/fade_map.toml``). Exit status: 0 done, 1 a run or the report failed,
2 bad arguments or a refused spec or results folder, 130 interrupted.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not the whole usage text
        print(f"error: {message} (see python -m experiments --help)", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m experiments",
        description="Parameter-sweep experiments on the model (docs/experiments.md).",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    commands.add_parser("list", help="list the shipped experiments")
    run = commands.add_parser("run", help="run a spec into its results folder (resumes)")
    run.add_argument("spec", metavar="SPEC", help="a spec file, or a shipped experiment's name")
    run.add_argument(
        "--quick",
        action="store_true",
        help="apply the spec's [quick] overrides (results in results/NAME-quick)",
    )
    run.add_argument("--out", metavar="DIR", help="results folder (default results/NAME)")
    backend = run.add_mutually_exclusive_group()
    backend.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="local worker processes (default: the number of cores)",
    )
    backend.add_argument(
        "--serial", action="store_true", help="one run after another in this process"
    )
    backend.add_argument(
        "--scheduler", metavar="ADDRESS", help="a Dask distributed scheduler, e.g. tcp://host:8786"
    )
    report = commands.add_parser("report", help="write report.md and figures for a folder")
    report.add_argument("folder", metavar="DIR", help="a results folder")
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more (got {value})")
    return value


def shipped_specs() -> list[Path]:
    """The spec files that come with the project (experiments/*.toml)."""
    return sorted(HERE.glob("*.toml"))


def _find_spec(text: str) -> Path:
    path = Path(text)
    if path.exists() or path.suffix == ".toml" or "/" in text:
        return path
    shipped = HERE / f"{text}.toml"
    return shipped if shipped.exists() else path


# -- commands ---------------------------------------------------------------------------------
def cmd_list() -> int:
    from .spec import SpecError, load_spec

    specs = shipped_specs()
    if not specs:
        print("no experiments shipped yet (experiments/*.toml)")
        return 0
    status = 0
    for path in specs:
        try:
            full, quick = load_spec(path), load_spec(path, quick=True)
        except SpecError as err:
            print(f"{path.stem:24s} error: {err}")
            status = 2
            continue
        print(
            f"{full.name:24s} {full.n_runs:6,} runs x {full.steps} steps "
            f"(--quick {quick.n_runs:,} x {quick.steps})  {full.title}"
        )
    print(
        "\nrun one: python -m experiments run NAME [--quick]; "
        "then: python -m experiments report results/NAME"
    )
    return status


def cmd_run(args) -> int:
    from .execute import BackendError, run_spec
    from .spec import SpecError, load_spec
    from .store import ResultsError

    path = _find_spec(args.spec)
    try:
        spec = load_spec(path, quick=args.quick)
    except SpecError as err:
        print(f"error: {path}: {err}", file=sys.stderr)
        return 2
    folder = Path(args.out) if args.out else spec.default_folder()
    progress = Progress(spec.name)
    try:
        summary = run_spec(
            spec,
            folder,
            workers=args.workers,
            serial=args.serial,
            scheduler=args.scheduler,
            progress=progress,
        )
    except ResultsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except BackendError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        progress.finish()
        print(
            f"interrupted: {progress.done:,} of {spec.n_runs:,} runs are in {folder}; "
            "run the same command again to do the rest",
            file=sys.stderr,
        )
        return 130
    progress.finish()
    already = f" ({summary.skipped:,} were already done)" if summary.skipped else ""
    print(
        f"{spec.name}: {summary.total:,} runs in {folder}{already}; {summary.ran:,} ran "
        f"in {_duration(summary.seconds)} on {summary.backend}"
    )
    print(f"next: python -m experiments report {folder}")
    return 0


def cmd_report(args) -> int:
    from .spec import SpecError
    from .store import ResultsError

    folder = Path(args.folder)
    if not (folder / "spec.toml").exists():
        print(
            f"error: {folder} is not a results folder (no spec.toml); run "
            "`python -m experiments run SPEC` first",
            file=sys.stderr,
        )
        return 2
    from .report import write_report  # written alongside; imported only when asked for

    try:
        written = write_report(folder)
    except (SpecError, ResultsError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"wrote {written if written is not None else folder / 'report.md'}")
    return 0


# -- progress ---------------------------------------------------------------------------------
class Progress:
    """Runs done/total, runs a second and time left, on stderr: one line rewritten in
    place on a terminal, a plain line every few seconds otherwise."""

    def __init__(self, name: str, stream=None, every: float = 5.0):
        self.name, self.stream, self.every = name, stream or sys.stderr, every
        self.tty = self.stream.isatty()
        self.done = self.total = 0
        self._start = None  # runs done when this session began
        self._first = None  # (time, done) at its first result
        self._shown = 0.0
        self._width = 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = time.monotonic()
        if self._start is None:
            self._start = done
        elif self._first is None and done > self._start:
            self._first = (now, done)  # the rate counts from here, after the start-up
        if self.tty or now - self._shown >= self.every or done == total:
            self._show(now)

    def line(self, now: float | None = None) -> str:
        now = time.monotonic() if now is None else now
        text = f"{self.name}: {self.done:,}/{self.total:,} runs"
        seconds, ran = (
            (now - self._first[0], self.done - self._first[1]) if self._first else (0.0, 0)
        )
        if ran > 0 and seconds > 0:
            rate = ran / seconds
            text += f", {rate:.2f} runs/s, {_duration((self.total - self.done) / rate)} left"
        elif self.done < self.total:
            text += ", starting"
        return text

    def _show(self, now: float) -> None:
        self._shown = now
        text = self.line(now)
        if self.tty:
            pad = max(self._width - len(text), 0)
            self.stream.write("\r" + text + " " * pad)
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0


def _duration(seconds: float) -> str:
    seconds = max(int(round(seconds)), 0)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _stop_on_term(signum, frame):
    raise KeyboardInterrupt  # `kill` stops like Ctrl-C: workers stopped, whole parts kept


def start_worker_server() -> None:
    """Start the fork server that the local worker processes are forked from, so that it
    imports the model (about a second) while this process is importing it too, instead
    of after. The sweep finds it running (``experiments.execute``)."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return  # Windows: the workers start fresh (spawn) and import the model themselves
    from multiprocessing import forkserver

    from . import WORKER_PRELOAD

    multiprocessing.get_context("forkserver").set_forkserver_preload(WORKER_PRELOAD)
    forkserver.ensure_running()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "list":
        return cmd_list()
    if args.command == "report":
        return cmd_report(args)
    if not args.serial and args.scheduler is None:
        start_worker_server()  # before this process imports the model (cmd_run)
    if threading.current_thread() is not threading.main_thread():
        return cmd_run(args)
    previous = signal.signal(signal.SIGTERM, _stop_on_term)
    try:
        return cmd_run(args)
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    raise SystemExit(main())
