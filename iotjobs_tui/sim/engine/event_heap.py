"""A heap of callbacks keyed by virtual time: the one place time-driven behaviour plugs in.

Rollout steps, cancel cascades, deletions, scheduled starts, device actions, timeouts, retries
and maintenance windows are all events here. `run_due` is O(1) when nothing is due, so calling
it before every request costs nothing.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

# A callback receives the virtual time it was scheduled for (not "now"), so timestamps it
# writes are exact even when the clock jumped past several events at once.
Callback = Callable[[float], None]


class Event:
    __slots__ = ("at", "callback", "cancelled")

    def __init__(self, at: float, callback: Callback) -> None:
        self.at = at
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        """Lazy deletion: the heap drops the event when it reaches the top."""
        self.cancelled = True


class Scheduler:
    def __init__(self) -> None:
        # (at, seq, event) tuples: tuple comparison is far cheaper than dataclass ordering, and
        # seq keeps events due at the same instant in the order they were scheduled.
        self._heap: list[tuple[float, int, Event]] = []
        self._seq = itertools.count()

    def schedule(self, at: float, callback: Callback) -> Event:
        event = Event(at, callback)
        heapq.heappush(self._heap, (at, next(self._seq), event))
        return event

    def next_due(self) -> float | None:
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def run_due(self, now: float, limit: int | None = None) -> int:
        """Run events due at or before `now`, in time order; returns how many ran.

        Events scheduled by a callback for a time <= now run in the same call. With `limit`,
        stop after that many so a caller can release its lock between slices.
        """
        ran = 0
        heap = self._heap
        pop = heapq.heappop
        while heap and heap[0][0] <= now and (limit is None or ran < limit):
            event = pop(heap)[2]
            if event.cancelled:
                continue
            event.callback(event.at)
            ran += 1
        return ran

    def __len__(self) -> int:
        return sum(1 for entry in self._heap if not entry[2].cancelled)
