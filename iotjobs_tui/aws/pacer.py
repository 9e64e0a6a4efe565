"""The one limiter every call goes through (the TUI's panes, the target counter, `watch`).

AWS's default quota is about 10 calls a second per job API, per account and region, and
the user's other tools (the console, scripts, CI) share it. A token bucket per operation
keeps this app at half of that at most, whatever its panes ask for at once: a burst of
`BURST` calls goes straight through, then calls wait their turn. Waits are counted, so the
cost of pacing is visible (bench_calls prints it).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

RATE = 5.0  # calls a second per operation: half of AWS's default per-API quota
BURST = 5.0


class Pacer:
    def __init__(
        self,
        rate: float = RATE,
        burst: float = BURST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._tokens: dict[str, float] = {}
        self._stamp: dict[str, float] = {}
        self.waits = 0  # calls that had to wait
        self.waited = 0.0  # seconds spent waiting, in total

    def delay(self, operation: str) -> float:
        """Take a token for `operation`; the seconds to wait before sending (0: go now)."""
        now = self._clock()
        tokens = self._tokens.get(operation, self.burst)
        last = self._stamp.get(operation, now)
        tokens = min(self.burst, tokens + (now - last) * self.rate) - 1.0
        self._tokens[operation], self._stamp[operation] = tokens, now
        if tokens >= 0:
            return 0.0
        wait = -tokens / self.rate
        self.waits += 1
        self.waited += wait
        return wait

    async def acquire(self, operation: str) -> None:
        wait = self.delay(operation)
        if wait > 0:
            await asyncio.sleep(wait)
