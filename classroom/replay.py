"""Going back in time: every frame of a run kept compactly, and the slider that replays them.

:class:`FrameStore` keeps, per step, exactly the bytes the network view was sent: one byte a
person (attention paid to them), one byte a drawn tie (trust) and half a byte a drawn tie
(the step's messages, when there were any). A step costs at most ``n + 1.5 m`` bytes for
``n`` people and ``m`` drawn ties (docs/benchmarks.md gives the measured cost of a 500-step
run at 2,000 people). When a run's frames pass :data:`REPLAY_BUDGET` bytes, the oldest are
let go (the slider then starts later), so a long run never grows without bound.

:class:`ReplayBar` is the slider under the network: drag it (or use the arrow keys, Home,
End, Page Up/Down) to any kept step; "Back to now" (or the far right end) returns to the
present. It only reports the step chosen (``at``, -1 for the present); the session
(:meth:`classroom.session.Session.replay`) shows that step's network, story and chart cursors.
"""

from __future__ import annotations

from collections import OrderedDict

import anywidget
import numpy as np
import traitlets as t

from .front_end import front_end
from .network_view import pack_messages, quantize, unpack_messages

__all__ = ["REPLAY_BUDGET", "FrameStore", "ReplayBar", "StoredFrame"]

#: The most bytes of frames kept per run (the oldest steps go first).
REPLAY_BUDGET = 24 * 2**20


class StoredFrame:
    """One step's frame as the network view gets it: uint8 arrays and the step."""

    __slots__ = ("step", "opacity", "edge_strength", "messages", "counts")

    def __init__(self, step, opacity, edge_strength, messages, counts=(0, 0, 0)):
        self.step = step
        self.opacity = opacity
        self.edge_strength = edge_strength
        self.messages = messages
        #: the step's messages in numbers: pitches noticed, pitches ignored, conversations
        self.counts = counts


class FrameStore:
    """The frames of one run's steps, oldest first, within ``budget`` bytes."""

    def __init__(self, n: int, m: int, budget: int = REPLAY_BUDGET):
        self.n, self.m, self.budget = n, m, budget
        self._frames: OrderedDict[int, tuple[bytes, bytes, bytes, tuple]] = OrderedDict()
        self.nbytes = 0

    def keep(self, step: int, opacity, edge_strength, messages, counts=(0, 0, 0)) -> StoredFrame:
        """Keep step ``step``'s frame (floats in [0, 1] or uint8 per person and per drawn
        tie; message codes per drawn tie; the step's message counts) and return it as kept
        (uint8 arrays, which the network view sends as they are)."""
        op = quantize(opacity, self.n, "opacity")
        es = quantize(edge_strength, self.m, "edge_strength")
        msg = pack_messages(messages, self.m, step)
        if step in self._frames:  # the same step again (after a reset): replace it
            self._forget(step)
        self._frames[step] = (op, es, msg, tuple(counts))
        self.nbytes += len(op) + len(es) + len(msg)
        while self.nbytes > self.budget and len(self._frames) > 1:
            self._forget(next(iter(self._frames)))
        return StoredFrame(
            step,
            np.frombuffer(op, dtype=np.uint8),
            np.frombuffer(es, dtype=np.uint8),
            np.asarray(messages, dtype=np.uint8),
            tuple(counts),
        )

    def _forget(self, step: int) -> None:
        op, es, msg, _ = self._frames.pop(step)
        self.nbytes -= len(op) + len(es) + len(msg)

    @property
    def steps(self) -> tuple[int, int]:
        """The first and the last step kept ((0, -1) when none)."""
        if not self._frames:
            return 0, -1
        return next(iter(self._frames)), next(reversed(self._frames))

    def __contains__(self, step: int) -> bool:
        return step in self._frames

    def __len__(self) -> int:
        return len(self._frames)

    def frame(self, step: int) -> StoredFrame:
        """Step ``step``'s frame (KeyError if it is not kept)."""
        op, es, msg, counts = self._frames[step]
        _, forward, backward = unpack_messages(msg, self.m)
        return StoredFrame(
            step,
            np.frombuffer(op, dtype=np.uint8),
            np.frombuffer(es, dtype=np.uint8),
            forward | (backward << 2),
            counts,
        )


class ReplayBar(anywidget.AnyWidget):
    """The replay slider: steps ``first`` to ``now``; ``at`` is the step chosen, -1 for the
    present (the learner sets it; the session moves ``first`` and ``now`` as the run goes)."""

    _esm = front_end("replay.js")
    _css = front_end("replay.css")
    first = t.Int(0).tag(sync=True)
    now = t.Int(0).tag(sync=True)
    at = t.Int(-1).tag(sync=True)

    @t.validate("at")
    def _valid_at(self, proposal) -> int:
        at = int(proposal["value"])
        if at < 0 or at >= self.now:
            return -1  # the far right end is the present
        return max(at, self.first)
