"""Take the README's screenshot (docs/screenshot.png) from the real app.

    .venv/bin/python scripts/screenshot.py [--steps 14] [--out docs/screenshot.png]

Starts the app server as ``./dev app`` does (production mode, offline), opens it in
Debian's Chromium at 1440x900 (a classroom laptop), with the guided tour already seen,
steps the run ``--steps`` times so that the first broadcasters have faded and the step's
messages are on the ties, and saves what the window shows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.appserver import ARTIFACTS, CHROMIUM_ARGS, chromium_executable, serve  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    from classroom.tour import TOUR_DONE_JS

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=14)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    args = parser.parse_args(argv)
    log = ARTIFACTS / "screenshot-server.log"
    with serve(production=True, log_path=log) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.add_init_script(TOUR_DONE_JS)
        page = context.new_page()
        page.goto(server.url)
        page.locator(".step-counter").first.wait_for(timeout=60_000)
        page.locator("canvas.nv-canvas").wait_for()
        step = page.get_by_role("button", name="Step", exact=True)
        for i in range(1, args.steps + 1):
            step.click()
            page.wait_for_function(
                "(n) => document.querySelector('.step-counter')?.textContent.includes(`Step ${n}`)",
                arg=i,
            )
        page.wait_for_timeout(1500)  # the messages have landed, the charts' text settled
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out))
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
