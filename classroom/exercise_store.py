"""The learner's predictions and reasons, kept in their own browser.

:class:`ExerciseStore` is a small invisible widget (anywidget; its front end is
``exercise_store.js``, its style sheet ``exercise_store.css``, which also styles the
Exercises tab): it keeps one JSON object in the browser's ``localStorage`` under
:data:`STORAGE_KEY`, sends it to Python when the page loads and writes back every change, so
that predictions survive a reload or a closed tab on the same browser. Nothing is sent
anywhere else; :func:`download_text` turns the records into the file the learner downloads.

Records are keyed by exercise number (as text) and look like
``{"answer": "b", "reason": "...", "checked": {"answer": "b", "model": "b"}}``. What comes
back from a browser is untrusted (anyone can edit their own storage): :func:`clean_records`
keeps only known exercises, known option keys and reasons cut to :data:`MAX_REASON`
characters without control characters.
"""

from __future__ import annotations

import json
import unicodedata

import anywidget
import traitlets as t

from workshop.exercises import EXERCISES, exercise

from .front_end import front_end

__all__ = [
    "MAX_REASON",
    "STORAGE_KEY",
    "ExerciseStore",
    "clean_reason",
    "clean_records",
    "download_text",
]

#: The localStorage key (namespaced by the app, versioned by the records' format).
STORAGE_KEY = "interruption-or-interaction/predictions/v1"
#: The most characters of a learner's reason that are kept.
MAX_REASON = 1000


class ExerciseStore(anywidget.AnyWidget):
    """``records`` mirrors the browser's stored predictions: set by the browser once it has
    read them (``loaded`` turns True), written back to the browser whenever Python changes
    it. ``available`` is False when the browser refuses to store anything."""

    _esm = front_end("exercise_store.js")
    _css = front_end("exercise_store.css")
    key = t.Unicode(STORAGE_KEY).tag(sync=True)
    records = t.Dict().tag(sync=True)
    loaded = t.Bool(False).tag(sync=True)
    available = t.Bool(True).tag(sync=True)


def clean_reason(text) -> str:
    """A learner's reason as it may be kept and shown: text only, control characters (other
    than line breaks and tabs) dropped, at most MAX_REASON characters."""
    if not isinstance(text, str):
        return ""
    kept = (c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")
    return "".join(kept)[:MAX_REASON]


def _key(ex, value) -> str | None:
    return value if isinstance(value, str) and value in ex.predict.keys else None


def clean_records(raw) -> dict[str, dict]:
    """Only what the app itself could have written: known exercises, known option keys,
    clean reasons; anything else is dropped without complaint."""
    out: dict[str, dict] = {}
    if not isinstance(raw, dict):
        return out
    for number, record in raw.items():
        try:
            ex = exercise(int(number))
        except (KeyError, TypeError, ValueError):
            continue
        if not isinstance(record, dict) or str(ex.number) != number:
            continue
        clean = {
            "answer": _key(ex, record.get("answer")),
            "reason": clean_reason(record.get("reason")),
        }
        checked = record.get("checked")
        if isinstance(checked, dict) and _key(ex, checked.get("model")):
            clean["checked"] = {
                "answer": _key(ex, checked.get("answer")),
                "model": checked["model"],
            }
        out[number] = clean
    return out


def download_text(records: dict[str, dict]) -> str:
    """The learner's predictions as a small JSON file: for each exercise they answered, the
    question, the option chosen (key and text), their reason and, once checked, what the
    model's runs pointed to."""
    items = []
    for ex in EXERCISES:
        record = clean_records(records).get(str(ex.number))
        if not record or not (record["answer"] or record["reason"]):
            continue
        answer = record["answer"]
        item = {
            "exercise": ex.number,
            "title": ex.title,
            "question": ex.predict.question,
            "prediction": answer,
            "prediction_text": ex.predict.option(answer).text if answer else None,
            "reason": record["reason"],
        }
        if "checked" in record:
            item["checked_prediction"] = record["checked"]["answer"]
            item["model_pointed_to"] = record["checked"]["model"]
        items.append(item)
    document = {"app": "Interruption or interaction?", "format": STORAGE_KEY, "exercises": items}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
