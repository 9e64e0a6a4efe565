"""Refresh policy for one pane: interval, pause, backoff after failures, staleness.

Pure and clock-free: callers pass `now` (a monotonic reading), so it is unit-testable.
"""

from __future__ import annotations

from dataclasses import dataclass

INTERVAL_STEPS = (1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0)
MAX_BACKOFF = 300.0


@dataclass
class RefreshPolicy:
    interval: float
    paused: bool = False
    failures: int = 0
    last_success: float | None = None
    last_failure: float | None = None

    def next_delay(self) -> float:
        """Seconds until the next fetch: the interval, doubled per consecutive failure."""
        if self.failures == 0:
            return self.interval
        backoff: float = self.interval * 2.0**self.failures
        return min(backoff, max(MAX_BACKOFF, self.interval))

    def succeeded(self, now: float) -> None:
        self.failures = 0
        self.last_success = now

    def failed(self, now: float) -> None:
        self.failures += 1
        self.last_failure = now

    def age(self, now: float) -> float | None:
        return None if self.last_success is None else max(0.0, now - self.last_success)

    def is_stale(self, now: float) -> bool:
        """Data is stale after a failure, or when it is older than two intervals plus slack."""
        if self.failures:
            return True
        age = self.age(now)
        return age is not None and not self.paused and age > 2 * self.interval + 5

    @property
    def backing_off(self) -> bool:
        return self.failures > 0

    def faster(self) -> float:
        smaller = [step for step in INTERVAL_STEPS if step < self.interval]
        self.interval = smaller[-1] if smaller else self.interval
        return self.interval

    def slower(self) -> float:
        larger = [step for step in INTERVAL_STEPS if step > self.interval]
        self.interval = larger[0] if larger else self.interval
        return self.interval


def format_age(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s ago"
    if seconds < 3600:
        return f"{seconds // 60}m ago"
    return f"{seconds // 3600}h ago"


def format_interval(seconds: float) -> str:
    return f"{seconds:g}s" if seconds < 60 else f"{seconds / 60:g}m"
