"""Build the installable package: a wheel and an sdist in ``dist/`` (``./dev dist`` runs this).

1. Bundle the page's front-end files from the venv's cache into ``classroom/frontend``
   (``scripts/install_frontend_assets.py --bundle``; ``./dev setup`` fills the cache), so
   that the package carries them and an installed copy never fetches them.
2. Build the sdist, then the wheel from the sdist (``python -m build``), so that the wheel
   proves the sdist holds everything too.
3. Check the wheel: the files the installed commands need are in it, and no file of the
   checkout's tests, benchmarks or results is.

    .venv/bin/python scripts/build_dist.py [--outdir DIR]

Prints the two files and their sizes; exit status 1 with a message if a step fails. Stdlib
only, plus the ``build`` package (the ``test`` extra).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "scripts" / "install_frontend_assets.py"
FRONTEND = ROOT / "classroom" / "frontend"
#: Files the installed commands cannot do without (paths inside the wheel).
REQUIRED = (
    "app.py",
    "classroom/launch.py",
    "classroom/offline.env",
    "classroom/about.md",
    "classroom/style.css",
    "classroom/network_view.js",
    "classroom/room/seat.js",
    "classroom/frontend/NOTICES.md",
    "classroom/frontend/cdn/BUNDLED",
    "classroom/frontend/cdn/requirejs@2.3.6/require.js",
    "classroom/frontend/cdn/@widgetti/solara-vuetify3-app@5.2.0/dist/solara-vuetify-app8.min.js",
    "experiments/where_interruption_wins.toml",
    "workshop/sheet.html",
    "workshop/answer_key.md",
    "workshop/room_card.html",
    "workshop/slides/index.html",
    "workshop/styles/slides.css",
    "workshop/essay_shingles.txt",
    "workshop/strategies/listen_first.py",
    "sim/model.py",
    "agents/builder.py",
)
#: Top-level folders of the checkout that must stay out of the package.
NOT_SHIPPED = ("tests/", "benchmarks/", "results/", "scripts/", "docs/", "artifacts/")


def fail(message: str) -> None:
    print(f"build_dist: error: {message}", file=sys.stderr)
    raise SystemExit(1)


def wheel_problems(wheel: Path) -> list[str]:
    """What is wrong with a built wheel (empty when nothing is)."""
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    problems = [f"{name} is missing" for name in REQUIRED if name not in names]
    problems += [f"{name} should not be shipped" for name in names if name.startswith(NOT_SHIPPED)]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--outdir", type=Path, default=ROOT / "dist", help="default: dist/")
    args = parser.parse_args(argv)
    start = time.monotonic()
    bundled = subprocess.run([sys.executable, str(ASSETS), "--bundle", str(FRONTEND)])
    if bundled.returncode:
        fail("could not bundle the front-end files (run ./dev setup first)")
    for stale in (ROOT / "build", *ROOT.glob("*.egg-info")):
        shutil.rmtree(stale, ignore_errors=True)  # old files would slip into the wheel
    out = args.outdir.absolute()
    out.mkdir(parents=True, exist_ok=True)
    before = set(out.iterdir())
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if built.returncode:
        fail(
            "python -m build failed:\n"
            + "\n".join(built.stdout.splitlines()[-30:] + built.stderr.splitlines()[-30:])
        )
    new = sorted(set(out.iterdir()) - before) or sorted(out.iterdir())
    wheels = [p for p in new if p.suffix == ".whl"]
    sdists = [p for p in new if p.name.endswith(".tar.gz")]
    if not wheels or not sdists:
        fail(f"python -m build made no wheel or no sdist in {out}")
    problems = wheel_problems(wheels[-1])
    if problems:
        fail(f"{wheels[-1].name}: " + "; ".join(problems[:10]))
    for path in (sdists[-1], wheels[-1]):
        print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")
    print(f"built in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
