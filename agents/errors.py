"""The errors of strategies, each with a machine-readable reason.

* :class:`StrategyError`: a strategy returned something the world cannot deliver. Raised by
  the engine's checks of ``decide``/``reply`` (:mod:`sim.world`) and by the per-person
  helpers of :class:`agents.PersonStrategy` (``choose``/``answer``). ``sim.StrategyError``
  is this same class.
* :class:`RegistrationError`: :func:`agents.register` refused a class.

Each carries a ``reason`` from a closed set (:class:`Reason`, :class:`RegistrationReason`),
so tools such as the workshop's strategy checker choose their advice by code, never by
reading the message; the message itself stays a full sentence for people.

This module imports nothing from :mod:`sim`: the world uses the strategies, not the other
way round.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "NotAStrategyError",
    "Reason",
    "RegistrationError",
    "RegistrationReason",
    "StrategyError",
]


class Reason(StrEnum):
    """Why the world refused what a strategy returned (``StrategyError.reason``): a closed
    set of codes, one per kind of mistake."""

    #: The result is not the kind of object the method returns: ``decide`` not a
    #: ``Messages``, ``choose`` not a list of ``Message``, ``answer`` not a ``Message``,
    #: ``reply`` not a pair ``(two_way, topic)`` of arrays.
    WRONG_TYPE = "wrong_type"
    #: ``decide``: the fields of the batch differ in length (or are not flat arrays);
    #: ``reply``: not one value per answered tie.
    BAD_SHAPE = "bad_shape"
    #: ``decide``: ``sender``, ``receiver`` or ``tie`` does not hold integers.
    NOT_INTEGERS = "not_integers"
    #: ``decide``/``reply``: ``two_way`` is not an array of bool.
    NOT_BOOL = "not_bool"
    #: A topic is not a finite number (an angle in radians).
    BAD_TOPIC = "bad_topic"
    #: A message to someone who does not exist (not a whole number from 0 to ``n - 1``).
    BAD_PERSON = "bad_person"
    #: ``decide``: a message sent on behalf of someone who does not use the strategy.
    NOT_OWN_PERSON = "not_own_person"
    #: ``decide``: a message to its own sender.
    SELF_MESSAGE = "self_message"
    #: ``decide``: a tie index that is not the tie from sender to receiver.
    BAD_TIE = "bad_tie"
    #: ``decide``: a message to a contact marked as a cold call (tie -1).
    COLD_TO_CONTACT = "cold_to_contact"
    #: ``decide``: a two-way exchange opened with a stranger (conversations need a tie).
    TWO_WAY_TO_STRANGER = "two_way_to_stranger"
    #: ``answer``: the answer is not addressed to the person who opened the conversation.
    NOT_TO_OPENER = "not_to_opener"


class StrategyError(RuntimeError):
    """A strategy returned something the world cannot deliver; the message names it.

    ``str(err)`` is ``"strategy 'NAME': METHOD() DETAIL"``. Attributes: ``reason`` (a
    :class:`Reason`), ``strategy`` (the strategy's name), ``method`` (``"decide"``,
    ``"reply"``, ``"choose"`` or ``"answer"``) and ``detail`` (the sentence after
    ``METHOD()``)."""

    def __init__(self, reason: Reason, strategy: str, method: str, detail: str):
        self.reason = Reason(reason)
        self.strategy = strategy
        self.method = method
        self.detail = detail
        super().__init__(f"strategy {strategy!r}: {method}() {detail}")

    def __reduce__(self):  # pickled whole (sweeps run strategies in worker processes)
        return type(self), (self.reason, self.strategy, self.method, self.detail)


class RegistrationReason(StrEnum):
    """Why :func:`agents.register` refused a class (``RegistrationError.reason``)."""

    #: The decorated object is not a subclass of ``agents.Strategy``.
    NOT_A_STRATEGY = "not_a_strategy"
    #: Its ``name`` is not a short identifier.
    BAD_NAME = "bad_name"
    #: Its ``group`` is not a short identifier, or is reserved (``all``).
    BAD_GROUP = "bad_group"
    #: A different strategy is already registered under its ``name``.
    NAME_TAKEN = "name_taken"


class RegistrationError(ValueError):
    """:func:`agents.register` refused a class. Attributes: ``reason`` (a
    :class:`RegistrationReason`) and ``value`` (the offending object, name or group).

    A ``ValueError``; for ``NOT_A_STRATEGY`` also a ``TypeError`` (see :meth:`make`)."""

    def __init__(self, reason: RegistrationReason, value, message: str):
        self.reason = RegistrationReason(reason)
        self.value = value
        super().__init__(message)

    def __reduce__(self):
        return type(self), (self.reason, self.value, str(self))

    @staticmethod
    def make(reason: RegistrationReason, value, message: str) -> RegistrationError:
        """The error for ``reason``: a :class:`NotAStrategyError` for ``NOT_A_STRATEGY``."""
        if reason == RegistrationReason.NOT_A_STRATEGY:
            return NotAStrategyError(reason, value, message)
        return RegistrationError(reason, value, message)


class NotAStrategyError(RegistrationError, TypeError):
    """:func:`agents.register` was given something that is not a strategy class."""
