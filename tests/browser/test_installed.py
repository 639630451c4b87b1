"""The installable package: build the wheel, install it into a fresh venv outside the
checkout, and run a class from it with nothing fetched from the internet.

The wheel is built from a copy of the checkout's files (so the test writes nothing into
the checkout) by ``scripts/build_dist.py``, as ``./dev dist`` builds it; the venv is new and
gets the wheel and its dependencies from the package registry, pinned by constraints.txt
(pip's cache makes that quick on a machine that ran ``./dev setup``; ``--no-compile``
leaves the byte code to the first import, which halves the install). The installed
``networking-classroom`` then runs from a folder outside the checkout, without PYTHONPATH,
and Chromium loads its page with every request that would leave the machine blocked and
counted.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.appserver import ARTIFACTS, answers, free_port, tail
from classroom.run import CHARTS

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from build_dist import wheel_problems  # noqa: E402

pytestmark = pytest.mark.timeout(900)  # building and installing take a minute or two

#: The most a command's --help may print: one screen.
ONE_SCREEN = 40
#: The wheel's size at most (it was 7.5 MB, 2026-12-06; the front-end files are most of it).
MAX_WHEEL_MB = 20


@dataclass
class Installed:
    wheel: Path
    bin: Path  # the venv's scripts folder
    elsewhere: Path  # a working folder outside the checkout
    env: dict  # the environment the installed commands run in
    build_s: float
    install_s: float


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    base = tmp_path_factory.mktemp("installed")
    source = base / "source"
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    start = time.monotonic()
    built = subprocess.run(
        [sys.executable, str(source / "scripts" / "build_dist.py"), "--outdir", str(base / "dist")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    build_s = time.monotonic() - start
    (wheel,) = (base / "dist").glob("*.whl")
    venv = base / "venv"
    subprocess.run([sys._base_executable, "-m", "venv", str(venv)], check=True, timeout=120)
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    start = time.monotonic()
    done = subprocess.run(
        [str(scripts / "python"), "-m", "pip", "install", "--disable-pip-version-check",
         "--no-input", "--no-compile", "-c", str(ROOT / "constraints.txt"), str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    install_s = time.monotonic() - start
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(
        PYTHONNOUSERSITE="1",
        XDG_DATA_HOME=str(base / "xdg"),  # the platform's data folder, here (Linux)
        SOLARA_HOME=str(base / "solara-home"),
        PATH=f"{scripts}{os.pathsep}{env.get('PATH', '')}",
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "installed-package.txt").write_text(
        f"{wheel.name}: {wheel.stat().st_size / 1e6:.1f} MB; built in {build_s:.0f} s "
        f"(sdist, then the wheel from it); installed into a fresh venv in {install_s:.0f} s "
        "(pip --no-compile)\n"
    )
    return Installed(wheel, scripts, elsewhere, env, build_s, install_s)


def run(installed: Installed, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(installed.bin / argv[0]), *argv[1:]],
        cwd=installed.elsewhere,
        env=installed.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_wheel_holds_what_the_commands_need_and_nothing_of_the_checkouts(installed):
    assert wheel_problems(installed.wheel) == []
    assert installed.wheel.stat().st_size < MAX_WHEEL_MB * 1e6
    with zipfile.ZipFile(installed.wheel) as z:
        names = z.namelist()
        entry_points = z.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
        notices = z.read("classroom/frontend/NOTICES.md").decode()
    for command in ("networking-classroom", "networking-app", "experiments"):
        assert re.search(rf"^{command} = ", entry_points, re.M), command
    assert not any(n.endswith(".map") for n in names)  # no source maps
    assert "licence MIT" in notices and "font-awesome@4.5.0" in notices


def test_the_installed_commands_run_from_the_venv_alone(installed):
    version = installed.wheel.name.split("-")[1]
    where = run(
        installed,
        "python",
        "-c",
        "import agents, app, classroom, experiments, sim, workshop\n"
        "for m in (agents, app, classroom, experiments, sim, workshop): print(m.__file__)",
    )
    assert where.returncode == 0, where.stderr
    files = [Path(line) for line in where.stdout.split()]
    assert len(files) == 6
    for path in files:  # each from the venv's site-packages, none from the checkout
        assert installed.bin.parent in path.parents and ROOT not in path.parents, path
    for command in ("networking-classroom", "networking-app"):
        said = run(installed, command, "--version")
        assert said.returncode == 0 and said.stdout.strip() == f"{command} {version}"
        helped = run(installed, command, "--help")
        assert helped.returncode == 0 and len(helped.stdout.splitlines()) <= ONE_SCREEN
        assert "nothing is fetched from the internet" in " ".join(helped.stdout.split())
    listed = run(installed, "experiments", "list")
    assert listed.returncode == 0 and "where_interruption_wins" in listed.stdout
    bad = run(installed, "networking-classroom", "--port", "99999")
    assert bad.returncode == 2 and "not a port number" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_installed_room_serves_a_class_with_nothing_from_the_internet(installed, browser):
    port = free_port()
    log_path = ARTIFACTS / "installed-server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                str(installed.bin / "networking-classroom"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=installed.elsewhere,
            env=installed.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while server.poll() is None and time.monotonic() < deadline and not answers(url):
            time.sleep(0.3)
        assert answers(url), f"the installed server did not answer:\n{tail(log_path)}"
        banner = log_path.read_text()
        code = re.search(r"ROOM CODE:\s+((?:\w ){4}\w)", banner).group(1).replace(" ", "")
        assert f"?room={code}" in banner and "facilitator" in banner.lower()
        data = Path(installed.env["XDG_DATA_HOME"]) / "interruption-or-interaction" / "classroom"
        assert (data / "room.sqlite3").is_file()  # the platform's folder, not the cwd
        assert not any(installed.elsewhere.iterdir())

        context = browser.new_context(viewport={"width": 1280, "height": 900})
        blocked, requests, sockets, errors = [], [], [], []

        def guard(route):
            target = urlsplit(route.request.url)
            if target.scheme in ("data", "blob") or (target.hostname, target.port) == (
                "127.0.0.1",
                port,
            ):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        context.on("request", lambda r: requests.append(r.url))
        context.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
        page = context.new_page()
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.goto(url)
        page.locator(".step-counter").first.wait_for(timeout=90_000)
        page.wait_for_function(
            "(n) => document.querySelectorAll('.lc-root canvas').length >= n",
            arg=len(CHARTS),
            timeout=60_000,
        )
        page.locator("button.play").click()
        page.wait_for_function(
            """() => {
                const m = /Step (\\d+)/.exec(document.querySelector(".step-counter")?.textContent);
                return m && Number(m[1]) >= 3;
            }""",
            timeout=60_000,
        )
        page.locator("button.play").click()  # pause
        page.get_by_role("tab", name="About").click()
        version = installed.wheel.name.split("-")[1]
        page.get_by_text(f"Version {version}").wait_for(timeout=30_000)
        page.get_by_text("Where interruption wins").first.wait_for(timeout=30_000)
        context.close()
        assert blocked == [], f"{len(blocked)} requests would have left the machine: {blocked}"
        assert all(urlsplit(u).port == port for u in sockets) and sockets
        assert errors == [], errors  # no bundled file missing (a 404 under /_solara/cdn)
        assert any("/_solara/cdn/" in u for u in requests)  # the page did load from the bundle
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)  # Ctrl+C, as a facilitator stops it
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    assert server.returncode == 0, tail(log_path)
