"""Put the JavaScript/CSS packages a Solara page loads into Solara's local CDN cache
(and the few JavaScript tools the browser tests inject into the page next to it).

A Solara page asks for its front-end files under /_solara/cdn/NAME@VERSION/...; the server
answers from its cache folder and only goes to cdn.jsdelivr.net for files that are missing.
This machine (and a classroom without internet) cannot reach that CDN, so we take the same
packages from the npm registry (`npm pack`) and unpack them into the cache folder:

    $SOLARA_ASSETS_PROXY_CACHE_DIR, or <venv>/share/solara/cdn   (as solara.server.settings)
        NAME@VERSION/...   the npm tarball's contents, without its leading `package/` folder

Test tools (:data:`TOOLS`, e.g. axe-core for the accessibility audit) are not part of the
page, so they stay out of the folder the server serves: they go to <venv>/share/NAME/
(the same tarball layout; the marker file inside names the version).

Idempotent: a package whose folder holds our marker file is skipped, so a second run needs
neither npm nor the network. Stdlib only; run it with the venv's python (./dev setup does):

    .venv/bin/python scripts/install_frontend_assets.py [--dest DIR] [--force] [--check]

Exit status 0 when every package is in place, 1 with a message on stderr otherwise
(--check: 3 when a package is missing).
"""

from __future__ import annotations

import argparse
import fnmatch
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

# JavaScript the test suite injects into the page, not served by the app: spec -> folder
# under <sys.prefix>/share/. Pinned like the rest; a new version here reinstalls it.
TOOLS = {
    # the accessibility audit of tests/browser/test_accessibility.py (axe.min.js)
    "axe-core@4.14.1": "axe-core",
}

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
    "axe-core@4.14.1": ["axe.min.js"],
}

# Files the CDN makes up that npm does not have: jsdelivr minifies on the fly, and
# solara.Markdown asks for require.min.js when the page has no requirejs yet (in Jupyter;
# a Solara page already loaded require.js). Copy target <- source, inside one package.
ALIASES = {
    "requirejs@2.3.6": {"require.min.js": "require.js"},
}

MARKER = ".installed-from-npm"

# What a built package (wheel, sdist) carries of each page package: `--bundle DIR` copies
# these files (globs on the path inside the package) from the cache into DIR/cdn, for the
# installed commands' production pages (classroom.launch). Left out: source maps, the
# unminified scripts of development mode, the Vue 2 build (app7) and sources. Every
# package's package.json, README and licence files always go along.
BUNDLE = {
    "@widgetti/solara-vuetify3-app@5.2.0": [
        "dist/*.min.js",
        "dist/main8.css",
        "dist/fonts.css",
        "dist/*.woff2",
        "dist/*.woff",
        "dist/*.ttf",
        "dist/*.eot",
        "dist/*.svg",
    ],
    "requirejs@2.3.6": ["require.js", "require.min.js"],
    "font-awesome@4.5.0": ["css/*.css", "fonts/*"],
    "katex@0.16.9": [
        "dist/katex.min.js",
        "dist/katex.min.css",
        "dist/contrib/*.min.js",
        "dist/fonts/*",
    ],
    "mermaid@10.8.0": ["dist/mermaid.min.js"],
}
ALWAYS = ("package.json", "README*", "LICENSE*", "LICENCE*", "license*")
NEVER = ("*.map", "*app7*", "main7.css")
#: Written last into DIR/cdn: names what was bundled (classroom.launch looks for it).
BUNDLE_MARKER = "BUNDLED"


def default_dest() -> Path:
    """Solara's cache folder: the same rule as solara.server.settings.Assets.proxy_cache_dir."""
    env = os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR")
    if env:
        return Path(env)
    return Path(sys.prefix) / "share" / "solara" / "cdn"


def tools_dest() -> Path:
    """Where the test tools go: <sys.prefix>/share (each in its own folder)."""
    return Path(sys.prefix) / "share"


def targets(dest: Path) -> list[tuple[str, Path]]:
    """Every package to install, with the folder it goes to: (spec, folder)."""
    return [(spec, dest / spec) for spec in PACKAGES] + [
        (spec, tools_dest() / folder) for spec, folder in TOOLS.items()
    ]


def fail(message: str) -> NoReturn:
    """Print an error for the user and exit with status 1."""
    print(f"install_frontend_assets: error: {message}", file=sys.stderr)
    sys.exit(1)


def is_installed(folder: Path, spec: str) -> bool:
    """True if `folder` holds a complete install of `spec` (our marker, written last, names
    it: a tool's folder has no version in its name, so an older version counts as missing)."""
    try:
        return (folder / MARKER).read_text().strip() == spec
    except OSError:
        return False


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


def install(final: Path, spec: str, tarball: Path) -> None:
    """Unpack one package next to its final folder, check it, then move it into place."""
    final.parent.mkdir(parents=True, exist_ok=True)
    # staging beside the final folder: same file system, so the move is an atomic rename
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=final.parent))
    try:
        _install(final, spec, tarball, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _install(final: Path, spec: str, tarball: Path, staging: Path) -> None:
    tmp = staging / "new"
    unpack(tarball, tmp)
    absent = [f for f in EXPECTED_FILES.get(spec, []) if not (tmp / f).is_file()]
    if absent:
        fail(f"{spec} from npm lacks files the page needs: {', '.join(absent)}")
    for alias, source in ALIASES.get(spec, {}).items():
        if not (tmp / alias).exists():
            shutil.copyfile(tmp / source, tmp / alias)
    (tmp / MARKER).write_text(f"{spec}\n")
    if final.exists() or final.is_symlink():
        # an incomplete folder (e.g. files Solara's proxy cached while online) or an older
        # version: replace it
        os.replace(final, staging / "old")
    os.replace(tmp, final)


def bundled(spec: str, relative: str) -> bool:
    """Whether the file ``relative`` (a POSIX path inside the package) goes into a bundle."""
    name = relative.rsplit("/", 1)[-1]
    if any(fnmatch.fnmatch(name, p) for p in NEVER):
        return False
    if "/" not in relative and any(fnmatch.fnmatch(name, p) for p in ALWAYS):
        return True
    return any(fnmatch.fnmatch(relative, p) for p in BUNDLE[spec])


def bundle(source: Path, dest: Path) -> int:
    """Copy the page's files (:data:`BUNDLE`) from the cache ``source`` into ``dest/cdn``,
    with a notice of each package's licence in ``dest/NOTICES.md``; return the bytes
    copied. Replaces what ``dest/cdn`` held."""
    missing = [spec for spec in PACKAGES if not is_installed(source / spec, spec)]
    if missing:
        fail(f"not in {source}: {', '.join(missing)}; run this script without --bundle first")
    cdn = dest / "cdn"
    if cdn.exists():
        shutil.rmtree(cdn)
    total, notices = 0, []
    for spec in PACKAGES:
        root = source / spec
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != MARKER)
        kept = [p for p in files if bundled(spec, p.relative_to(root).as_posix())]
        for path in kept:
            target = cdn / spec / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            total += path.stat().st_size
        absent = [
            f
            for f in EXPECTED_FILES.get(spec, [])
            if not (cdn / spec / f).is_file() and bundled(spec, f)
        ]
        if absent:
            fail(f"the bundle of {spec} lacks {', '.join(absent)}")
        info = json.loads((root / "package.json").read_text(encoding="utf-8"))
        licence = info.get("license") or info.get("licenses") or "see its files"
        home = info.get("homepage") or info.get("repository") or ""
        if isinstance(home, dict):
            home = home.get("url", "")
        notices.append(f"- `{spec}`: licence {licence}; {home} ({len(kept)} of {len(files)} files)")
    (dest / "NOTICES.md").write_text(
        "# Front-end files bundled with this package\n\n"
        "The app's page loads these npm packages; a built package carries the files the\n"
        "page uses (scripts/install_frontend_assets.py --bundle), each folder with its own\n"
        "package.json and licence files.\n\n" + "\n".join(notices) + "\n",
        encoding="utf-8",
    )
    (cdn / BUNDLE_MARKER).write_text("\n".join(PACKAGES) + "\n", encoding="utf-8")
    return total


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
    parser.add_argument(
        "--bundle",
        type=Path,
        metavar="DIR",
        help="copy the page's files from the cache into DIR/cdn for a built package "
        "(classroom/frontend), with their licences; needs them installed first",
    )
    args = parser.parse_args(argv)
    if args.bundle is not None:
        size = bundle((args.dest or default_dest()).absolute(), args.bundle)
        print(f"front-end assets: {size / 1e6:.1f} MB bundled into {args.bundle / 'cdn'}")
        return 0
    if args.list:
        print("\n".join([*PACKAGES, *TOOLS]))
        return 0
    dest = (args.dest or default_dest()).absolute()
    every = targets(dest)
    todo = [(s, f) for s, f in every if args.force or not is_installed(f, s)]
    names = ", ".join(s for s, _ in todo)
    if args.check:
        print(f"missing: {names}" if todo else f"all present in {dest} and {tools_dest()}")
        return 3 if todo else 0
    if not todo:
        print(f"front-end assets: all {len(every)} packages present in {dest} and {tools_dest()}")
        return 0
    start = time.monotonic()
    npm = find_npm([s for s, _ in todo])
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        fail(f"cannot create {dest}: {e}")
    with tempfile.TemporaryDirectory(prefix=".npm-pack-", dir=dest) as work:
        tarballs = npm_pack(npm, [s for s, _ in todo], Path(work))
        for spec, folder in todo:
            try:
                install(folder, spec, tarballs[spec])
            except OSError as e:
                fail(f"cannot install {spec} into {folder}: {e}")
    print(
        f"front-end assets: installed {len(todo)} of {len(every)} packages from npm "
        f"({names}) in {time.monotonic() - start:.1f} s; page files in {dest}, test tools "
        f"in {tools_dest()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
