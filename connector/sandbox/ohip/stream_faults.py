"""Delivery faults the OHIP emulator injects into its stream and its dequeue, drawn from a
seeded random so a test or the bench sees the same faults on every run."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


@dataclass
class StreamFaults:
    """What goes wrong, as fractions of events (0: never). Change them while running."""

    drop_after: int | None = None  # the stream's connection breaks after this many events…
    drops: int = 1  # …this many times (then it stays up)
    lose: float = 0.0  # never delivered (OHIP's stream moves on; the dequeue forgets it)
    duplicate: float = 0.0  # delivered twice
    late: float = 0.0  # held back `late_seconds` (stream) or until a later dequeue (poll)
    late_seconds: float = 0.2
    reorder: float = 0.0  # swapped with the event after it
    seed: int = 19
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def happens(self, fraction: float) -> bool:
        """True for about `fraction` of the calls."""
        return fraction > 0 and self._rng.random() < fraction

    def take_drop(self) -> int | None:
        """How many events the next stream connection carries before it breaks (None: no
        break); each break counts against `drops`."""
        if self.drop_after is None or self.drops <= 0:
            return None
        self.drops -= 1
        return self.drop_after

    def shuffle(self, items: Sequence[T]) -> list[T]:
        """`items` in delivery order: some lost, some twice, some swapped with the next."""
        out: list[T] = []
        for item in items:
            if self.happens(self.lose):
                continue
            out.append(item)
            if self.happens(self.duplicate):
                out.append(item)
        for i in range(len(out) - 1):
            if self.happens(self.reorder):
                out[i], out[i + 1] = out[i + 1], out[i]
        return out
