"""The abort radar's arithmetic: share, arming, fewest failures and the projection."""

from __future__ import annotations

from typing import Any

import pytest

from iotjobs_tui.aws.abort_radar import (
    BASE_TERMINAL,
    DUE,
    MEASURING,
    NEVER,
    REACHED,
    Rates,
    assess,
)
from iotjobs_tui.aws.models import Job, parse_describe_job


def job(
    counters: dict[str, int],
    *criteria: tuple[str, float, int],
    status: str = "IN_PROGRESS",
) -> Job:
    body: dict[str, Any] = {
        "jobId": "j",
        "status": status,
        "jobProcessDetails": {f"numberOf{name}Things": value for name, value in counters.items()},
    }
    if criteria:
        body["abortConfig"] = {
            "criteriaList": [
                {
                    "failureType": kind,
                    "action": "CANCEL",
                    "thresholdPercentage": threshold,
                    "minNumberOfExecutedThings": minimum,
                }
                for kind, threshold, minimum in criteria
            ]
        }
    return parse_describe_job({"job": body})


def test_no_abort_config_is_unprotected_while_active() -> None:
    radar = assess(job({"Queued": 5}), None)
    assert radar.no_config and radar.unprotected
    finished = assess(job({"Succeeded": 5}, status="COMPLETED"), None)
    assert finished.no_config and not finished.unprotected  # nothing left to protect


def test_under_the_minimum_is_unprotected_with_the_executions_needed() -> None:
    radar = assess(job({"Queued": 60, "Succeeded": 18, "Failed": 2}, ("ALL", 10, 200)), None)
    reading = radar.readings[0]
    assert radar.unprotected and not reading.armed
    assert reading.to_arm == 120  # notified executions still needed
    assert reading.base == 80 and reading.failures == 2 and reading.share == pytest.approx(2.5)
    assert reading.needed is None  # no abort can happen before it arms
    assert reading.projection.outcome == MEASURING


def test_share_counts_every_notified_execution_and_all_failure_kinds() -> None:
    counters = {"Queued": 40, "InProgress": 20, "Succeeded": 70, "Failed": 6, "Rejected": 3}
    counters |= {"TimedOut": 1, "Removed": 3}
    radar = assess(job(counters, ("ALL", 15, 100), ("FAILED", 5, 50)), None)
    every, failed = radar.readings
    assert (every.failures, every.base) == (10, 143)
    assert every.armed and not radar.unprotected
    assert every.share == pytest.approx(100 * 10 / 143)
    assert failed.failures == 6
    # The fewest more FAILED executions that reach 5 % of 143: 7.15 → 8, so 2 more.
    assert failed.needed == 2


def test_projection_in_executions_and_minutes() -> None:
    # 10 notified, 1 FAILED; at 1 FAILED a minute, 30 % of 10 is reached 2 failures later.
    rates = Rates(created=0.0, finished=2.0, by_counter={"failed": 1.0, "succeeded": 1.0})
    reading = assess(job({"Queued": 5, "Succeeded": 4, "Failed": 1}, ("FAILED", 30, 5)), rates)
    projection = reading.readings[0].projection
    assert projection.outcome == REACHED
    assert projection.failures == 2
    assert projection.minutes == pytest.approx(2.0)


def test_projection_with_the_rollout_still_notifying() -> None:
    # 20 FAILED of 100 notified (20 %), 100 more notified a minute with 30 failing: the share
    # climbs toward 30 %; 25 % is reached when (20 + 30t) / (100 + 100t) = 0.25, t = 1 min.
    rates = Rates(created=100.0, finished=50.0, by_counter={"failed": 30.0})
    reading = assess(job({"Queued": 80, "Failed": 20}, ("FAILED", 25, 10)), rates).readings[0]
    assert reading.projection.outcome == REACHED
    assert reading.projection.minutes == pytest.approx(1.0)
    assert reading.projection.failures == 30


def test_not_at_this_rate() -> None:
    # 2 FAILED a minute against 100 notified a minute can never reach 10 %.
    rates = Rates(created=100.0, finished=50.0, by_counter={"failed": 2.0})
    reading = assess(job({"Queued": 95, "Failed": 5}, ("FAILED", 10, 10)), rates).readings[0]
    assert reading.projection.outcome == NEVER
    assert reading.needed == 5  # still: 5 more FAILED among these 100 would reach it
    idle = Rates(created=0.0, finished=0.0, by_counter={})
    # Never arms: 3 notified, nothing more coming, 10 needed.
    never_arms = assess(job({"Queued": 3}, ("FAILED", 10, 10)), idle).readings[0]
    assert never_arms.projection.outcome == NEVER and never_arms.to_arm == 7


def test_over_the_threshold_before_arming_is_reached_when_it_arms() -> None:
    rates = Rates(created=20.0, finished=5.0, by_counter={"failed": 4.0})
    reading = assess(job({"Queued": 60, "Failed": 20}, ("FAILED", 10, 200)), rates).readings[0]
    assert reading.over and not reading.armed
    projection = reading.projection
    assert projection.outcome == REACHED and projection.arms_first
    assert projection.minutes == pytest.approx(6.0)  # 120 more notified at 20 a minute


def test_armed_and_over_is_due() -> None:
    rates = Rates(created=0.0, finished=1.0, by_counter={"failed": 1.0})
    reading = assess(job({"Queued": 6, "Failed": 4}, ("FAILED", 30, 5)), rates).readings[0]
    assert reading.met and reading.projection.outcome == DUE


def test_canceled_with_a_criterion_met_is_an_abort() -> None:
    counters = {"Canceled": 5, "Failed": 3, "Succeeded": 2}
    aborted = assess(job(counters, ("FAILED", 30, 5), status="CANCELED"), None)
    assert aborted.aborted_by is aborted.readings[0]
    assert not aborted.active and not aborted.unprotected
    hand = job({"Canceled": 8, "Failed": 1, "Succeeded": 1}, ("FAILED", 30, 5), status="CANCELED")
    assert assess(hand, None).aborted_by is None  # canceled by hand, below the threshold


def test_the_finished_base_reading() -> None:
    # 4 FAILED of 34 finished (of 94 notified): the other reading of AWS's undocumented base.
    counters = {"Queued": 60, "Succeeded": 30, "Failed": 4}
    reading = assess(job(counters, ("FAILED", 10, 50)), None, BASE_TERMINAL).readings[0]
    assert (reading.failures, reading.base, reading.notified) == (4, 34, 94)
    assert reading.met  # armed by notified executions (94 >= 50), as the emulator does
    counters = {"Queued": 60, "Succeeded": 40, "Failed": 4}
    below = assess(job(counters, ("FAILED", 10, 50)), None, BASE_TERMINAL).readings[0]
    # (4 + k) / (44 + k) >= 0.1 → k >= 0.44: one more failure.
    assert below.needed == 1


def test_over_the_threshold_and_armed_is_due_before_any_rate() -> None:
    reading = assess(job({"Queued": 6, "Failed": 4}, ("FAILED", 30, 5)), None).readings[0]
    assert reading.projection.outcome == DUE and reading.needed == 0
