"""The one limiter every call goes through (the TUI's panes, the target counter, `watch`).

AWS's default quota is about 10 calls a second per job API, per account and region, and the
user's other tools (the console, scripts, CI) share it. Two budgets, both leaky buckets from
aiolimiter (a well-kept library, rather than a hand-rolled token bucket):

- every call: at most `RATE` a second per operation (a burst of that many goes straight
  through), half of AWS's default quota, whatever the panes ask for at once;
- background calls (what the user did not ask for by a key and is not waiting to see: the
  list's progress refreshes, the target count, the why panel's sample, the stuck triage;
  a list row's first value, shown as `…` until it comes, is not one) also take a token from a per
  operation budget of `BACKGROUND_RATE` a second and a shared one of `BACKGROUND_TOTAL` a
  second, so watching a rollout costs at most ~2 calls a second in all.

A call is background when made inside `background()` (a context variable: it follows the
worker's task, so no parameter is threaded through the AWS layer). A call inside `charged()`
is one the user is waiting for that would otherwise be background (a list row's first value):
it goes at the foreground pace, and background work pays its token back to the shared total
before its next call, so a burst comes at once and the calls a second, all together, do not
grow. Waits are counted, so the cost of pacing is visible (bench_calls prints it).
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # aiolimiter (and its importlib.metadata, ~10 ms) loads with the first call
    from aiolimiter import AsyncLimiter

RATE = 5.0  # calls a second per operation: half of AWS's default per-API quota
BACKGROUND_RATE = 1.0  # background calls a second per operation
# Background calls a second, all operations together (charged calls included): with the
# detail's and the list's own refreshes (~0.27/s at the default 5 s and 15 s) the app stays
# under 2 calls a second.
BACKGROUND_TOTAL = 1.7

_background: contextvars.ContextVar[bool] = contextvars.ContextVar("background", default=False)
_charged: contextvars.ContextVar[bool] = contextvars.ContextVar("charged", default=False)


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Calls made inside (in this task) use the background budgets too."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


def in_background() -> bool:
    return _background.get()


@contextlib.contextmanager
def charged() -> Iterator[None]:
    """Calls made inside (in this task) go at the foreground pace, charged to the background
    total: background work waits for their tokens later."""
    token = _charged.set(True)
    try:
        yield
    finally:
        _charged.reset(token)


class Pacer:
    def __init__(
        self,
        rate: float = RATE,
        background_rate: float = BACKGROUND_RATE,
        background_total: float = BACKGROUND_TOTAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate, self.background_rate = rate, background_rate
        self._clock = clock
        self._every: dict[str, AsyncLimiter] = {}
        self._quiet: dict[str, AsyncLimiter] = {}
        self._background_total = background_total
        self._quiet_total: AsyncLimiter | None = None
        self.waits = 0  # calls that had to wait
        self.waited = 0.0  # seconds spent waiting, in total
        self.background_calls = 0
        self.charged_calls = 0
        self._owed = 0  # charged calls the background total has not taken a token for yet

    def _limiter(self, table: dict[str, AsyncLimiter], operation: str, rate: float) -> AsyncLimiter:
        limiter = table.get(operation)
        if limiter is None:
            from aiolimiter import AsyncLimiter

            limiter = table[operation] = AsyncLimiter(rate, 1.0)
        return limiter

    async def acquire(self, operation: str) -> None:
        started = self._clock()
        if _charged.get():
            self.charged_calls += 1
            self._owed += 1
        elif in_background():
            self.background_calls += 1
            if self._quiet_total is None:
                from aiolimiter import AsyncLimiter

                self._quiet_total = AsyncLimiter(self._background_total, 1.0)
            while self._owed:  # pay back what charged calls took, first
                self._owed -= 1
                await self._quiet_total.acquire()
            await self._quiet_total.acquire()
            await self._limiter(self._quiet, operation, self.background_rate).acquire()
        await self._limiter(self._every, operation, self.rate).acquire()
        waited = self._clock() - started
        if waited > 0.001:
            self.waits += 1
            self.waited += waited
