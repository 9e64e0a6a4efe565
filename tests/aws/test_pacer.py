"""The one limiter (`aws/pacer.py`): charged calls go at once and background work pays for
them before its next call, so the calls a second, all together, do not grow."""

from __future__ import annotations

from iotjobs_tui.aws import pacer
from iotjobs_tui.aws.pacer import Pacer


async def test_charged_calls_go_at_once_and_background_work_pays_for_them() -> None:
    limiter = Pacer(rate=1000, background_rate=1000, background_total=10)
    with pacer.charged():
        for _ in range(20):
            await limiter.acquire("DescribeJob")
    assert (limiter.charged_calls, limiter.background_calls) == (20, 0)
    charged_wait = limiter.waited  # (the first call imports aiolimiter)
    assert charged_wait < 0.5
    with pacer.background():
        await limiter.acquire("DescribeJobExecution")
    # 20 tokens owed to a total of 10 a second (a burst of 10): the next background call
    # waits about a second for the other 10, then takes its own.
    assert limiter.background_calls == 1
    assert limiter.waited - charged_wait >= 0.8


async def test_without_charged_calls_background_work_takes_its_burst() -> None:
    limiter = Pacer(rate=1000, background_rate=1000, background_total=10)
    with pacer.background():
        for _ in range(5):
            await limiter.acquire("DescribeJobExecution")
    assert limiter.waited < 0.5
