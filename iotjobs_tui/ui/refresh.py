"""The one refresh loop under every live pane, and the policy it applies.

`RefreshPolicy` is pure and clock-free (callers pass a monotonic `now`), so it is unit-testable.
`RefreshLoop` drives one pane with it, as Dolphie and k9s do:

- one fetch in flight: the next one is scheduled only after the last one finished;
- success waits the interval; a failure backs off (doubling, capped), one policy for all panes;
- a permanent failure (no credentials, AccessDenied, a filter naming a missing group) stops the
  loop until the user asks again (`r`), with what to do shown by the pane;
- pause, refresh now, a faster or slower interval;
- the age of the data and a stale marker, for the status bar.

A fetch is a coroutine run as an exclusive worker of the pane's screen. It posts its data as
messages and returns `None` on success or a `Failure`, which the loop applies itself, so no
message handler can forget to schedule the next round.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from textual.dom import DOMNode
from textual.timer import Timer
from textual.widget import Widget

from iotjobs_tui.common.logs import get as get_logger

INTERVAL_STEPS = (1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0)
MAX_BACKOFF = 300.0


@dataclass(frozen=True)
class Failure:
    """What a fetch returns when it failed: one sentence with the AWS error code."""

    error: str
    permanent: bool = False
    throttled: bool = False


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


@dataclass(frozen=True)
class PaneState:
    """One loop, as the status bar shows it."""

    name: str
    interval: float
    age: float | None
    stale: bool
    backing_off: bool
    next_in: float | None = None
    busy: bool = False
    stopped: str | None = None  # a permanent error's sentence: no more retries until `r`
    final: bool = False  # nothing left to refresh (a finished execution)
    paused: bool = False


Fetch = Callable[[], Coroutine[Any, Any, Failure | None]]

_log = get_logger("refresh")


def sane_interval(seconds: float) -> float:
    """A finite interval within the steps' range: `nan` or 1e-9 must not flood the API."""
    if not math.isfinite(seconds):
        return INTERVAL_STEPS[3]
    return min(max(seconds, INTERVAL_STEPS[0]), INTERVAL_STEPS[-1] * 12)


class RefreshLoop:
    """One live pane's loop. `owner` runs the workers and timers (the pane's screen)."""

    def __init__(
        self,
        owner: DOMNode,
        name: str,
        interval: float,
        fetch: Fetch,
        monotonic: Callable[[], float],
        *,
        pane: Widget | None = None,
        paused: bool = False,
        on_change: Callable[[], object] | None = None,
    ) -> None:
        self.owner = owner
        self.name = name
        self.fetch = fetch
        self.pane = pane  # the widget `+`/`-` act on when it has focus
        self.policy = RefreshPolicy(sane_interval(interval), paused=paused)
        self.monotonic = monotonic
        self.on_change = on_change
        self.busy = False
        self.stopped: str | None = None
        self.final = False
        self.suspended = False  # the screen is not on top: no calls for what nobody sees
        self.shown = True  # a segment in the status bar (LiveScreen.add_loop sets it)
        self.generation = 0
        self._timer: Timer | None = None
        self._next_at: float | None = None
        self._due_on_resume = False

    # --- running --------------------------------------------------------------------------

    def start(self) -> None:
        """Fetch now, unless a fetch is in flight (its end schedules the next one)."""
        if self.busy or self.stopped is not None:
            return
        if self.suspended:
            self._due_on_resume = True
            return
        self._cancel_timer()
        self.busy = True
        self.generation += 1
        self.owner.run_worker(
            self._run(self.generation),
            name=self.name,
            group=f"loop-{self.name}",
            exclusive=True,
            exit_on_error=False,
        )
        self._changed()

    def restart(self) -> None:
        """Drop the fetch in flight (its results are for old parameters) and fetch again."""
        self.busy = False
        self.stopped = None
        self.final = False
        self.start()

    def refresh_now(self) -> None:
        """`r`: retry even after a permanent error, and even while paused."""
        self.stopped = None
        self.final = False
        self.start()

    async def _run(self, generation: int) -> None:
        try:
            outcome = await self.fetch()
        except Exception as exc:  # a bug in a fetch must not leave the loop busy forever
            _log.exception("%s: the fetch raised", self.name)
            outcome = Failure(f"{type(exc).__name__}: {exc}")
        if generation != self.generation:
            return  # restarted meanwhile: a newer fetch owns the schedule
        self.busy = False
        now = self.monotonic()
        if outcome is None:
            if self.policy.failures:
                _log.info("%s: recovered after %d failures", self.name, self.policy.failures)
            self.policy.succeeded(now)
        else:
            self.policy.failed(now)
            if outcome.permanent:
                self.stopped = outcome.error
                _log.warning("%s: stopped until r: %s", self.name, outcome.error)
            else:
                _log.info(
                    "%s: failure %d, next try in %.0f s: %s",
                    self.name,
                    self.policy.failures,
                    self.policy.next_delay(),
                    outcome.error,
                )
        self.schedule()
        self._changed()

    def schedule(self) -> None:
        """Arm the next fetch after the policy's delay (none while paused or stopped)."""
        self._cancel_timer()
        if self.policy.paused or self.stopped is not None or self.final or self.busy:
            return
        delay = self.policy.next_delay()
        self._next_at = self.monotonic() + delay
        self._timer = self.owner.set_timer(delay, self.start)

    def finish(self) -> None:
        """Nothing more can change (a terminal execution): stop refreshing, say so."""
        self.final = True
        self._cancel_timer()
        self._changed()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._next_at = None

    def stop(self) -> None:
        self._cancel_timer()
        self.generation += 1
        self.busy = False

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    # --- the user's controls ---------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self.policy.paused

    def set_paused(self, paused: bool) -> None:
        self.policy.paused = paused
        if paused:
            self._cancel_timer()
        elif not self.busy:
            self.start()
        self._changed()

    def suspend(self) -> None:
        """The screen went under another: stop calling, remember to catch up."""
        self.suspended = True
        if self._timer is not None:
            self._due_on_resume = True
        self._cancel_timer()

    def resume(self) -> None:
        self.suspended = False
        due, self._due_on_resume = self._due_on_resume, False
        if self.generation == 0 and not due:
            return  # never started: the screen starts its loops after its first paint
        if self.busy or self.policy.paused or self.final or self.stopped is not None:
            return
        age = self.policy.age(self.monotonic())
        if due or age is None or age >= self.policy.interval:
            self.start()
        else:
            self.schedule()

    def step_interval(self, faster: bool) -> float:
        interval = self.policy.faster() if faster else self.policy.slower()
        if self._timer is not None:
            self.schedule()
        self._changed()
        return interval

    def set_interval(self, interval: float) -> None:
        self.policy.interval = sane_interval(interval)
        if self._timer is not None:
            self.schedule()

    # --- what the status bar shows ---------------------------------------------------------

    def state(self) -> PaneState:
        now = self.monotonic()
        policy = self.policy
        return PaneState(
            name=self.name,
            interval=policy.interval,
            age=policy.age(now),
            stale=policy.is_stale(now) and not self.final,
            backing_off=policy.backing_off and self.stopped is None,
            next_in=None if self._next_at is None else max(0.0, self._next_at - now),
            busy=self.busy,
            stopped=self.stopped,
            final=self.final,
            paused=policy.paused,
        )
