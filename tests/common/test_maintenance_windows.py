"""The one maintenance-window computation the emulator and the app share."""

from datetime import UTC, datetime, timedelta

from iotjobs_tui.common.job_configs import MaintenanceWindow
from iotjobs_tui.common.maintenance_windows import WindowState, parse_windows, window_state


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# 2026-01-04 is a Sunday.
SUNDAY_2AM_90MIN = MaintenanceWindow("cron(0 2 ? * SUN *)", 90)


def test_open_from_the_start_until_the_end_excluded() -> None:
    windows = parse_windows([SUNDAY_2AM_90MIN])
    before = window_state(windows, utc(2026, 1, 4, 1, 59))
    assert before == WindowState(open_now=False, opens_at=utc(2026, 1, 4, 2))
    at_start = window_state(windows, utc(2026, 1, 4, 2))
    assert at_start.open_now and at_start.closes_at == utc(2026, 1, 4, 3, 30)
    inside = window_state(windows, utc(2026, 1, 4, 3, 29, 59))
    assert inside.open_now and inside.next_change == utc(2026, 1, 4, 3, 30)
    at_end = window_state(windows, utc(2026, 1, 4, 3, 30))
    assert not at_end.open_now and at_end.opens_at == utc(2026, 1, 11, 2)
    assert at_end.next_change == utc(2026, 1, 11, 2)


def test_a_window_open_across_midnight() -> None:
    windows = parse_windows([MaintenanceWindow("cron(0 23 * * ? *)", 120)])
    state = window_state(windows, utc(2026, 1, 5, 0, 30))
    assert state.open_now and state.closes_at == utc(2026, 1, 5, 1)
    # While open, the next start is known too: the state may change there.
    assert state.opens_at == utc(2026, 1, 5, 23)


def test_overlapping_windows_close_at_the_latest_end() -> None:
    windows = parse_windows(
        [MaintenanceWindow("cron(0 2 * * ? *)", 60), MaintenanceWindow("cron(30 2 * * ? *)", 60)]
    )
    state = window_state(windows, utc(2026, 1, 1, 2, 45))
    assert state.open_now and state.closes_at == utc(2026, 1, 1, 3, 30)
    # An hourly window longer than its period: the latest start decides when it closes.
    hourly = parse_windows([MaintenanceWindow("cron(0 * * * ? *)", 90)])
    assert window_state(hourly, utc(2026, 1, 1, 5, 10)).closes_at == utc(2026, 1, 1, 6, 30)


def test_unusable_windows_are_left_out() -> None:
    windows = parse_windows(
        [
            MaintenanceWindow("nonsense", 60),
            MaintenanceWindow(None, 60),
            MaintenanceWindow("cron(0 2 * * ? *)", None),
            MaintenanceWindow("cron(0 2 * * ? *)", 0),
            MaintenanceWindow("cron(0 3 * * ? *)", 30),
        ]
    )
    assert len(windows) == 1 and windows[0].duration == timedelta(minutes=30)
    assert window_state((), utc(2026, 1, 1)) == WindowState(open_now=False)


def test_no_more_openings() -> None:
    windows = parse_windows([MaintenanceWindow("cron(0 2 1 1 ? 2020)", 60)])
    state = window_state(windows, utc(2026, 1, 1))
    assert state == WindowState(open_now=False) and state.next_change is None
