"""The docs quote parameter defaults; they must match the one source, sim/params.py.

docs/model.md writes a default as "`name` [value]" or "`name` (value)" (on/off for
switches). Every such quote of a declared parameter is checked, so a change of default
that forgets the docs fails here. Also: the README's commands for the model exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim import PARAMETERS
from sim.__main__ import main as sim_main

ROOT = Path(__file__).resolve().parents[1]
QUOTE = re.compile(r"`(\w+)` (?:\[([^\]]+)\]|\((?:default )?`?([^)`]+)`?\))")


def _parse(text: str):
    text = text.strip()
    if text in ("on", "off"):
        return text == "on"
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return text


def _quotes():
    doc = (ROOT / "docs" / "model.md").read_text()
    found = []
    for match in QUOTE.finditer(doc):
        name, value = match.group(1), match.group(2) or match.group(3)
        if name in PARAMETERS:
            line = doc.count("\n", 0, match.start()) + 1
            found.append((name, value, line))
    return found


def test_the_docs_quote_defaults_at_all():
    assert len(_quotes()) >= 15


@pytest.mark.parametrize("name, value, line", _quotes())
def test_defaults_quoted_in_docs_match_the_declarations(name, value, line):
    default = PARAMETERS[name].default
    quoted = _parse(value)
    if isinstance(default, bool | str):
        assert quoted == default, f"docs/model.md:{line} says {name} = {value}"
    else:
        assert quoted == pytest.approx(default), f"docs/model.md:{line} says {name} = {value}"


def test_python_m_sim_lists_every_parameter(capsys):
    assert sim_main(["--list"]) == 0
    out = capsys.readouterr().out
    for name, param in PARAMETERS.items():
        if param.kind != "graph":
            assert name in out and param.help.split()[0] in out


def test_python_m_sim_refuses_a_bad_parameter_by_name(capsys):
    assert sim_main(["--steps", "2", "habituation=2"]) == 2
    assert "habituation" in capsys.readouterr().err
