from datetime import UTC, datetime

import pytest

from iotjobs_tui.common.cron import CronError, next_occurrences, parse

T0 = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)  # a Thursday


def test_daily_at_fixed_time() -> None:
    got = next_occurrences("cron(30 2 * * ? *)", T0, 3)
    assert got == [datetime(2026, 1, d, 2, 30, tzinfo=UTC) for d in (1, 2, 3)]


def test_strictly_after_and_inclusive() -> None:
    expr = parse("cron(0 0 * * ? *)")
    assert expr.next_after(T0) == datetime(2026, 1, 2, tzinfo=UTC)
    assert expr.next_after(T0, inclusive=True) == T0


def test_weekdays_by_name_and_number_agree() -> None:
    by_name = next_occurrences("cron(0 22 ? * MON-FRI *)", T0, 5)
    by_number = next_occurrences("cron(0 22 ? * 2-6 *)", T0, 5)
    assert by_name == by_number
    assert [d.strftime("%a") for d in by_name] == ["Thu", "Fri", "Mon", "Tue", "Wed"]


def test_sunday_is_one() -> None:
    (first,) = next_occurrences("cron(0 3 ? * 1 *)", T0, 1)
    assert first == datetime(2026, 1, 4, 3, 0, tzinfo=UTC)
    assert first.strftime("%a") == "Sun"


def test_steps_lists_and_wrapper_optional() -> None:
    got = next_occurrences("0/15 8,20 * * ? 2026", T0, 5)
    assert [(d.hour, d.minute) for d in got] == [(8, 0), (8, 15), (8, 30), (8, 45), (20, 0)]


def test_last_day_nth_weekday_and_nearest_weekday() -> None:
    assert next_occurrences("cron(0 0 L * ? *)", T0, 2) == [
        datetime(2026, 1, 31, tzinfo=UTC),
        datetime(2026, 2, 28, tzinfo=UTC),
    ]
    # First Monday of each month.
    assert next_occurrences("cron(0 0 ? * 2#1 *)", T0, 2) == [
        datetime(2026, 1, 5, tzinfo=UTC),
        datetime(2026, 2, 2, tzinfo=UTC),
    ]
    # Last Friday of January 2026 is the 30th.
    assert next_occurrences("cron(0 0 ? 1 6L 2026)", T0, 1) == [datetime(2026, 1, 30, tzinfo=UTC)]
    # 2026-02-01 is a Sunday: nearest weekday is Monday the 2nd.
    assert next_occurrences("cron(0 0 1W 2 ? 2026)", T0, 1) == [datetime(2026, 2, 2, tzinfo=UTC)]


def test_year_limits_end_the_series() -> None:
    assert next_occurrences("cron(0 0 1 1 ? 2026)", T0, 3) == []
    assert next_occurrences("cron(0 0 1 1 ? 2026-2028)", T0, 5) == [
        datetime(2027, 1, 1, tzinfo=UTC),
        datetime(2028, 1, 1, tzinfo=UTC),
    ]


def test_previous_before() -> None:
    expr = parse("cron(0 22 * * ? *)")
    assert expr.previous_before(T0) == datetime(2025, 12, 31, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "cron(0 0 * * * *)",  # both day fields set
        "cron(0 0 ? * ? *)",  # neither
        "cron(60 0 * * ? *)",
        "cron(0 24 * * ? *)",
        "cron(0 0 * 13 ? *)",
        "cron(0 0 ? * FOO *)",
        "cron(0 0 * *)",
        "cron(0/0 0 * * ? *)",
    ],
)
def test_invalid_expressions(text: str) -> None:
    with pytest.raises(CronError):
        parse(text)
