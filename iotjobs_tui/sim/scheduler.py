"""A heap of callbacks keyed by virtual time: the one place time-driven behaviour plugs in.

Rollout steps, cancel cascades, deletions and scheduled starts are events here; later device
simulation, timeouts, retries and maintenance windows schedule on the same heap. `run_due` is
O(1) when nothing is due, so calling it before every request costs nothing.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

# A callback receives the virtual time it was scheduled for (not "now"), so timestamps it
# writes are exact even when the clock jumped past several events at once.
Callback = Callable[[float], None]


@dataclass(order=True)
class Event:
    at: float
    seq: int
    callback: Callback = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        """Lazy deletion: the heap drops the event when it reaches the top."""
        self.cancelled = True


class Scheduler:
    def __init__(self) -> None:
        self._heap: list[Event] = []
        self._seq = itertools.count()

    def schedule(self, at: float, callback: Callback) -> Event:
        event = Event(at, next(self._seq), callback)
        heapq.heappush(self._heap, event)
        return event

    def next_due(self) -> float | None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].at if self._heap else None

    def run_due(self, now: float) -> int:
        """Run every event due at or before `now`, in time order; returns how many ran.

        Events scheduled by a callback for a time <= now run in the same call.
        """
        ran = 0
        heap = self._heap
        while heap and heap[0].at <= now:
            event = heapq.heappop(heap)
            if event.cancelled:
                continue
            event.callback(event.at)
            ran += 1
        return ran

    def __len__(self) -> int:
        return sum(1 for e in self._heap if not e.cancelled)
