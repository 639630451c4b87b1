"""Start and stop the real app server, and find the Chromium that drives it.

One place for what the browser tests (``tests/browser/conftest.py``) and the browser
benchmarks (:mod:`benchmarks.app_browser`, :mod:`benchmarks.classroom_load`) need:

- :func:`serve` runs ``solara run app.py`` (production mode by default, as ``./dev
  classroom`` does) with the offline settings of ``classroom/offline.env`` (the one place
  they are written; ``scripts/offline_env.sh`` exports them), on 127.0.0.1 and a free
  port; it waits until the page answers, yields a :class:`Server` (its URL and process
  id) and stops the server's whole process group at the end.
- :func:`chromium_executable` and :data:`CHROMIUM_ARGS`: Debian's Chromium (``chromium``
  on PATH, or ``$CHROMIUM``), never Playwright's own download, which does not work here.
- :func:`process_cpu_seconds`, :func:`process_rss_mb`: a process's CPU time and memory
  from ``/proc`` (psutil is not installed).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from classroom.launch import ROOM_SETTINGS

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
OFFLINE_ENV = ROOT / "scripts" / "offline_env.sh"
#: Chromium's command-line arguments (Playwright adds its own on top).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 90.0  # s; starting takes ~3 s (imports), more on a cold, busy machine
#: What the room's server sets on top of the offline settings (its defaults; one source,
#: classroom.launch.ROOM_SETTINGS).
CLASSROOM_ENV = dict(ROOM_SETTINGS)

#: Straight to 127.0.0.1, whatever http_proxy says.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ServerError(RuntimeError):
    """The app server could not be started (the message says why and shows its log)."""


@dataclass(frozen=True)
class Server:
    url: str  # e.g. http://127.0.0.1:41234/
    pid: int  # the solara process itself (bash execs it)
    log_path: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with _DIRECT.open(url, timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def stop(proc: subprocess.Popen) -> None:
    """Stop a server we started: SIGTERM to its own process group, SIGKILL if it hangs."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


def solara_executable() -> Path:
    solara = Path(sys.executable).with_name("solara")
    if not solara.exists():
        raise ServerError(f"{solara} not found: run ./dev setup")
    return solara


@contextlib.contextmanager
def serve(
    production: bool = True,
    env: Mapping[str, str] | None = None,
    log_path: Path | None = None,
    timeout: float = SERVER_START_TIMEOUT,
    port: int | None = None,
) -> Iterator[Server]:
    """The app served on 127.0.0.1 and a free port while the ``with`` block runs.

    ``port``: this port instead of a free one (to start a server again where a stopped one
    was, so that its pages can reconnect); if it is still taken, the start is tried again
    on the same port.
    ``env`` adds to (or overrides) this process's environment, after the offline settings.
    The server's output goes to ``log_path`` (default ``artifacts/app-server.log``).
    Raises :class:`ServerError` if it does not answer within ``timeout`` seconds.
    """
    solara = solara_executable()
    if not OFFLINE_ENV.exists():
        raise ServerError(f"{OFFLINE_ENV} not found")
    if log_path is None:
        log_path = ARTIFACTS / "app-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, **(env or {})}
    fixed_port = port
    for attempt in range(3):  # another process may take the free port before solara binds it
        if fixed_port is None:
            port = free_port()
        elif attempt:
            time.sleep(1.0)  # the port was still taken (a server that was just stopped)
        url = f"http://127.0.0.1:{port}/"
        cmd = [
            "bash", "-c", '. "$0" && solara_offline_env && exec "$@"', str(OFFLINE_ENV),
            str(solara), "run", "app.py", *(["--production"] if production else []),
            "--no-check-version", "--no-open", "--host", "127.0.0.1", "--port", str(port),
        ]  # fmt: skip
        with open(log_path, "w") as log:
            log.write(f"$ {' '.join(cmd)}\n")
            log.flush()
            proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=full_env,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while proc.poll() is None and time.monotonic() < deadline and not answers(url):
            time.sleep(0.2)
        if proc.poll() is None and answers(url):
            break
        stop(proc)
        log_tail = tail(log_path)
        if attempt < 2 and re.search(r"address already in use|Errno 98", log_tail, re.I):
            continue
        raise ServerError(
            f"the app server did not answer at {url} within {timeout:.0f} s "
            f"(exit status {proc.returncode}); end of {log_path}:\n{log_tail}"
        )
    try:
        yield Server(url=url, pid=proc.pid, log_path=log_path)
    finally:
        stop(proc)


def chromium_executable() -> str:
    """Path of Debian's Chromium (``chromium`` on PATH, or ``$CHROMIUM``)."""
    name = os.environ.get("CHROMIUM") or "chromium"
    exe = shutil.which(name)
    if exe is None:
        raise FileNotFoundError(
            f"Chromium not found ({name!r} is not on PATH): run ./dev setup, which installs "
            "it as root, or `sudo apt-get install -y chromium`, or set "
            "CHROMIUM=/path/to/chromium"
        )
    return exe


# -- what a process costs, from /proc ------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far (its threads included)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14, 15)


def process_rss_mb(pid: int) -> float:
    """The process's resident memory now, in MB (VmRSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (children, their children, ...)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cpu_seconds_of(pids: list[int]) -> float:
    """Summed CPU time of those of ``pids`` still alive."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += process_cpu_seconds(pid)
    return total
