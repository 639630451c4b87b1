"""The one list of what the workshop tests (workshop/claims.py): every claim says where the
essay makes it, or that it is not in the essay; and our texts are our own words: no six
words in a row of the essay appear in the claims, the exercises or the papers made from
them. The essay's text is not kept in the project; ``workshop/essay_shingles.txt`` holds
hashes of its runs of six words, and where the essay itself is at hand (the brief, next to
the checkout) the hashes and the paragraph count are checked against it."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from workshop.claims import (
    CLAIMS,
    ESSAY_HEADING,
    ESSAY_PARAGRAPHS,
    ESSAY_TITLE,
    claim,
    essay_paragraphs,
    essay_shingles,
    shingles,
)
from workshop.exercises import EXERCISES

ROOT = Path(__file__).resolve().parent.parent
#: Where the brief's essay may be: $ESSAY, or the brief beside the checkout.
ESSAY = [Path(p) for p in (os.environ.get("ESSAY", ""),) if p] + [
    ROOT.parent / "shared" / "brief" / "essay.txt"
]


def _texts_of(obj) -> list[str]:
    out = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, tuple):
            for v in value:
                out += _texts_of(v) if dataclasses.is_dataclass(v) else [v] * isinstance(v, str)
        elif dataclasses.is_dataclass(value):
            out += _texts_of(value)
    return out


def our_texts() -> dict[str, str]:
    texts = {f"claim {c.key}": f"{c.words} {c.source}" for c in CLAIMS.values()}
    for ex in EXERCISES:
        texts[f"exercise {ex.number}"] = "\n".join(_texts_of(ex))
    for name in (
        "workshop/guide.md",
        "workshop/answer_key.md",
        "workshop/sheet.html",
        "workshop/room_card.html",
        "classroom/about.md",
        "README.md",
        "docs/model.md",
    ):
        texts[name] = (ROOT / name).read_text(encoding="utf-8")
    for page in sorted((ROOT / "workshop" / "slides").glob("*.html")):
        texts[str(page.relative_to(ROOT))] = page.read_text(encoding="utf-8")
    return texts


def test_no_six_words_in_a_row_of_the_essay_in_our_texts():
    essay = essay_shingles()
    assert len(essay) > 300  # the essay's runs of words, all of them
    essay -= shingles(ESSAY_TITLE) | shingles(ESSAY_HEADING)  # citing them is allowed
    for name, text in our_texts().items():
        shared = shingles(text) & essay
        assert not shared, f"{name} repeats the essay word for word ({len(shared)} runs)"


def test_the_check_would_catch_a_copied_sentence():
    # A sentence made of the essay's own words hashes to stored runs (the words are the
    # essay's fourth and fifth paragraphs' gist, typed as the essay has them).
    copied = "It's taught us to ignore interruptions."
    assert len(shingles(copied)) == 1 and shingles(copied) <= essay_shingles()
    assert not shingles("People learn to look past whatever keeps interrupting them.") & (
        essay_shingles()
    )


def test_every_claim_says_where_it_comes_from():
    assert set(CLAIMS) == {c.key for c in CLAIMS.values()}
    for c in CLAIMS.values():
        assert c.words.endswith(".") and c.words.count(". ") == 0, c.key  # one sentence
        if c.paragraphs:
            assert ESSAY_HEADING in c.where and c.cite.startswith("essay, paragraph")
            assert all(1 <= p <= ESSAY_PARAGRAPHS for p in c.paragraphs)
        else:
            assert c.kind == "extension" and c.cite == "not in the essay"
    assert claim("captive") is CLAIMS["captive"]
    with pytest.raises(KeyError, match="the claims are"):
        claim("nonsense")


def test_the_stored_hashes_and_paragraphs_match_the_essay_where_it_is_at_hand():
    found = [p for p in ESSAY if p.is_file()]
    if not found:  # only the stored hashes are checked on a machine without the brief
        assert essay_shingles()
        return
    text = found[0].read_text(encoding="utf-8")
    assert shingles(text) == essay_shingles(), (
        "workshop/essay_shingles.txt is stale: python -c 'from workshop.claims import "
        "write_essay_shingles as w; w(PATH_TO_ESSAY)'"
    )
    assert len(essay_paragraphs(text)) == ESSAY_PARAGRAPHS


def test_the_answer_key_has_a_heading_for_every_kind_of_claim():
    from workshop.claims import KINDS
    from workshop.key import HEADINGS

    assert set(HEADINGS) == set(KINDS)
