from datetime import UTC, datetime

import pytest

from iotjobs_tui.aws.cron import (
    CronError,
    next_occurrences,
    parse_cron,
    window_state,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_weekly_sunday() -> None:
    # 2026-01-01 is a Thursday; Sundays follow on the 4th and 11th.
    got = next_occurrences("cron(0 2 ? * SUN *)", utc(2026, 1, 1), 2)
    assert got == [utc(2026, 1, 4, 2), utc(2026, 1, 11, 2)]


def test_numeric_day_of_week_is_aws_numbering() -> None:
    assert next_occurrences("cron(30 1 ? * 1 *)", utc(2026, 1, 1), 1) == [utc(2026, 1, 4, 1, 30)]


def test_every_15_minutes_strictly_after() -> None:
    got = next_occurrences("cron(0/15 * * * ? *)", utc(2026, 1, 1, 0, 0), 3)
    assert got == [utc(2026, 1, 1, 0, 15), utc(2026, 1, 1, 0, 30), utc(2026, 1, 1, 0, 45)]


def test_last_day_and_nth_weekday_and_weekday_near() -> None:
    assert next_occurrences("cron(0 0 L * ? *)", utc(2026, 2, 1), 1) == [utc(2026, 2, 28)]
    # First Monday of February 2026 is the 2nd.
    assert next_occurrences("cron(0 0 ? * 2#1 *)", utc(2026, 1, 31), 1) == [utc(2026, 2, 2)]
    # The 1st of Feb 2026 is a Sunday; 1W is Monday the 2nd.
    assert next_occurrences("cron(0 0 1W * ? *)", utc(2026, 1, 31), 1) == [utc(2026, 2, 2)]
    # Last Friday of January 2026 is the 30th.
    assert next_occurrences("cron(0 0 ? * 6L *)", utc(2026, 1, 1), 1) == [utc(2026, 1, 30)]


def test_ranges_lists_names_and_years() -> None:
    got = next_occurrences("cron(0 9 ? JAN,MAR MON-FRI 2027)", utc(2026, 1, 1), 1)
    assert got == [utc(2027, 1, 1, 9)]  # 2027-01-01 is a Friday
    assert next_occurrences("cron(0 0 1 1 ? 2020)", utc(2026, 1, 1), 1) == []


@pytest.mark.parametrize(
    "expr", ["", "cron(0 0 * *)", "cron(61 0 * * ? *)", "cron(x 0 * * ? *)", "rate(5 minutes)"]
)
def test_bad_expressions(expr: str) -> None:
    with pytest.raises(CronError):
        parse_cron(expr)


def test_window_open_and_closed() -> None:
    windows = [("cron(0 2 ? * SUN *)", 90)]
    inside = window_state(windows, utc(2026, 1, 4, 3, 0))
    assert inside is not None and inside.open_now and inside.closes_at == utc(2026, 1, 4, 3, 30)
    before = window_state(windows, utc(2026, 1, 4, 1, 59))
    assert before is not None and not before.open_now and before.opens_at == utc(2026, 1, 4, 2)
    after = window_state(windows, utc(2026, 1, 4, 3, 30))
    assert after is not None and not after.open_now and after.opens_at == utc(2026, 1, 11, 2)


def test_window_state_unparseable() -> None:
    assert window_state([("nonsense", 10)], utc(2026, 1, 1)) is None
