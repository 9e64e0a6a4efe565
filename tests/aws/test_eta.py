"""The whole-rollout ETA: notify the untouched targets, then let the devices finish."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iotjobs_tui.aws import eta
from iotjobs_tui.aws.models import (
    ExponentialRate,
    MaintenanceWindow,
    RolloutConfig,
    SchedulingConfig,
)

NOW = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def run(**overrides: Any) -> eta.Estimate:
    params: dict[str, Any] = {
        "targets": 100_000,
        "created": 1_250,
        "unfinished": 257,
        "rollout": RolloutConfig(maximum_per_minute=1000),
        "scheduling": None,
        "finish_rate": 1_200.0,
        "now": NOW,
    }
    params.update(overrides)
    return eta.estimate(**params)


def minutes(estimate: eta.Estimate) -> float:
    assert estimate.seconds is not None
    return estimate.seconds / 60


def test_constant_rate_notifies_the_untouched_targets_first() -> None:
    """The demo's meter rollout: 1,250 of 100,000 created after 80 s is ~99 min, not 15 s."""
    result = run()
    # 98,750 untouched at 1,000/min, then the last ones take 257 / 1,200 min to finish.
    assert minutes(result) == pytest.approx(98.75 + 257 / 1200)
    assert result.finish_at == NOW + timedelta(minutes=98.75 + 257 / 1200)
    assert result.limited_by == eta.LIMIT_ROLLOUT
    assert "notifies at the configured 1,000/min" in result.assumptions
    assert "devices finish at the measured 1,200/min" in result.assumptions
    assert result.window_pauses == 0 and result.stops_at_end is None


def test_a_lagging_finish_rate_only_adds_the_devices_latency() -> None:
    """Measured during ramp-up the finish rate lags the rollout rate; devices work in
    parallel, so it adds their latency after the last notification, not a slower pace."""
    result = run(finish_rate=812.0)
    assert minutes(result) == pytest.approx(98.75 + 257 / 812)
    assert result.limited_by == eta.LIMIT_ROLLOUT
    assert "devices finish at the measured 812/min" in result.assumptions


def test_no_rate_set_uses_aws_rate_and_says_so() -> None:
    result = run(rollout=None, targets=2_000, created=0, unfinished=0, finish_rate=5_000.0)
    assert minutes(result) == pytest.approx(2.0)
    assert any("no rollout rate is set" in words for words in result.assumptions)


def test_exponential_rate_grows_to_the_cap() -> None:
    rollout = RolloutConfig(
        maximum_per_minute=50,
        exponential=ExponentialRate(
            base_rate_per_minute=10,
            increment_factor=2.0,
            notified_threshold=100,
            succeeded_threshold=None,
        ),
    )
    result = run(rollout=rollout, targets=1_000, created=0, unfinished=0, finish_rate=1e6)
    # 100 at 10/min, 100 at 20/min, 100 at 40/min, then 700 at the 50/min cap.
    assert minutes(result) == pytest.approx(10 + 5 + 2.5 + 14)
    assert "notifies at 10/min now, x2 every 100 notified, up to 50/min" in result.assumptions
    # Half-way through the second step (150 notified): 50 at 20/min, 100 at 40, 700 at 50.
    later = run(rollout=rollout, targets=1_000, created=150, unfinished=0, finish_rate=1e6)
    assert minutes(later) == pytest.approx(2.5 + 2.5 + 14)


def test_exponential_on_succeeded_things_says_what_it_assumes() -> None:
    rollout = RolloutConfig(
        exponential=ExponentialRate(
            base_rate_per_minute=5,
            increment_factor=1.5,
            notified_threshold=None,
            succeeded_threshold=20,
        ),
    )
    result = run(rollout=rollout, targets=100, created=10, unfinished=10, succeeded=0)
    assert any("every 20 succeeded" in words for words in result.assumptions)
    assert any("assumes every device notified succeeds" in w for w in result.assumptions)


def test_maintenance_windows_pause_it() -> None:
    # A daily 60-minute window at 02:00; at 50/min, 10,000 targets need 200 minutes of windows.
    scheduling = SchedulingConfig(
        maintenance_windows=(MaintenanceWindow("cron(0 2 * * ? *)", 60),),
    )
    result = run(
        rollout=RolloutConfig(maximum_per_minute=50),
        scheduling=scheduling,
        targets=10_000,
        created=0,
        unfinished=0,
        finish_rate=1e6,
        now=utc(2026, 1, 1, 0, 30),
    )
    assert result.finish_at == utc(2026, 1, 4, 2, 20)
    assert result.window_pauses == 4  # until the first opening, then three nights
    assert result.limited_by == eta.LIMIT_WINDOWS
    assert "maintenance windows pause it 4 times" in result.assumptions


def test_open_window_then_one_pause() -> None:
    scheduling = SchedulingConfig(
        maintenance_windows=(MaintenanceWindow("cron(0 2 * * ? *)", 60),),
    )
    result = run(
        rollout=RolloutConfig(maximum_per_minute=50),
        scheduling=scheduling,
        targets=3_000,
        created=0,
        unfinished=0,
        finish_rate=1e6,
        now=utc(2026, 1, 1, 2, 30),
    )
    # 1,500 before 03:00, the other 1,500 from 02:00 the next day.
    assert result.finish_at == utc(2026, 1, 2, 2, 30)
    assert result.window_pauses == 1
    assert "maintenance windows pause it once" in result.assumptions


def test_waiting_for_the_first_window_is_said_with_its_time() -> None:
    scheduling = SchedulingConfig(
        maintenance_windows=(MaintenanceWindow("cron(0 2 * * ? *)", 60),),
    )
    result = run(
        rollout=RolloutConfig(maximum_per_minute=50),
        scheduling=scheduling,
        targets=100,
        created=0,
        unfinished=0,
        finish_rate=1e6,
    )
    assert result.finish_at == utc(2026, 1, 1, 2, 2)
    assert "waits for the maintenance window opening 02:00 UTC" in result.assumptions


def test_end_time_cuts_it_short() -> None:
    scheduling = SchedulingConfig(end_time="2026-01-01T01:00")
    result = run(
        rollout=RolloutConfig(maximum_per_minute=100),
        scheduling=scheduling,
        targets=10_000,
        created=0,
        unfinished=0,
    )
    assert result.stops_at_end == utc(2026, 1, 1, 1, 0)
    assert result.finish_at == utc(2026, 1, 1, 1, 0)
    assert result.limited_by == eta.LIMIT_END
    words = result.assumptions[-1]
    assert "the schedule ends at 01:00 UTC (STOP_ROLLOUT)" in words
    assert "not all targets will be notified (about 4,000 left)" in words


def test_end_time_with_cancel_cuts_the_finishing() -> None:
    scheduling = SchedulingConfig(end_time="2026-01-01T01:00", end_behavior="CANCEL")
    # Everything is notified at once, but devices need 2 h to finish.
    result = run(
        targets=100, created=100, unfinished=100, finish_rate=100 / 120, scheduling=scheduling
    )
    assert result.finish_at == utc(2026, 1, 1, 1, 0)
    assert result.stops_at_end == utc(2026, 1, 1, 1, 0)
    assert any("still queued then are canceled" in w for w in result.assumptions)


def test_end_time_already_passed() -> None:
    scheduling = SchedulingConfig(end_time="2025-12-31T23:00")
    result = run(targets=1_000, created=600, unfinished=60, finish_rate=60.0, scheduling=scheduling)
    assert minutes(result) == pytest.approx(1.0)
    assert any("400 targets will not be notified" in w for w in result.assumptions)


def test_scheduled_start_in_the_future() -> None:
    scheduling = SchedulingConfig(start_time="2026-01-01T06:00")
    result = run(targets=1_000, created=0, unfinished=0, scheduling=scheduling, finish_rate=1e6)
    assert result.finish_at == utc(2026, 1, 1, 6, 1)
    assert "starts at 06:00 UTC" in result.assumptions


def test_unknown_size_gives_no_eta() -> None:
    result = run(targets=None)
    assert result.finish_at is None and result.seconds is None
    assert result.limited_by == eta.LIMIT_TARGETS
    assert not result.known


def test_finished_rollout() -> None:
    done = utc(2025, 12, 31, 23, 0)
    result = run(targets=None, status="COMPLETED", completed_at=done)
    assert (result.finish_at, result.seconds, result.limited_by) == (done, 0.0, eta.LIMIT_DONE)
    everything = run(targets=1_250, created=1_250, unfinished=0)
    assert everything.seconds == 0.0 and everything.limited_by == eta.LIMIT_DONE


def test_only_unfinished_left() -> None:
    result = run(targets=1_250, created=1_250, unfinished=300, finish_rate=100.0)
    assert minutes(result) == pytest.approx(3.0)
    assert result.limited_by == eta.LIMIT_FINISH


def test_finish_rate_not_measured_yet_or_nothing_finishing() -> None:
    measuring = run(finish_rate=None)
    assert measuring.finish_at is None and measuring.limited_by == eta.LIMIT_MEASURING
    assert any("the last target is notified ≈ 01:38 UTC" in w for w in measuring.assumptions)
    stalled = run(finish_rate=0.0)
    assert stalled.finish_at is None and stalled.limited_by == eta.LIMIT_STALLED


def test_members_now_and_retries_are_said() -> None:
    result = run(members_now=True)
    assert any("members now" in words for words in result.assumptions)
    retried = run(targets=1_000, created=1_100, unfinished=50, finish_rate=50.0)
    assert any("retries or membership changes" in w for w in retried.assumptions)


def test_windows_too_far_or_never_again_give_no_eta() -> None:
    def windows(cron: str) -> eta.Estimate:
        scheduling = SchedulingConfig(maintenance_windows=(MaintenanceWindow(cron, 60),))
        return run(
            rollout=RolloutConfig(maximum_per_minute=1),
            scheduling=scheduling,
            targets=100_000,
            created=0,
            unfinished=0,
        )

    hourly = windows("cron(0 * * * ? *)")  # 100,000 min of windows: the walk stops early
    assert hourly.finish_at is None and hourly.limited_by == eta.LIMIT_WINDOWS
    assert "too many maintenance windows away" in hourly.assumptions[-1]
    once = windows("cron(0 2 1 1 ? 2026)")  # one window, then never again
    assert once.finish_at is None
    assert "no maintenance window opens in time to notify the last 99,940" in once.assumptions[-1]


def test_clock_times_follow_the_display_zone(monkeypatch: Any) -> None:
    """--local-time moves the ETA's clock times with everything else (was always UTC)."""
    import os
    import time

    from iotjobs_tui.common import display_zone

    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+05:30, no daylight saving
    time.tzset()
    try:
        display_zone.set_local_time(True)
        assert display_zone.clock(utc(2026, 1, 1, 0, 30), NOW) == "06:00 IST"
        display_zone.set_local_time(False)
        assert display_zone.clock(utc(2026, 1, 1, 0, 30), NOW) == "00:30 UTC"
        assert display_zone.clock(utc(2026, 1, 2, 0, 30), NOW) == "Jan 02 00:30 UTC"
    finally:
        display_zone.set_local_time(False)
        monkeypatch.delenv("TZ")
        time.tzset()
        assert os.environ.get("TZ") is None
