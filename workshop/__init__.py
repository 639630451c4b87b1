"""The workshop kit: exercises that walk a class through the model, one claim at a time.

One source for everything: the exercises are data (:mod:`workshop.exercises`); the checks a
participant runs are in :mod:`workshop.checks`; the facilitator's guide
(``workshop/guide.md``, from ``workshop/guide_template.md``) and the participants' handout
(``workshop/handout.html``) are generated from both by ``python -m workshop guide`` and
``python -m workshop handout``. ``python -m workshop strategy FILE`` hands over to
:mod:`workshop.strategy_check` (write-your-own-strategy checker), imported only when used.
"""

from .exercises import EXERCISES, Exercise, exercise

__all__ = ["EXERCISES", "Exercise", "exercise"]
