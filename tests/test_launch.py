"""The installed commands' launcher (classroom.launch), the version, and the portable paths
behind them. The installed package itself is tested end to end in
tests/browser/test_installed.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from classroom import launch
from classroom.version import DISTRIBUTION, __version__

ROOT = Path(__file__).resolve().parents[1]


def python_m(*args, cwd=ROOT, **env) -> subprocess.CompletedProcess:
    full = dict(os.environ, PYTHONPATH=str(ROOT), **env)
    full.pop("CLASSROOM_DATA", None)
    return subprocess.run(
        [sys.executable, "-m", "classroom", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full,
        timeout=60,
    )


def test_the_offline_settings_are_one_file_read_alike_by_python_and_bash():
    settings = launch.offline_settings()
    assert settings["SOLARA_ASSETS_PROXY"] == "True"
    assert settings["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1:")
    assert set(settings) >= {"SOLARA_THEME_SHOW_BANNER", "SOLARA_TELEMETRY_MIXPANEL_ENABLE"}
    shell = subprocess.run(
        ["bash", "-c", ". scripts/offline_env.sh && solara_offline_env && env -0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")},
        check=True,
    )
    exported = dict(line.split("=", 1) for line in shell.stdout.split("\0") if "=" in line)
    assert {k: exported.get(k) for k in settings} == settings


def test_the_version_is_the_projects():
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert declared["name"] == DISTRIBUTION
    assert __version__ == declared["version"]
    said = python_m("--version")
    assert said.returncode == 0 and said.stdout.strip() == f"python -m classroom {__version__}"


def test_serve_and_app_say_what_they_do_in_one_screen():
    for command in ("serve", "app"):
        helped = python_m(command, "--help")
        assert helped.returncode == 0, helped.stderr
        assert len(helped.stdout.splitlines()) <= 40
        assert "nothing is fetched from the internet" in " ".join(helped.stdout.split())
        said = python_m(command, "--version")
        assert said.stdout.strip() == f"python -m classroom {command} {__version__}"


@pytest.mark.parametrize("port", ["0", "70000", "eighty"])
def test_a_bad_port_is_one_line_and_exit_status_2(port):
    done = python_m("serve", "--port", port)
    assert done.returncode == 2
    assert "not a port number" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_rooms_commands_go_through_the_class_sessions_command(tmp_path):
    data = tmp_path / "data"
    assert launch.classroom_main(["new", "--data", str(data), "--title", "x"]) == 0
    made = python_m("serve", "export", "--data", str(data), "--format", "json")
    assert made.returncode == 0, made.stderr
    exported = json.loads(made.stdout)
    assert exported["exported_with"] == {"program": DISTRIBUTION, "version": __version__}
    assert exported["room"]["title"] == "x"


def test_the_data_folder_is_the_platforms_unless_told(tmp_path, monkeypatch):
    from classroom.room.store import default_data_dir

    monkeypatch.delenv("CLASSROOM_DATA", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "interruption-or-interaction" / "classroom"
    monkeypatch.setenv("CLASSROOM_DATA", str(tmp_path / "mine"))
    assert default_data_dir() == tmp_path / "mine"


def test_the_bundle_is_used_only_when_the_package_has_one(tmp_path, monkeypatch):
    monkeypatch.setattr(launch, "BUNDLED_CDN", tmp_path / "cdn")
    assert launch.bundled_cdn() is None
    (tmp_path / "cdn").mkdir()
    (tmp_path / "cdn" / "BUNDLED").write_text("requirejs@2.3.6\n")
    assert launch.bundled_cdn() == tmp_path / "cdn"


def test_workers_start_without_fork_where_there_is_no_fork_server(monkeypatch):
    import multiprocessing

    from experiments import execute

    assert execute.start_method() == "forkserver"  # Linux and macOS
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert execute.start_method() == "spawn"  # Windows


def test_this_computers_own_name_gives_addresses_without_a_shell():
    from classroom.room.join import _from_hostname

    pairs = _from_hostname()
    assert all(name == "host" and address.count(".") == 3 for name, address in pairs)
