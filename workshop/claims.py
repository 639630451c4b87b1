"""What the workshop tests, in one list: the essay's claims, the model's assumptions and the
extensions the model adds, each in our own words with where it comes from.

The essay is Greg Peters' *Is your networking interaction or interruption?* (the project's
brief). Under its title and author line it has one heading, "Is this what your networking
looks like?", and eleven paragraphs below it; ``paragraphs`` counts them from 1, the
one-line paragraphs included. The claims are paraphrased: no sentence of the essay is
copied here (``tests/test_claims.py`` checks that no six words in a row are shared with it,
against :data:`ESSAY_SHINGLES`, a file of hashes that holds no text of the essay).

Every exercise names one entry (:attr:`workshop.exercises.Exercise.claim_key`); the student
sheet, the answer key, the guide and the debrief slides all read the words from here.

Kinds:

- ``essay``: a claim the essay makes; ``paragraphs`` says where;
- ``counter``: a claim against the essay that the essay itself grants in part;
- ``assumption``: something the model builds in and the essay takes for granted; an
  exercise on it shows the assumption at work, it cannot confirm it;
- ``extension``: a question the essay does not raise, which the model adds.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CLAIMS",
    "ESSAY_HEADING",
    "ESSAY_PARAGRAPHS",
    "ESSAY_SHINGLES",
    "ESSAY_TITLE",
    "KINDS",
    "Claim",
    "claim",
    "essay_paragraphs",
    "shingles",
]

HERE = Path(__file__).resolve().parent
ESSAY_TITLE = "Is your networking interaction or interruption?"
ESSAY_HEADING = "Is this what your networking looks like?"
#: Paragraphs under the heading.
ESSAY_PARAGRAPHS = 11
#: Hashes of every run of SHINGLE words of the essay (see :func:`shingles`).
ESSAY_SHINGLES = HERE / "essay_shingles.txt"
SHINGLE = 6

KINDS = {
    "essay": "the essay's claim",
    "counter": "a counter-claim the essay grants in part",
    "assumption": "a model assumption",
    "extension": "an extension the model adds",
}


@dataclass(frozen=True)
class Claim:
    key: str
    kind: str
    #: The claim in our own words, one sentence.
    words: str
    #: Paragraphs of the essay (under its heading, from 1) it comes from or leans on.
    paragraphs: tuple[int, ...] = ()
    #: Where it comes from, when that is not simply "the essay says so".
    source: str = ""

    @property
    def where(self) -> str:
        """Where the claim comes from, in words."""
        if not self.paragraphs:
            return self.source or "not in the essay"
        if len(self.paragraphs) == 1:
            at = f"paragraph {self.paragraphs[0]}"
        else:
            at = "paragraphs " + ", ".join(map(str, self.paragraphs[:-1]))
            at += f" and {self.paragraphs[-1]}"
        text = f"the essay, {at} under the heading '{ESSAY_HEADING}'"
        return f"{text}; {self.source}" if self.source else text

    @property
    def cite(self) -> str:
        """Where, in short: "essay, paragraphs 3, 4 and 5" or "not in the essay"."""
        if not self.paragraphs:
            return "not in the essay"
        if len(self.paragraphs) == 1:
            return f"essay, paragraph {self.paragraphs[0]}"
        return (
            "essay, paragraphs "
            + ", ".join(map(str, self.paragraphs[:-1]))
            + f" and {self.paragraphs[-1]}"
        )

    @property
    def label(self) -> str:
        """The kind in words, capitalised: "The essay's claim"."""
        text = KINDS[self.kind]
        return text[:1].upper() + text[1:]


CLAIMS: dict[str, Claim] = {
    c.key: c
    for c in (
        Claim(
            "central",
            "essay",
            "Networking by two-way exchange with a few people does better than pushing one "
            "message out to many.",
            (2, 11),
            "it is the question of the title",
        ),
        Claim(
            "wide_reach",
            "assumption",
            "A one-way message can be sent to everyone one knows at once, while a real "
            "exchange takes one person at a time.",
            (5, 11),
            "taken for granted there (an hour of television, the faceless crowd); the model "
            "builds it into how often each family sends",
        ),
        Claim(
            "learn_to_ignore",
            "essay",
            "People who are interrupted over and over learn to stop paying attention to "
            "interruptions.",
            (3, 4, 5),
            "after Seth Godin",
        ),
        Claim(
            "captive",
            "essay",
            "Interruption depends on repeating one message to an audience that cannot get "
            "away from it.",
            (9,),
        ),
        Claim(
            "memorable",
            "essay",
            "One exchange that goes both ways leaves a stronger and longer-lasting "
            "impression than one pitch.",
            (1, 8),
            "the model sets this as two rates (the memory a noticed conversation adds and "
            "the memory a noticed pitch adds), so an exercise can show its effect, not "
            "prove it",
        ),
        Claim(
            "commons",
            "extension",
            "Pitches that go unread still use up attention that everyone shares, so they "
            "cost the people who hold conversations too.",
            (10,),
            "the essay says interruption probably wastes everyone's time; the shared, "
            "limited budget of attention is the model's own addition",
        ),
        Claim(
            "structure",
            "extension",
            "The pattern should not depend on one invented network: it should hold on real "
            "groups of people, and where it fails we should know why.",
            (),
            "not in the essay: a test of the model's robustness",
        ),
        Claim(
            "value_first",
            "essay",
            "To give value first you must find out what the other person values, and only "
            "listening tells you; without it you are guessing.",
            (9,),
        ),
        Claim(
            "second_chance",
            "extension",
            "Someone who stops interrupting and starts talking can win their audience back.",
            (),
            "not in the essay; how much the model forgives is a modelling choice",
        ),
        Claim(
            "repetition_sells",
            "counter",
            "Repeating a pitch may still sell without people noticing: once the annoyance "
            "wears off, the brand heard most may be the one preferred.",
            (6,),
            "the essay grants this possibility; the studies behind it are Kronrod and Huber (2019)",
        ),
    )
}


def claim(key: str) -> Claim:
    """The claim named ``key`` (KeyError naming the known keys if there is none)."""
    try:
        return CLAIMS[key]
    except KeyError:
        raise KeyError(f"no claim {key!r}; the claims are {', '.join(CLAIMS)}") from None


# -- checking our words against the essay (without keeping its text) -------------------------
def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Short hashes of every run of ``size`` words of ``text`` (lower case, punctuation
    dropped): two texts that share such a run share a hash."""
    w = words_of(text)
    return {
        hashlib.sha256(" ".join(w[i : i + size]).encode()).hexdigest()[:12]
        for i in range(len(w) - size + 1)
    }


def essay_shingles() -> set[str]:
    """The stored hashes of the essay's runs of words."""
    return set(ESSAY_SHINGLES.read_text(encoding="utf-8").split())


def essay_paragraphs(text: str) -> list[str]:
    """The essay's paragraphs under its heading (blank-line separated, from the first after
    the heading)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    return blocks[blocks.index(ESSAY_HEADING) + 1 :]


def write_essay_shingles(essay: Path, path: Path = ESSAY_SHINGLES) -> Path:
    """Store the hashes of ``essay``'s runs of words (the text itself is not kept)."""
    hashes = sorted(shingles(Path(essay).read_text(encoding="utf-8")))
    path.write_text("\n".join(hashes) + "\n", encoding="utf-8")
    return path
