"""Pure UI helpers: refresh policy, safe text, formatting and detail sections."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rich.text import Text

from iotjobs_tui.aws.models import JobProcessDetails, parse_describe_job
from iotjobs_tui.ui.format import (
    format_age,
    minutes_in_words,
    span_in_words,
    stacked_bar,
    status_text,
)
from iotjobs_tui.ui.refresh import RefreshPolicy
from iotjobs_tui.ui.text import clean, safe
from iotjobs_tui.ui.widgets.sections import RateTracker, rate_text, rollout_text, schedule_text


def test_policy_backoff_and_recovery() -> None:
    policy = RefreshPolicy(interval=5)
    assert policy.next_delay() == 5
    policy.failed(10)
    assert policy.next_delay() == 10 and policy.is_stale(10) and policy.backing_off
    policy.failed(20)
    assert policy.next_delay() == 20
    for _ in range(10):
        policy.failed(30)
    assert policy.next_delay() == 300  # capped
    policy.succeeded(40)
    assert policy.next_delay() == 5 and not policy.is_stale(40) and policy.age(43) == 3


def test_policy_staleness_by_age_but_not_when_paused() -> None:
    policy = RefreshPolicy(interval=5)
    policy.succeeded(0)
    assert not policy.is_stale(14)
    assert policy.is_stale(16)
    policy.paused = True
    assert not policy.is_stale(100)


def test_interval_steps() -> None:
    policy = RefreshPolicy(interval=5)
    assert policy.slower() == 10 and policy.faster() == 5 and policy.faster() == 3
    policy.interval = 1
    assert policy.faster() == 1


@pytest.mark.parametrize(("age", "text"), [(None, "never"), (3.7, "3 s ago"), (125, "2 min ago")])
def test_format_age(age: float | None, text: str) -> None:
    assert format_age(age) == text


def test_safe_text_escapes_controls_and_keeps_markup_literal() -> None:
    hostile = "[red]x[/red]\x1b[31m\x07\x9b\u202e\u200bend\n"
    text = safe(hostile)
    assert text.plain == "[red]x[/red]\\x1b[31m\\x07\\x9b\\u202e\\u200bend\\x0a"
    assert isinstance(text, Text)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text.plain)
    assert safe("a\nb", keep_newlines=True).plain == "a\nb"
    assert clean("\x00") == "\\x00"


def test_unknown_status_shown_as_is() -> None:
    assert status_text("PAUSED_BY_AI").plain == "PAUSED_BY_AI"
    assert status_text("IN_PROGRESS").style == "bold cyan"
    assert status_text(None).plain == "—"


def test_stacked_bar_fills_width_in_proportion() -> None:
    bar = stacked_bar({"succeeded": 50, "failed": 25, "queued": 25}, 20)
    assert bar.plain == "█" * 10 + "▒" * 5 + "░" * 5
    assert stacked_bar({"succeeded": 1, "queued": 999}, 10).plain.count("█") == 1
    assert stacked_bar({}, 4).plain == "░░░░"


def test_span_in_words() -> None:
    assert span_in_words(42) == "42 s"
    assert span_in_words(3 * 3600 + 60) == "3 h 1 min"
    assert span_in_words(3 * 86400 + 7200) == "3 d 2 h"
    assert span_in_words(float("nan")) == "0 s"


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(1, "1 min"), (45, "45 min"), (60, "1 h"), (90, "1 h 30 min"), (1430, "23 h 50 min")],
)
def test_minutes_in_words(minutes: int, words: str) -> None:
    assert minutes_in_words(minutes) == words


def test_rate_and_eta_from_measured_deltas() -> None:
    tracker = RateTracker()
    tracker.add(0, JobProcessDetails(queued=100, succeeded=0))
    assert "measuring" in rate_text(tracker, JobProcessDetails(queued=100)).plain
    process = JobProcessDetails(queued=60, in_progress=20, succeeded=20, failed=0)
    tracker.add(120, process)
    text = rate_text(tracker, process).plain
    assert "finished 10.0/min" in text
    # No ETA from executions alone: the rollout's size must be counted first.
    assert "ETA      unknown until the targets are counted" in text


def test_abort_share_against_threshold() -> None:
    job = parse_describe_job(
        {
            "job": {
                "jobId": "j",
                "abortConfig": {
                    "criteriaList": [
                        {
                            "failureType": "ALL",
                            "action": "CANCEL",
                            "thresholdPercentage": 10,
                            "minNumberOfExecutedThings": 50,
                        }
                    ]
                },
                "jobProcessDetails": {
                    "numberOfSucceededThings": 30,
                    "numberOfFailedThings": 3,
                    "numberOfTimedOutThings": 1,
                },
            }
        }
    )
    lines = rollout_text(job)
    assert lines is not None
    # The configuration says what arms it; the live share is the abort radar's.
    expected = "FAILED+REJECTED+TIMED_OUT ≥ 10 % → CANCEL · armed at 50 notified"
    assert expected in lines.plain
    assert "of 34" not in lines.plain


def test_schedule_window_and_next_rollouts() -> None:
    job = parse_describe_job(
        {
            "job": {
                "jobId": "j",
                "schedulingConfig": {
                    "startTime": "2026-01-02T00:00",
                    "endBehavior": "CANCEL",
                    "maintenanceWindows": [
                        {"startTime": "cron(0 2 ? * SUN *)", "durationInMinutes": 90},
                        {"startTime": "cron(bogus)", "durationInMinutes": 5},
                    ],
                },
                "scheduledJobRollouts": [{"startTime": "2026-01-04T02:00"}],
            }
        }
    )
    lines = schedule_text(job, datetime(2026, 1, 4, 3, 0, tzinfo=UTC))
    assert lines is not None
    text = lines.plain
    assert "cron(0 2 ? * SUN *) for 1 h 30 min" in text
    assert "not understood" in text
    assert "open now, closes 2026-01-04 03:30 UTC (in 30 min)" in text
    assert "2026-01-04 02:00 UTC  (1 h ago)" in text
    closed = schedule_text(job, datetime(2026, 1, 1, tzinfo=UTC))
    assert closed is not None
    assert "closed, next opens 2026-01-04 02:00 UTC (in 3 d 2 h)" in closed.plain


def test_list_dates_and_compact_counts() -> None:
    from iotjobs_tui.ui.format import compact, when

    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert when(datetime(2026, 5, 31, 23, 59, tzinfo=UTC), now) == "05-31 23:59"
    assert when(datetime(2025, 1, 2, tzinfo=UTC), now) == "2025-01-02"
    assert when(None, now) == "—"
    assert [compact(n) for n in (0, 9999, 12_345, 123_456, 1_234_567)] == [
        "0",
        "9999",
        "12.3k",
        "123k",
        "1.2M",
    ]


def test_status_parts_show_state() -> None:
    from iotjobs_tui.ui.connection import ConnectionState
    from iotjobs_tui.ui.refresh import PaneState
    from iotjobs_tui.ui.widgets.status_bar import StatusInfo, status_parts

    fresh = PaneState("job", interval=5, age=3, stale=False, backing_off=False)
    failing = PaneState("list", interval=15, age=40, stale=True, backing_off=True, next_in=12)
    connected = ConnectionState(label="eu-west-1").connected(None, "eu-west-1", "123456789012")
    info = StatusInfo(connection=connected, demo=True, panes=[fresh, failing])
    plain = "".join(part.plain for part in status_parts(info, 7))
    # The connection comes first, so a narrow terminal keeps it.
    assert plain.startswith(" RO  DEMO  live eu-west-1 · account 123456789012")
    assert "job every 5s, updated    3 s ago" in plain
    assert "list every 15s, updated   40 s ago STALE, retry in 12s" in plain
    assert "throttled" not in plain
    paused = [PaneState("job", 5, 3, False, False, paused=True)]
    info = StatusInfo(connection=connected, demo=False, panes=paused, throttled=3)
    plain = "".join(part.plain for part in status_parts(info, 7))
    assert plain.startswith(" RO PAUSED") and "throttled 3" in plain
    assert "retry in" not in plain  # paused: no retry is coming


def test_the_badge_never_says_live_before_a_call_succeeded() -> None:
    from iotjobs_tui.ui.connection import ConnectionState, account_from_arn
    from iotjobs_tui.ui.widgets.status_bar import StatusInfo, status_parts

    def badge(state: ConnectionState) -> str:
        return status_parts(StatusInfo(connection=state, demo=False), 7)[0].plain.removeprefix(
            " RO "
        )

    state = ConnectionState(label="us-east-1")
    assert badge(state).startswith("connecting…")
    assert badge(state.failed("No AWS region.")).startswith("NOT CONNECTED")
    assert badge(state.connected(None, "us-east-1", None)).startswith("live us-east-1")
    assert account_from_arn("arn:aws:iot:us-east-1:123456789012:job/x") == "123456789012"
    assert account_from_arn("garbage") is None
