"""The workshop kit: exercises that walk a class through the model, one claim at a time.

One source for everything: what the exercises test is one list (:mod:`workshop.claims`: the
essay's claims, the model's assumptions and its extensions, each with where the essay makes
it); the exercises are data (:mod:`workshop.exercises`); the session plans are data
(:mod:`workshop.plans`); the checks a participant runs are in :mod:`workshop.checks`. From
them, ``python -m workshop guide|sheet|key|card|slides`` generate the facilitator's guide
(``guide.md``, from ``guide_template.md``), the student sheet (``sheet.html``), the answer
key (``answer_key.md``), the room card (``room_card.html``) and the debrief slides
(``slides/``). ``python -m workshop strategy FILE`` hands over to
:mod:`workshop.strategy_check` (write-your-own-strategy checker), imported only when used.
"""

from .exercises import EXERCISES, Exercise, exercise

__all__ = ["EXERCISES", "Exercise", "exercise"]
