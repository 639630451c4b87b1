"""The docs quote parameter defaults; they must match the one source, sim/params.py.

docs/model.md writes a default as "`name` [value]" or "`name` (value)" (on/off for
switches). Every such quote of a declared parameter is checked, so a change of default
that forgets the docs fails here. Also: the README's commands for the model exist.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

from sim import PARAMETERS
from sim.__main__ import main as sim_main

ROOT = Path(__file__).resolve().parents[1]
#: The documents checked here: every page of docs/ and the README.
DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_VALUE = rf"(?:on|off|{_NUMBER}|`\w+`)"
#: The forms in which the docs quote a parameter's default (and tables: _table_quotes).
#: test_each_form_of_quote_is_recognised checks each on an example.
QUOTE_FORMS = {
    # `habituation_on` [on], `h = habituation` [0.2]
    "brackets": re.compile(r"`(?:\w+ = )?(?P<name>\w+)` \[(?P<value>[^\]\n]+)\]"),
    # `rewire_prob` (0.1), `broadcaster_strategy` (default `interrupt`)
    "parentheses": re.compile(r"`(?P<name>\w+)` \((?:default )?`?(?P<value>[^)`,\n]+)`?\)"),
    # `conversion_rule="bass"` (default `per_message`)
    "setting then default": re.compile(
        r"`(?P<name>\w+)=[^`]*` \(default `?(?P<value>[^)`\n]+)`?\)"
    ),
    # `recovery` 0.03, [`bass_p` 0.03, ...]; not a list of values (`mean_degree` 4, 5, 6)
    "name then number": re.compile(
        rf"`(?P<name>\w+)`\s+(?P<value>{_NUMBER})(?![\d.])(?!,\s*\d| to | or | and \d)"
    ),
    # (`recovery`, default 0.03)
    "name, default": re.compile(rf"`(?P<name>\w+)`,?\s+default\s+(?P<value>{_VALUE})"),
    # switch `generalization_on` on
    "switch": re.compile(r"switch\s+`(?P<name>\w+)`\s+(?P<value>on|off)\b"),
    # 300 people (`n_agents`, ...), about 10 contacts each (`mean_degree`)
    "number before name": re.compile(
        rf"(?<![\w.])(?P<value>{_NUMBER})\s+[a-z]+(?:\s+[a-z]+){{0,2}}\s+\(`(?P<name>\w+)`"
    ),
}


def _parse(text: str):
    text = text.strip().strip("`").strip()
    if text in ("on", "off"):
        return text == "on"
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return text


def _without_code_blocks(text: str) -> str:
    """``text`` with the lines of fenced code blocks blanked (line numbers kept)."""
    out, fenced = [], False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            out.append("")
        else:
            out.append("" if fenced else line)
    return "\n".join(out)


def _table_quotes(text: str):
    """Defaults marked in tables: a column of values of `name` (header) with a row
    "0.03 (default)", or a grid "name_a \\ name_b" with a cell that says "default".
    Yields (form, name, value, offset)."""
    offset = 0
    table: list[tuple[int, list[str]]] = []
    for line in text.split("\n") + [""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            table.append((offset, cells))
        elif table:
            header = table[0][1]
            body = [(o, c) for o, c in table[1:] if not set("".join(c)) <= set("-: ")]
            one = re.fullmatch(r"`(\w+)`", header[0])
            grid = re.fullmatch(r"(\w+) \\ (\w+)", header[0])
            for o, cells in body:
                if one and re.search(r"\(default\)", cells[0]):
                    value = re.match(_NUMBER, cells[0])
                    yield "table column", one.group(1), value and value.group(0), o
                if grid:
                    for col, cell in enumerate(cells[1:], start=1):
                        if re.search(r"\bdefault\b", cell) and col < len(header):
                            yield "table grid", grid.group(1), cells[0], o
                            yield "table grid", grid.group(2), header[col], o
            table = []
        offset += len(line) + 1


def _find(doc: str) -> list[tuple[str, str, str | None, int]]:
    """(form, name, value, offset) for every quote in ``doc``, declared or not."""
    hits = [
        (form, m.group("name"), m.group("value"), m.start("name"))
        for form, pattern in QUOTE_FORMS.items()
        for m in pattern.finditer(doc)
    ]
    return hits + list(_table_quotes(doc))


def _quotes():
    """Every quote of a declared parameter's default in the docs:
    (form, where, name, value) with where = "path:line"."""
    found = {}
    for path in DOCS:
        doc = _without_code_blocks(path.read_text())
        for form, name, value, offset in _find(doc):
            if name in PARAMETERS:
                line = doc.count("\n", 0, offset) + 1
                where = f"{path.relative_to(ROOT)}:{line}"
                found.setdefault((where, name, offset), (form, where, name, value))
    return sorted(found.values(), key=lambda q: (q[1].split(":")[0], int(q[1].split(":")[1]), q[2]))


def test_the_docs_quote_defaults_at_all():
    assert len(_quotes()) >= 36


QUOTE_EXAMPLES = [
    (
        "brackets",
        "with `h = habituation` [0.2] when `habituation_on` [on],",
        [("habituation", "0.2"), ("habituation_on", "on")],
    ),
    (
        "parentheses",
        "`rewire_prob` (0.1) and `broadcaster_strategy` (default `interrupt`)",
        [("rewire_prob", "0.1"), ("broadcaster_strategy", "interrupt")],
    ),
    (
        "setting then default",
        'With `conversion_rule="bass"` (default `per_message`), the',
        [("conversion_rule", "per_message")],
    ),
    (
        "name then number",
        "[`recovery` 0.03,\n   `baseline_attention` 1.0]; `mean_degree` 4, "
        "5 and 6; `habituation` 0.1 to 0.8",
        [("recovery", "0.03"), ("baseline_attention", "1.0")],
    ),
    ("name, default", "(`recovery`, default 0.03)", [("recovery", "0.03")]),
    ("switch", "(switch `generalization_on`\n   on)", [("generalization_on", "on")]),
    (
        "number before name",
        "The default is 300 people (`n_agents`, 2 to 200,000) with about "
        "10 contacts each (`mean_degree`).",
        [("n_agents", "300"), ("mean_degree", "10")],
    ),
    (
        "table column",
        "| `generalization` | x |\n|---|---|\n| 0 | a |\n| 0.03 (default) | b |\n",
        [("generalization", "0.03")],
    ),
    (
        "table grid",
        "| habituation \\ recovery | 0.01 | 0.03 |\n|---|---|---|\n"
        "| 0.20 | holds | **holds, default** |\n",
        [("habituation", "0.20"), ("recovery", "0.03")],
    ),
]


@pytest.mark.parametrize("form, text, expected", QUOTE_EXAMPLES)
def test_each_form_of_quote_is_recognised(form, text, expected):
    hits = _find(text)
    assert [(name, value) for _, name, value, _ in hits] == expected
    assert {f for f, *_ in hits} == {form}


def test_every_form_of_quote_is_used_or_exemplified():
    assert {f for f, *_ in QUOTE_EXAMPLES} == set(QUOTE_FORMS) | {"table column", "table grid"}


@pytest.mark.parametrize("form, where, name, value", _quotes())
def test_defaults_quoted_in_docs_match_the_declarations(form, where, name, value):
    default = PARAMETERS[name].default
    quoted = _parse(value or "")
    if isinstance(default, bool | str):
        assert quoted == default, f"{where} says {name} = {value} ({form})"
    else:
        assert quoted == pytest.approx(default), f"{where} says {name} = {value} ({form})"


def test_python_m_sim_lists_every_parameter(capsys):
    assert sim_main(["--list"]) == 0
    out = capsys.readouterr().out
    for name, param in PARAMETERS.items():
        if param.kind != "graph":
            assert name in out and param.help.split()[0] in out


def test_python_m_sim_counts_broadcasters_at_the_start_and_follows_them(capsys):
    """With adaptation on, every broadcaster fades and switches: the header still counts
    the people who started as broadcasters, and the table follows them (by_start view)
    instead of printing '-' for an empty group."""
    assert sim_main(["--steps", "60", "adaptation=on"]) == 0
    out = capsys.readouterr().out
    assert "90 broadcasters at the start" in out
    assert "per person who started as" in out
    attention = next(line for line in out.splitlines() if line.startswith("attention paid"))
    assert "-" not in attention.split()[-2:], attention


def test_python_m_sim_shows_nothing_for_what_the_bass_rule_does_not_model(capsys):
    argv = ["--steps", "5", "conversion_rule=bass", "network=complete", "n_agents=500"]
    assert sim_main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    for label in ("attention paid", "trust earned", "share faded", "noticed reach"):
        row = next(line for line in lines if line.startswith(label))
        assert row.split()[-2:] == ["-", "-"], row
    conversions = next(line for line in lines if line.startswith("conversions"))
    assert "-" not in conversions.split()[-2:]


def test_python_m_sim_refuses_a_bad_parameter_by_name(capsys):
    assert sim_main(["--steps", "2", "habituation=2"]) == 2
    assert "habituation" in capsys.readouterr().err


# -- the tests the docs cite exist ----------------------------------------------------------

TESTS = ROOT / "tests"
#: A test cited in backticks: `test_name`, `test_name[param]`, `tests/test_file.py`,
#: `tests/test_file.py::test_name` (with or without `tests/`).
CITED = re.compile(
    r"(?:(?P<file>(?:tests/)?(?:\w+/)*test_\w+\.py)(?:::(?P<in_file>test_\w+))?"
    r"|(?<![\w/.])(?P<name>test_\w+)(?![\w.]))"
)


def _test_functions(path: Path) -> set[str]:
    """Names of the test functions a test file defines (in classes too)."""
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def _citations():
    """(where, citation) for every test cited in backticks in the docs."""
    found = []
    for path in DOCS:
        doc = path.read_text()
        for span in re.finditer(r"`([^`\n]+)`", doc):
            for m in CITED.finditer(span.group(1)):
                line = doc.count("\n", 0, span.start()) + 1
                found.append((f"{path.relative_to(ROOT)}:{line}", m.group(0)))
    return found


def test_the_docs_cite_tests_at_all():
    assert len(_citations()) >= 30


def test_every_test_cited_in_the_docs_exists():
    defined = {p.relative_to(ROOT).as_posix(): _test_functions(p) for p in TESTS.rglob("test_*.py")}
    everywhere = set().union(*defined.values())
    missing = []
    for where, cited in _citations():
        m = CITED.fullmatch(cited)
        if m.group("name"):
            if m.group("name") not in everywhere:
                missing.append(f"{where}: no test function {cited} in tests/")
            continue
        file = m.group("file")
        file = file if file.startswith("tests/") else f"tests/{file}"
        if file not in defined:
            missing.append(f"{where}: no test file {file}")
        elif m.group("in_file") and m.group("in_file") not in defined[file]:
            missing.append(f"{where}: {file} defines no {m.group('in_file')}")
    assert not missing, "\n".join(missing)


# -- relative links lead somewhere ----------------------------------------------------------

LINK = re.compile(
    r"!?\[[^\]]*\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)"
    r"|^\[[^\]]+\]:\s*(?P<ref>\S+)",
    re.MULTILINE,
)


def _anchors(path: Path) -> set[str]:
    """The anchors a Markdown page offers: its headings' GitHub slugs and explicit ids."""
    text = _without_code_blocks(path.read_text())
    slugs = set()
    for heading in re.findall(r"^#+\s+(.+?)\s*#*$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        slugs.add(slug)
    slugs |= set(re.findall(r"<a\s+(?:id|name)=\"([^\"]+)\"", text))
    return slugs


def _links():
    found = []
    for path in DOCS:
        doc = _without_code_blocks(path.read_text())
        for m in LINK.finditer(doc):
            target = m.group("target") or m.group("ref")
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto: ...
                continue
            line = doc.count("\n", 0, m.start()) + 1
            found.append((path, line, target))
    return found


def test_the_docs_link_at_all():
    assert len(_links()) >= 8


def test_every_relative_link_in_the_docs_resolves():
    broken = []
    for path, line, target in _links():
        file, _, fragment = target.partition("#")
        where = f"{path.relative_to(ROOT)}:{line}"
        goal = (path.parent / file).resolve() if file else path
        if not goal.exists():
            broken.append(f"{where}: {target} does not exist")
        elif fragment and goal.suffix == ".md" and fragment not in _anchors(goal):
            broken.append(f"{where}: {target}: no heading or anchor #{fragment}")
    assert not broken, "\n".join(broken)


# -- the README's sample output is a fresh run's -------------------------------------------


def _readme_sample():
    spec = importlib.util.spec_from_file_location(
        "readme_sample", ROOT / "scripts" / "readme_sample.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_sample_output_matches_a_fresh_run():
    """Every line of the README's block equals `python -m sim`'s output now, except the
    run's time on the first line. To fix: .venv/bin/python scripts/readme_sample.py --write"""
    sample = _readme_sample()
    shown, fresh = sample.readme_block(), sample.fresh_output()
    assert len(fresh) >= 5
    diff = sample.differences(shown, fresh)
    assert not diff, (
        "README.md's sample output is stale; rewrite it with "
        ".venv/bin/python scripts/readme_sample.py --write\n" + "\n".join(diff)
    )


def test_readme_sample_check_ignores_only_the_time():
    sample = _readme_sample()
    shown = ["300 people ..., 200 steps in 0.16 s", "", "trust earned   0.50   0.72"]
    assert sample.differences(shown, ["300 people ..., 200 steps in 9.87 s"] + shown[1:]) == []
    assert sample.differences(shown, shown[:2] + ["trust earned   0.50   0.71"])
    assert sample.differences(shown, ["301 people ..., 200 steps in 0.16 s"] + shown[1:])
    assert sample.differences(shown, shown + ["one more line"])
