"""Put the JavaScript/CSS packages a Solara page loads into Solara's local CDN cache.

A Solara page asks for its front-end files under /_solara/cdn/NAME@VERSION/...; the server
answers from its cache folder and only goes to cdn.jsdelivr.net for files that are missing.
This machine (and a classroom without internet) cannot reach that CDN, so we take the same
packages from the npm registry (`npm pack`) and unpack them into the cache folder:

    $SOLARA_ASSETS_PROXY_CACHE_DIR, or <venv>/share/solara/cdn   (as solara.server.settings)
        NAME@VERSION/...   the npm tarball's contents, without its leading `package/` folder

Idempotent: a package whose folder holds our marker file is skipped, so a second run needs
neither npm nor the network. Stdlib only; run it with the venv's python (./dev setup does):

    .venv/bin/python scripts/install_frontend_assets.py [--dest DIR] [--force] [--check]

Exit status 0 when every package is in place, 1 with a message on stderr otherwise
(--check: 3 when a package is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import NoReturn

# What solara 1.64.1 requests through its CDN proxy, with ipywidgets 8 and ipyvue 3 /
# ipyvuetify 3 (Vue 3 page). Keep in step with solara: the template
# solara/server/templates/solara.html.j2 and the components' getCdn() urls. Changing this
# file changes ./dev's install stamp, so the next ./dev setup runs this script again.
PACKAGES = [
    # the page itself: Vue 3 + Vuetify 3 + the widget manager (main8.css, fonts.css,
    # solara-vuetify-app8.min.js in production, solara-vuetify-app8.js in development)
    "@widgetti/solara-vuetify3-app@5.2.0",
    # the AMD loader every widget module goes through (require.js)
    "requirejs@2.3.6",
    # icons; SOLARA_ASSETS_FONTAWESOME_PATH=/font-awesome@4.5.0/css/font-awesome.min.css
    "font-awesome@4.5.0",
    # loaded by every solara.Markdown when it mounts (math and diagrams)
    "katex@0.16.9",
    "mermaid@10.8.0",
]

# Files the page is known to request, checked after unpacking so that a package whose
# layout changed fails here and not as a blank page in the classroom.
EXPECTED_FILES = {
    "@widgetti/solara-vuetify3-app@5.2.0": [
        "dist/main8.css",
        "dist/fonts.css",
        "dist/solara-vuetify-app8.min.js",
        "dist/solara-vuetify-app8.js",
    ],
    "requirejs@2.3.6": ["require.js"],
    "font-awesome@4.5.0": ["css/font-awesome.min.css", "fonts/fontawesome-webfont.woff2"],
    "katex@0.16.9": [
        "dist/katex.min.js",
        "dist/katex.min.css",
        "dist/contrib/auto-render.min.js",
    ],
    "mermaid@10.8.0": ["dist/mermaid.min.js"],
}

# Files the CDN makes up that npm does not have: jsdelivr minifies on the fly, and
# solara.Markdown asks for require.min.js when the page has no requirejs yet (in Jupyter;
# a Solara page already loaded require.js). Copy target <- source, inside one package.
ALIASES = {
    "requirejs@2.3.6": {"require.min.js": "require.js"},
}

MARKER = ".installed-from-npm"


def default_dest() -> Path:
    """Solara's cache folder: the same rule as solara.server.settings.Assets.proxy_cache_dir."""
    env = os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR")
    if env:
        return Path(env)
    return Path(sys.prefix) / "share" / "solara" / "cdn"


def fail(message: str) -> NoReturn:
    """Print an error for the user and exit with status 1."""
    print(f"install_frontend_assets: error: {message}", file=sys.stderr)
    sys.exit(1)


def is_installed(dest: Path, spec: str) -> bool:
    """True if the package folder is complete (written by us, last step of an install)."""
    return (dest / spec / MARKER).is_file()


def find_npm(specs: list[str]) -> str:
    """The npm executable, or exit explaining why it is needed for `specs`."""
    npm = shutil.which("npm")
    if npm is None:
        fail(
            "npm is not on PATH. The Solara app loads its JavaScript/CSS from a CDN that a "
            "machine without internet cannot reach; this step fetches the same packages from "
            "the npm registry instead. Install Node.js/npm (e.g. `apt-get install -y npm`) "
            f"and run it again. Missing: {', '.join(specs)}"
        )
    return npm


def npm_pack(npm: str, specs: list[str], workdir: Path) -> dict[str, Path]:
    """Download the tarballs of `specs` with one `npm pack`; map spec -> tarball path."""
    cmd = [npm, "pack", *specs, "--json", "--pack-destination", str(workdir)]
    # --ignore-scripts: a tarball is all we want, run nothing from the package
    cmd.append("--ignore-scripts")
    try:
        proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        fail(f"`npm pack` took more than 10 minutes: {' '.join(specs)}")
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        fail(
            f"`npm pack {' '.join(specs)}` failed (exit {proc.returncode}); is the npm "
            f"registry reachable (npm config get registry)?\n{tail}"
        )
    try:
        entries = json.loads(proc.stdout)
        tarballs = {f"{e['name']}@{e['version']}": workdir / e["filename"] for e in entries}
    except (ValueError, KeyError, TypeError) as e:
        fail(f"could not read the output of `npm pack --json` ({e}): {proc.stdout[:500]!r}")
    missing = [s for s in specs if s not in tarballs or not tarballs[s].is_file()]
    if missing:
        fail(f"`npm pack` did not produce a tarball for {', '.join(missing)}")
    return tarballs


def unpack(tarball: Path, target: Path) -> None:
    """Extract `tarball` into `target`, dropping the first path component (`package/`)."""
    target.mkdir(parents=True)
    with tarfile.open(tarball, "r:gz") as tar:
        members = []
        for member in tar.getmembers():
            parts = member.name.removeprefix("./").split("/", 1)
            if len(parts) < 2 or not parts[1] or not (member.isfile() or member.isdir()):
                continue  # the top folder itself, or a link/device: not in a plain npm package
            member.name = parts[1]
            members.append(member)
        # the 'data' filter refuses absolute paths, '..' and odd permissions
        tar.extractall(target, members=members, filter="data")


def install(dest: Path, spec: str, tarball: Path, staging: Path) -> None:
    """Unpack one package next to its final folder, check it, then move it into place."""
    tmp = staging / spec
    unpack(tarball, tmp)
    absent = [f for f in EXPECTED_FILES.get(spec, []) if not (tmp / f).is_file()]
    if absent:
        fail(f"{spec} from npm lacks files the page needs: {', '.join(absent)}")
    for alias, source in ALIASES.get(spec, {}).items():
        if not (tmp / alias).exists():
            shutil.copyfile(tmp / source, tmp / alias)
    (tmp / MARKER).write_text(f"{spec}\n")
    final = dest / spec
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists() or final.is_symlink():
        # an incomplete folder (e.g. files Solara's proxy cached while online): replace it
        old = staging / f"{spec}.old"
        old.parent.mkdir(parents=True, exist_ok=True)
        os.replace(final, old)
    os.replace(tmp, final)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--dest",
        type=Path,
        default=None,
        help="cache folder (default: $SOLARA_ASSETS_PROXY_CACHE_DIR or "
        "<sys.prefix>/share/solara/cdn)",
    )
    parser.add_argument("--force", action="store_true", help="reinstall every package")
    parser.add_argument("--list", action="store_true", help="print the packages and exit")
    parser.add_argument(
        "--check",
        action="store_true",
        help="install nothing; exit 0 if every package is present, 3 if not (needs no npm)",
    )
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(PACKAGES))
        return 0
    dest = (args.dest or default_dest()).absolute()
    todo = [s for s in PACKAGES if args.force or not is_installed(dest, s)]
    if args.check:
        print(f"missing in {dest}: {', '.join(todo)}" if todo else f"all present in {dest}")
        return 3 if todo else 0
    if not todo:
        print(f"front-end assets: all {len(PACKAGES)} packages present in {dest}")
        return 0
    start = time.monotonic()
    npm = find_npm(todo)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        fail(f"cannot create {dest}: {e}")
    # staging inside dest: same file system, so the final move is an atomic rename
    with tempfile.TemporaryDirectory(prefix=".npm-pack-", dir=dest) as work:
        workdir = Path(work)
        tarballs = npm_pack(npm, todo, workdir)
        staging = workdir / "staging"
        for spec in todo:
            install(dest, spec, tarballs[spec], staging)
    print(
        f"front-end assets: installed {len(todo)} of {len(PACKAGES)} packages from npm into "
        f"{dest} in {time.monotonic() - start:.1f} s ({', '.join(todo)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
