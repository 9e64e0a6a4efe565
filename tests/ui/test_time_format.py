"""One time format family (`ui.format`): UTC by default and labelled, local with --local-time.

Local zones are POSIX TZ strings, so the tests need no zoneinfo files on the machine.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from iotjobs_tui.ui.format import set_local_time, when, when_seconds, zone_label

BERLIN = "CET-1CEST,M3.5.0,M10.5.0/3"
NEW_YORK = "EST5EDT,M3.2.0,M11.1.0"
WINTER = datetime(2026, 12, 1, 15, 7, 33, tzinfo=UTC)
SUMMER = datetime(2026, 7, 1, 15, 7, 33, tzinfo=UTC)
NOW = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc_afterwards() -> Iterator[None]:
    yield
    set_local_time(False)


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Switch to local time in the zone the test names (TZ); the machine's zone afterwards."""

    def use(tz: str) -> None:
        monkeypatch.setenv("TZ", tz)
        time.tzset()
        set_local_time(True)

    yield use
    monkeypatch.undo()
    time.tzset()


def test_utc_is_the_default_and_labelled() -> None:
    assert zone_label() == "UTC"
    assert when_seconds(WINTER) == "2026-12-01 15:07:33 UTC"
    assert when_seconds(SUMMER) == "2026-07-01 15:07:33 UTC"
    assert when_seconds(None) == "—"


def test_utc_ignores_the_machine_zone(local_zone: Any) -> None:
    local_zone(NEW_YORK)
    set_local_time(False)
    assert when_seconds(WINTER) == "2026-12-01 15:07:33 UTC"
    assert when(WINTER, NOW) == "12-01 15:07"
    assert zone_label() == "UTC"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (WINTER, "12-01 15:07"),
        (NOW - timedelta(days=182), "06-02 16:00"),  # within six months: month, day and time
        (NOW + timedelta(days=30), "12-31 16:00"),  # a scheduled time ahead
        (NOW - timedelta(days=184), "2026-05-31"),  # older: the date with its year
        (NOW + timedelta(days=200), "2027-06-19"),
        (datetime(2024, 12, 28, 9, 0, tzinfo=UTC), "2024-12-28"),
        (None, "—"),
    ],
)
def test_list_column_format(value: datetime | None, shown: str) -> None:
    assert when(value, NOW) == shown
    assert len(when(value, NOW)) <= 12  # the lists' time columns are 12 cells


def test_any_input_zone_is_shown_in_the_display_zone() -> None:
    plus9 = WINTER.astimezone(timezone(timedelta(hours=9)))
    assert when_seconds(plus9) == "2026-12-01 15:07:33 UTC"
    assert when(plus9, NOW) == "12-01 15:07"
    naive = WINTER.replace(tzinfo=None)  # taken as UTC, as AWS sends times
    assert when_seconds(naive) == "2026-12-01 15:07:33 UTC"
    assert when(naive, NOW) == "12-01 15:07"


def test_local_time_names_its_zone(local_zone: Any) -> None:
    local_zone(BERLIN)
    assert when_seconds(WINTER) == "2026-12-01 16:07:33 CET"
    assert when_seconds(SUMMER) == "2026-07-01 17:07:33 CEST"  # each time its own offset
    assert zone_label(WINTER) == "CET" and zone_label(SUMMER) == "CEST"
    assert zone_label() in ("CET", "CEST")  # now's
    assert when(WINTER, NOW) == "12-01 16:07"
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    assert when(late, NOW) == "12-02 00:30"  # the local date, not UTC's


def test_local_time_west_of_utc(local_zone: Any) -> None:
    local_zone(NEW_YORK)
    assert when_seconds(WINTER) == "2026-12-01 10:07:33 EST"
    assert when(datetime(2027, 1, 1, 2, 0, tzinfo=UTC), NOW) == "12-31 21:00"
    set_local_time(False)
    assert when_seconds(WINTER).endswith(" UTC")


def test_local_time_flag_reaches_the_formatter(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--local-time` on the command line → `set_local_time(True)` before the app runs."""
    from iotjobs_tui import cli, launch

    shown: list[str] = []

    class Stub:
        available_themes: dict[str, Any] = {}
        setup_error = None

        def run(self) -> None:
            shown.append(when_seconds(WINTER))

    monkeypatch.setattr(launch, "build_app", lambda settings, **view: Stub())
    monkeypatch.setenv("TZ", NEW_YORK)
    time.tzset()
    try:
        base = ["--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1"]
        base += ["--no-prefetch", "--no-cache"]
        parser = cli.build_parser()
        assert launch.launch(parser.parse_args([*base, "--local-time"])) == 0
        assert launch.launch(parser.parse_args(base)) == 0
    finally:
        monkeypatch.undo()
        time.tzset()
    assert shown == ["2026-12-01 10:07:33 EST", "2026-12-01 15:07:33 UTC"]
