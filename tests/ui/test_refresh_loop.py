"""The one refresh loop: one fetch in flight, backoff, pause, refresh now, permanent stop."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.widgets import Static

from iotjobs_tui.ui.refresh import Failure, RefreshLoop, sane_interval
from tests.ui.conftest import wait_for


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class LoopApp(App[None]):
    """A pane whose fetch answers from a script: None (success) or a Failure."""

    def __init__(self, outcomes: list[Failure | None], interval: float = 1.0) -> None:
        super().__init__()
        self.outcomes = outcomes
        self.calls = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.clock = Clock()
        self.interval = interval
        self.release = asyncio.Event()
        self.release.set()

    def compose(self) -> ComposeResult:
        yield Static("pane")

    async def fetch(self) -> Failure | None:
        self.calls += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await self.release.wait()
        finally:
            self.in_flight -= 1
        return self.outcomes.pop(0) if self.outcomes else None

    def on_mount(self) -> None:
        self.loop = RefreshLoop(self.screen, "pane", self.interval, self.fetch, self.clock)


async def test_success_schedules_the_next_fetch_after_the_interval() -> None:
    app = LoopApp([])
    async with app.run_test() as pilot:
        app.loop.start()
        await wait_for(pilot, lambda: app.calls == 1 and not app.loop.busy)
        state = app.loop.state()
        assert state.age == 0.0 and not state.stale and state.next_in == 1.0
        await wait_for(pilot, lambda: app.calls >= 2, timeout=5)


async def test_one_fetch_in_flight() -> None:
    app = LoopApp([])
    async with app.run_test() as pilot:
        app.release.clear()
        app.loop.start()
        await wait_for(pilot, lambda: app.calls == 1)
        for _ in range(5):
            app.loop.start()
            app.loop.refresh_now()
        await pilot.pause(0.1)
        assert app.calls == 1 and app.loop.busy
        app.release.set()
        await wait_for(pilot, lambda: not app.loop.busy)
        assert app.most_in_flight == 1


async def test_failures_back_off_and_mark_the_pane_stale() -> None:
    app = LoopApp([Failure("ServiceUnavailableException"), Failure("x"), None], interval=1.0)
    async with app.run_test() as pilot:
        app.loop.start()
        await wait_for(pilot, lambda: app.calls == 1 and not app.loop.busy)
        state = app.loop.state()
        assert state.stale and state.backing_off and state.next_in == 2.0
        await wait_for(pilot, lambda: app.calls == 2 and not app.loop.busy, timeout=5)
        assert app.loop.state().next_in == 4.0  # doubled again
        app.loop.refresh_now()  # r: no need to wait out the backoff
        await wait_for(pilot, lambda: app.calls == 3 and not app.loop.busy)
        state = app.loop.state()
        assert not state.backing_off and not state.stale and state.next_in == 1.0


async def test_a_permanent_error_stops_retrying_until_refresh_now() -> None:
    denied = Failure("AccessDeniedException: not allowed.", permanent=True)
    app = LoopApp([denied], interval=1.0)
    async with app.run_test() as pilot:
        app.loop.start()
        await wait_for(pilot, lambda: app.calls == 1 and not app.loop.busy)
        assert app.loop.state().stopped == denied.error
        assert app.loop.state().next_in is None
        await pilot.pause(2.5)
        assert app.calls == 1  # no retry on its own
        app.loop.start()  # the timer path is refused too
        assert app.calls == 1
        app.loop.refresh_now()
        await wait_for(pilot, lambda: app.calls == 2 and not app.loop.busy)
        assert app.loop.state().stopped is None


async def test_pause_stops_calls_and_resume_fetches_at_once() -> None:
    app = LoopApp([], interval=1.0)
    async with app.run_test() as pilot:
        app.loop.start()
        await wait_for(pilot, lambda: app.calls == 1 and not app.loop.busy)
        app.loop.set_paused(True)
        await pilot.pause(1.5)
        assert app.calls == 1 and app.loop.state().paused
        app.loop.set_paused(False)
        await wait_for(pilot, lambda: app.calls == 2)


async def test_a_suspended_loop_makes_no_calls_and_catches_up_on_resume() -> None:
    app = LoopApp([], interval=1.0)
    async with app.run_test() as pilot:
        app.loop.start()
        await wait_for(pilot, lambda: app.calls == 1 and not app.loop.busy)
        app.loop.suspend()
        await pilot.pause(1.5)
        assert app.calls == 1
        app.loop.resume()
        await wait_for(pilot, lambda: app.calls == 2)


async def test_a_crashing_fetch_counts_as_a_failure_not_a_stuck_loop() -> None:
    app = LoopApp([])

    async def broken() -> Failure | None:
        raise RuntimeError("bug")

    async with app.run_test() as pilot:
        app.loop.fetch = broken
        app.loop.start()
        await wait_for(pilot, lambda: app.loop.policy.failures == 1 and not app.loop.busy)
        assert app.loop.state().backing_off


def test_intervals_are_finite_and_bounded() -> None:
    assert sane_interval(float("nan")) == 5.0
    assert sane_interval(float("inf")) == 5.0
    assert sane_interval(1e-9) == 1.0
    assert sane_interval(1e308) == 3600.0
    assert sane_interval(15) == 15
