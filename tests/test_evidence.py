"""The evidence behind the rates (docs/model.md section 9.1, and its short version on the
About tab): every source cited with a year and a venue, listed in the references, and the
About tab's defaults the ones the model uses."""

from __future__ import annotations

import re
from pathlib import Path

from sim.params import PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
MODEL_MD = (ROOT / "docs" / "model.md").read_text()
ABOUT = (ROOT / "classroom" / "about.md").read_text()
MARK = "<!-- evidence-table:"

#: An author-year citation as the table writes it, its venue in italics after it:
#: "Leone 1995, *Marketing Science*", "Trusov, Bucklin and Pauwels 2009, *Journal of ...*".
PARTICLE = r"(?:(?:Van|van|den|de|von) )*"
CITATION = re.compile(
    rf"({PARTICLE}(?:[A-Z][\w'-]+(?:, | and ){PARTICLE})*[A-Z][\w'-]+) ((?:19|20)\d\d), \*([^*]+)\*"
)
#: Any "Name 2015": a study named with its year.
NAMED = re.compile(r"\b[A-Z][\w'-]+ ((?:19|20)\d\d)\b")


def table_rows(text: str, after: str) -> list[list[str]]:
    """The cells of the first Markdown table after ``after``, header and rule left out."""
    lines = text[text.index(after) :].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def references() -> list[str]:
    """The entries of the reference list, each on one line."""
    text = MODEL_MD[MODEL_MD.index("## 13. References") :]
    return [" ".join(entry.split()) for entry in re.split(r"\n(?=- )", text)[1:]]


def test_every_study_in_the_evidence_table_has_a_year_a_venue_and_a_reference():
    rows = table_rows(MODEL_MD, MARK)
    assert len(rows) >= 8
    entries = references()
    cited = 0
    for rate, _meaning, measured, verdict in rows:
        found = CITATION.findall(measured)
        # every "Name year" in the row is one of its citations with a venue
        assert len(NAMED.findall(measured)) == len(found), rate
        for authors, year, venue in found:
            cited += 1
            surname = authors.split(",")[0].split(" and ")[0]
            assert any(
                e.startswith(f"- {surname}") and f"({year})" in e and f"*{venue}" in e
                for e in entries
            ), f"{surname} {year}, {venue}: not in the references"
        assert verdict, rate
    assert cited >= 12


def test_the_about_tabs_short_version_quotes_the_defaults_in_use():
    rows = table_rows(ABOUT, "### Where the numbers come from")
    by_label = {p.label: name for name, p in PARAMETERS.items()}
    assert len(rows) >= 6
    for label, default, _found, verdict in rows:
        assert label in by_label, f"{label!r} is not a control's label"
        assert float(default) == PARAMETERS[by_label[label]].default, label
        assert verdict


def test_the_about_tab_and_the_model_doc_give_the_same_verdicts():
    """The short version's verdicts on recovery and habituation are the long table's."""
    long = {row[0].split(" ")[0].strip("`"): row[3] for row in table_rows(MODEL_MD, MARK)}
    short = {row[0]: row[3] for row in table_rows(ABOUT, "### Where the numbers come from")}
    assert "fast end" in long["habituation"] and "fast end" in short["Habituation strength"]
    assert "departs" in long["recovery"] and "too slow" in short["Recovery at rest"]
    assert "agrees" in long["memory_decay"] and short["Forgetting"] == "close"
    assert "free" in long["conversion_rate"] and short["Conversion chance"] == "no evidence"
