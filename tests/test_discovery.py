"""Scenario discovery (experiments.discovery): the conditions, PRIM's and CART's boxes on
outcomes whose true box is known, and the discovery report of a spec."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from experiments import parse_spec
from experiments.discovery import (
    ConditionError,
    box_words,
    discover,
    inside_box,
    limit_words,
    parse_condition,
    quasi_p,
)
from experiments.spec import SpecError

KINDS = {
    "conversions_broadcasters": "number",
    "conversions_interactors": "number",
    "time_to_half_faded": "number",
    "habituation": "number",
    "muting": "bool",
    "network": ("complete", "ring", "watts_strogatz"),
}


# -- the conditions ----------------------------------------------------------------------------
def test_a_condition_reads_names_numbers_switches_and_texts():
    c = parse_condition(
        "conversions_broadcasters > conversions_interactors and habituation <= 0.1 "
        "and muting == false and network != 'ring'",
        KINDS,
    )
    assert c.names == [
        "conversions_broadcasters",
        "conversions_interactors",
        "habituation",
        "muting",
        "network",
    ]
    frame = pd.DataFrame(
        {
            "conversions_broadcasters": [2.0, 2.0, 2.0, 0.5, 2.0],
            "conversions_interactors": [1.0, 1.0, 1.0, 1.0, 1.0],
            "habituation": [0.05, 0.2, 0.05, 0.05, 0.1],
            "muting": [False, False, True, False, False],
            "network": ["complete", "complete", "complete", "complete", "ring"],
        }
    )
    assert c.holds(frame).tolist() == [True, False, False, False, False]
    assert parse_condition("0.1 >= habituation", KINDS).holds(frame).tolist() == [
        True,
        False,
        True,
        True,
        True,
    ]


def test_a_missing_value_makes_a_comparison_false():
    c = parse_condition("time_to_half_faded < 50", KINDS)
    frame = pd.DataFrame({"time_to_half_faded": [10.0, np.nan, 80.0]})
    assert c.holds(frame).tolist() == [True, False, False]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("conversions_brodcasters > 1", "did you mean 'conversions_broadcasters'"),
        ("habituation 0.1", "is not a comparison"),
        ("habituation < < 0.1", "is not a comparison"),
        ("1 < 2", "two constants"),
        ("habituation < 0.1 or muting == true", "only 'and'"),
        ("network > 3", "a number with something"),
        ("muting < true", "only == or !="),
        ("muting == 'ring'", "compared with true or false"),
        ("network == 'moon'", "network is never 'moon'"),
        ("habituation < 0.1 and", "is not a comparison"),
        ("habituation ~ 0.1", "cannot read '~ 0.1'"),
        ("", "is empty"),
        ("habituation < " + "1" * 500, "characters long"),
        (3, "in quotes"),
    ],
)
def test_a_bad_condition_is_refused_saying_why(text, says):
    with pytest.raises(ConditionError, match=re.escape(says)):
        parse_condition(text, KINDS)


# -- PRIM and CART on a known box --------------------------------------------------------------
def synthetic(seed: int, n: int = 3000, noise: float = 0.05) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "habituation": rng.uniform(0, 0.5, n),
            "recovery": rng.uniform(0, 0.1, n),
            "sensitization": rng.uniform(0, 1, n),
            "attention_budget": rng.integers(1, 31, n),
            "network": rng.choice(["ring", "complete", "watts_strogatz"], n),
            "muting": rng.random(n) < 0.5,
        }
    ), rng.random(n) < noise


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_prim_finds_a_known_box_in_noisy_cases(seed):
    """The cases are the runs with habituation below 0.1 and a budget of 13 or more, with
    5 % of all labels flipped at random. Box 1 must restrict those two parameters and no
    other, within 0.03 (6 % of habituation's range) and one message of the true edges."""
    x, flip = synthetic(seed)
    truth = ((x["habituation"] < 0.1) & (x["attention_budget"] >= 13)).to_numpy()
    d = discover("known", "", x, truth ^ flip, density=0.8, seed=seed)
    box = d.boxes[0]
    assert set(box.limits) == {"habituation", "attention_budget"}
    assert box.limits["habituation"][1] == pytest.approx(0.1, abs=0.03)
    assert box.limits["habituation"][0] == pytest.approx(0.0, abs=0.01)
    assert 12 <= box.limits["attention_budget"][0] <= 14
    assert box.density >= 0.8 and box.coverage >= 0.6
    # coverage and density as defined: share of the cases inside, share of the inside cases
    cases = truth ^ flip
    assert box.coverage == pytest.approx((box.inside & cases).sum() / cases.sum())
    assert box.density == pytest.approx((box.inside & cases).sum() / box.inside.sum())
    assert box.mass == pytest.approx(box.inside.mean())
    # the peeling trajectory ends smaller and denser than it starts; the chosen box is on it
    t = d.trajectory
    assert t["coverage"].iloc[0] == 1 and t["density"].iloc[-1] > t["density"].iloc[0]
    assert t.at[d.chosen, "density"] >= 0.8
    # dropping either restriction lowers the density a lot: both are significant
    for name in box.limits:
        assert box.dropped[name][1] < box.density - 0.2
        assert box.quasi_p[name] < 0.001
    words = box_words(box.limits, x)
    high = float(re.search(r"habituation strength is below ([\d.]+)", words).group(1))
    assert high == pytest.approx(0.1, abs=0.03)
    assert re.search(r"messages looked at per step is at least 1[234]\b", words)
    # CART's largest leaf of cases tells the same story
    leaf = d.leaves[0]
    assert set(leaf.limits) == {"habituation", "attention_budget"}
    assert leaf.limits["habituation"][1] == pytest.approx(0.1, abs=0.03)
    assert 12 <= leaf.limits["attention_budget"][0] <= 14


def test_prim_finds_a_category_and_a_second_box():
    """Cases: every complete network, and on the others the muting runs with a budget of
    26 or more: two boxes, the second found among the runs the first leaves."""
    x, _ = synthetic(4, n=4000)
    truth = (
        (x["network"] == "complete")
        | ((x["network"] != "complete") & x["muting"] & (x["attention_budget"] >= 26))
    ).to_numpy()
    d = discover("two", "", x, truth, density=0.9)
    first = d.boxes[0]
    assert first.limits == {"network": frozenset({"complete"})}
    assert box_words(first.limits, x) == "network shape is complete"
    assert len(d.boxes) >= 2
    second = d.boxes[1]
    assert second.limits["muting"] == frozenset({True})
    assert 25 <= second.limits["attention_budget"][0] <= 27
    assert not (first.inside & second.inside).any()  # a later box holds only runs left
    assert "muting is on" in box_words(second.limits, x)


def test_a_restriction_that_adds_nothing_is_trimmed():
    """Cases depend on habituation alone; a box that also restricts sensitization is no
    denser for it, so the quasi-p value of that restriction is large and it is dropped."""
    from experiments.discovery import _trim

    x, flip = synthetic(6)
    cases = (x["habituation"] < 0.1).to_numpy() ^ flip
    limits = {"habituation": (0.0, 0.1), "sensitization": (0.0, 0.8)}
    assert quasi_p(x, limits, "sensitization", cases) > 0.05
    assert quasi_p(x, limits, "habituation", cases) < 0.001
    kept, values, trimmed = _trim(x, limits, cases)
    assert kept == {"habituation": (0.0, 0.1)} and trimmed == ["sensitization"]
    assert values["habituation"] < 0.001


def test_nothing_to_find_when_every_run_or_no_run_is_a_case():
    x, _ = synthetic(5, n=200)
    for cases in (np.zeros(200, bool), np.ones(200, bool)):
        d = discover("none", "", x, cases)
        assert d.boxes == [] and d.leaves == [] and d.tree is None


def test_limits_in_plain_words():
    x = pd.DataFrame(
        {
            "habituation": [0.0, 0.5],
            "attention_budget": [1, 30],
            "network": ["ring", "complete"],
            "muting": [True, False],
        }
    )
    assert limit_words("habituation", (0.0612, 0.5), x) == "habituation strength is above 0.061"
    assert (
        limit_words("habituation", (0.1, 0.3), x) == "habituation strength is between 0.1 and 0.3"
    )
    assert (
        limit_words("attention_budget", (12.5, 30), x)
        == "messages looked at per step is at least 13"
    )
    assert (
        limit_words("attention_budget", (1, 20.5), x) == "messages looked at per step is at most 20"
    )
    assert limit_words("muting", frozenset({False}), x) == "muting is off"
    assert limit_words("network", frozenset({"ring"}), x) == "network shape is ring"
    assert box_words({}, x) == "anywhere in the sampled space"
    assert inside_box(x, {"habituation": (0.0, 0.2), "muting": frozenset({True})}).tolist() == [
        True,
        False,
    ]


# -- the spec and its report -------------------------------------------------------------------
DISCOVERY = """
name = "known_box"
seed = 3
steps = 2
replicates = 1
[fixed]
n_agents = 20
mean_degree = 4
[sample]
method = "lhs"
n = 400
[vary]
habituation = { from = 0.0, to = 0.5 }
attention_budget = { from = 1, to = 30 }
recovery = { from = 0.01, to = 0.1 }
network = ["ring", "erdos_renyi"]
[output]
reporters = ["faded_broadcasters"]
[report]
kind = "discovery"
[report.cases]
known = "habituation < 0.2 and attention_budget > 12"
faded = "faded_broadcasters > 0.5"
"""


def test_a_discovery_spec_with_a_known_box_reports_its_ranges(tmp_path):
    """The condition is on the parameters themselves, so the true box is known: habituation
    below 0.2 and a budget of 13 or more. The report must name both, within tolerance."""
    from experiments.execute import run_spec
    from experiments.report import write_report

    spec = parse_spec(DISCOVERY)
    run_spec(spec, tmp_path / "known", serial=True)
    text = write_report(tmp_path / "known").read_text()
    note = next(line for line in text.splitlines() if line.startswith("- **known**"))
    high = float(re.search(r"habituation strength is below ([\d.]+)", note).group(1))
    assert high == pytest.approx(0.2, abs=0.03)
    low = int(re.search(r"messages looked at per step is at least (\d+)", note).group(1))
    assert 12 <= low <= 14
    assert "coverage" in note and "density" in note
    assert "network shape" not in note and "recovery" not in note
    assert "![" in text and "figures/peeling.png" in text and "figures/tree.png" in text
    assert (tmp_path / "known" / "figures" / "peeling.png").stat().st_size > 5_000
    assert "### known: box 1 restriction by restriction" in text
    assert "| known | `habituation < 0.2 and attention_budget > 12` |" in text
    assert "known and faded agree on" in text


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        (("[report.cases]\n", "[report.cases.x]\n"), "report.cases.x", "condition in quotes"),
        (
            ("known = ", "known = 'habituation < 0.2 or 1' \nq = "),
            "report.cases.known",
            "only 'and'",
        ),
        (
            ("faded_broadcasters > 0.5", "trust_in_broadcasters > 0.5"),
            "report.cases.faded",
            "neither",
        ),
        (
            ('kind = "discovery"', 'kind = "discovery"\ndensity = 1.5'),
            "report.density",
            "at most 1",
        ),
        (('kind = "discovery"', 'kind = "heatmap"'), "report.cases", 'only kind = "discovery"'),
    ],
)
def test_a_discovery_spec_is_checked_when_read(change, field, says):
    with pytest.raises(SpecError) as info:
        parse_spec(DISCOVERY.replace(*change))
    assert info.value.field == field and says in str(info.value)


def test_a_discovery_spec_needs_its_cases():
    text = DISCOVERY.split("[report.cases]")[0]
    with pytest.raises(SpecError) as info:
        parse_spec(text)
    assert info.value.field == "report.cases" and "missing" in str(info.value)


def test_the_shipped_experiment_reports_coverage_and_density_at_its_quick_size(tmp_path):
    from pathlib import Path

    from experiments.execute import run_spec
    from experiments.report import write_report
    from experiments.spec import load_spec

    path = Path(__file__).resolve().parents[1] / "experiments" / "where_interruption_wins.toml"
    spec = load_spec(path, quick=True)
    assert spec.report["kind"] == "discovery" and list(spec.report["cases"]) == ["clients", "trust"]
    run_spec(spec, tmp_path / "w", serial=True)
    text = write_report(tmp_path / "w").read_text()
    table = text.split("### Where each condition holds: PRIM's first box")[1].split("###")[0]
    assert "| case | condition | runs that are cases | box 1 | coverage | density | mass |" in table
    for name in ("clients", "trust"):
        row = re.search(rf"^\| {name} \| .*$", table, re.M).group(0)
        cells = [c.strip() for c in row.strip("|").split("|")]
        share = int(re.search(r"\((\d+) %\)", cells[2]).group(1))
        if 0 < share < 100:  # a box to find: its coverage and density are percentages
            assert re.fullmatch(r"\d+ %", cells[4]) and re.fullmatch(r"\d+ %", cells[5])
    assert "How the boxes were found" in text


# -- the committed report and what the About tab says of it ------------------------------------
ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
KEPT = ROOT / "docs" / "results" / "where_interruption_wins" / "report.md"


def test_the_kept_report_is_of_the_shipped_spec():
    """The report in docs/results was made from the spec as shipped (its spec block is the
    file, word for word), at full size, and its figures are there."""
    report = KEPT.read_text()
    spec = (ROOT / "experiments" / "where_interruption_wins.toml").read_text()
    block = report.split("## The spec")[1].split("```toml\n")[1].split("```")[0]
    assert block.strip() == spec.strip()
    assert "--quick" not in report.split("## The spec")[1].split("```")[0]
    for figure in re.findall(r"\]\((figures/[^)]+\.png)\)", report):
        assert (KEPT.parent / figure).stat().st_size > 5_000, figure


def test_the_about_tab_quotes_the_kept_report():
    """Every number About gives for where interruption wins is the kept report's."""
    report = KEPT.read_text()
    about = (ROOT / "classroom" / "about.md").read_text()
    said = " ".join(about.split("### Where interruption wins")[1].split("\n## ")[0].split())
    clients = next(line for line in report.splitlines() if line.startswith("- **clients**"))
    trust = next(line for line in report.splitlines() if line.startswith("- **trust**"))
    runs = re.search(r"holds in [\d,]+ of ([\d,]+) runs", clients).group(1)
    share = re.search(r"runs \((\d+) %\)", clients).group(1)
    assert f"ran it {runs} times" in said and f"interactors in {share} % of those runs" in said
    together = re.search(r"Together the boxes hold (\d+) %", clients).group(1)
    assert f"hold {together} % of the runs where they won" in said
    first, second = re.findall(r"(?:first box|Box 2)[^:]*: where ([^.]+(?:\.\d+[^.]*)*)\.", clients)
    assert first == "habituation (tuning out) is off" and "won every single run" in said
    assert re.search(r"holds 100 % of the runs in it|100 % of the runs in it hold it", clients)
    for pattern, template in [
        (r"contacts per person is at least (\d+)", "{} or more contacts"),
        (r"habituation strength is below ([\d.]+)", "habituation strength below {}"),
        (r"recovery at rest is above ([\d.]+)", "recovery above {}"),
    ]:
        assert template.format(re.search(pattern, second).group(1)) in said, pattern
    density = re.search(
        r"Box 2, among the runs left, holds \d+ % more of them at density (\d+) %", clients
    )
    assert f"broadcasters won {density.group(1)} %" in said
    held, total, pct_trust = re.search(
        r"holds in (\d+) of ([\d,]+) runs \((\d+) %\)", trust
    ).groups()
    assert f"in just {held} of the {total} runs ({pct_trust} %)" in said
    assert "where network shape is complete and limited attention is on" in trust
