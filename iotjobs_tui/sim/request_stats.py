"""Counts and handling times of the requests the emulator's server receives."""

from __future__ import annotations

import threading
from collections import Counter, deque


class RequestStats:
    """Thread-safe counts of requests received, by (service, operation).

    Every request that reaches the protocol layer counts, including throttled, invalid and
    failed ones, so tests can assert that a write call was never even attempted.
    """

    # Handling times kept per operation: enough for stable percentiles, bounded memory.
    LATENCY_WINDOW = 2048

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()
        self._latency: dict[tuple[str, str], deque[float]] = {}

    def record(self, service: str, operation: str) -> None:
        with self._lock:
            self._counts[(service, operation)] += 1

    def observe(self, service: str, operation: str, seconds: float) -> None:
        """Record how long the emulator took to handle one request (parse to response)."""
        with self._lock:
            window = self._latency.get((service, operation))
            if window is None:
                window = self._latency[(service, operation)] = deque(maxlen=self.LATENCY_WINDOW)
            window.append(seconds)

    def latency_ms(self) -> dict[str, dict[str, dict[str, float]]]:
        """{service: {operation: {count, median, p95, max}}} over the recent window, in ms."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        with self._lock:
            windows = {key: sorted(values) for key, values in self._latency.items() if values}
        for (service, operation), values in sorted(windows.items()):
            n = len(values)
            out.setdefault(service, {})[operation] = {
                "count": n,
                "median": round(values[n // 2] * 1000, 3),
                "p95": round(values[min(n - 1, int(n * 0.95))] * 1000, 3),
                "max": round(values[-1] * 1000, 3),
            }
        return out

    def count(self, service: str, operation: str | None = None) -> int:
        """Requests for one operation, or for the whole service when `operation` is None."""
        with self._lock:
            if operation is not None:
                return self._counts[(service, operation)]
            return sum(n for (svc, _), n in self._counts.items() if svc == service)

    def snapshot(self) -> dict[str, dict[str, int]]:
        """{service: {operation: count}}."""
        out: dict[str, dict[str, int]] = {}
        with self._lock:
            for (service, operation), n in sorted(self._counts.items()):
                out.setdefault(service, {})[operation] = n
        return out

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._latency.clear()
