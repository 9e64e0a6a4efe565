"""The alert evaluator: which events fire, once each."""

from __future__ import annotations

from iotjobs_tui.aws.alerts import (
    ABORT_NEAR,
    ABORTED,
    COMPLETED,
    STALE,
    STUCK,
    AlertEvaluator,
    AlertSettings,
)

from .test_abort_radar import job

ON = AlertSettings(enabled=True, stuck_over=5, stale_minutes=2)
CRITERION = ("FAILED", 30.0, 5)


def events(alerts: list) -> list[str]:  # type: ignore[type-arg]
    return [alert.event for alert in alerts]


def test_abort_near_fires_once_at_the_fraction_of_the_threshold() -> None:
    evaluator = AlertEvaluator(ON)
    assert evaluator.job(job({"Queued": 8, "Failed": 2}, CRITERION)) == []  # 20 %: 0.67 of 30 %
    near = evaluator.job(job({"Queued": 7, "Failed": 3}, ("FAILED", 37.5, 5)))  # 0.8 of 37.5 %
    assert events(near) == [ABORT_NEAR]
    alert = near[0]
    assert alert.job_id == "j" and "30.0 % of 10 notified executions" in alert.message
    env = alert.environment()
    assert env["IOTJOBS_EVENT"] == "abort_near" and env["IOTJOBS_JOB_ID"] == "j"
    assert env["IOTJOBS_FAILED"] == "3" and env["IOTJOBS_QUEUED"] == "7"
    assert env["IOTJOBS_EXECUTIONS"] == "10" and env["IOTJOBS_FAILURE_TYPE"] == "FAILED"
    assert env["IOTJOBS_THRESHOLD"] == "37.5" and env["IOTJOBS_SHARE"] == "30.00"
    # Debounced: closer still, or the same again, never rings twice.
    assert evaluator.job(job({"Queued": 6, "Failed": 4}, ("FAILED", 37.5, 5))) == []
    assert evaluator.job(job({"Queued": 7, "Failed": 3}, ("FAILED", 37.5, 5))) == []


def test_abort_near_waits_for_the_criterion_to_arm() -> None:
    evaluator = AlertEvaluator(ON)
    assert evaluator.job(job({"Failed": 2, "Queued": 1}, ("FAILED", 30, 5))) == []  # 3 of 5
    assert events(evaluator.job(job({"Failed": 2, "Queued": 3}, ("FAILED", 30, 5)))) == [ABORT_NEAR]


def test_aborted_and_completed_fire_on_a_change_seen_while_watching() -> None:
    evaluator = AlertEvaluator(ON)
    evaluator.job(job({"Queued": 9, "Failed": 1}, CRITERION))
    aborted = evaluator.job(
        job({"Canceled": 6, "Failed": 3, "Succeeded": 1}, CRITERION, status="CANCELED")
    )
    assert events(aborted) == [ABORTED]
    assert "was aborted: FAILED 30.0 % of 10 notified executions reached 30 %" in (
        aborted[0].message
    )
    assert aborted[0].environment()["IOTJOBS_CANCELED"] == "6"
    again = job({"Canceled": 6, "Failed": 3, "Succeeded": 1}, CRITERION, status="CANCELED")
    assert evaluator.job(again) == []  # never repeated

    other = AlertEvaluator(ON)
    other.job(job({"Queued": 2}))
    assert events(other.job(job({"Succeeded": 2}, status="COMPLETED"))) == [COMPLETED]


def test_a_job_first_seen_finished_rings_nothing() -> None:
    evaluator = AlertEvaluator(ON)
    canceled = job({"Canceled": 6, "Failed": 4}, CRITERION, status="CANCELED")
    assert evaluator.job(canceled) == []
    assert evaluator.job(job({"Succeeded": 2}, status="COMPLETED")) == []


def test_canceled_by_hand_is_not_an_abort() -> None:
    evaluator = AlertEvaluator(ON)
    evaluator.job(job({"Queued": 10}, CRITERION))
    assert evaluator.job(job({"Canceled": 10}, CRITERION, status="CANCELED")) == []


def test_stuck_over_the_limit_once() -> None:
    evaluator = AlertEvaluator(ON)
    evaluator.job(job({"InProgress": 10}))
    assert evaluator.stuck("j", 5) == []  # over 5, not at it
    stuck = evaluator.stuck("j", 6)
    assert events(stuck) == [STUCK] and stuck[0].environment()["IOTJOBS_STUCK"] == "6"
    assert evaluator.stuck("j", 9) == []
    evaluator.job(job({"Succeeded": 10}, status="COMPLETED"))
    assert evaluator.stuck("other", 1) == []


def test_stale_fires_once_per_episode() -> None:
    evaluator = AlertEvaluator(ON)  # 2 minutes
    assert evaluator.staleness(None, "j") == []
    assert evaluator.staleness(119, "j") == []
    stale = evaluator.staleness(125, "j")
    assert events(stale) == [STALE] and stale[0].environment()["IOTJOBS_STALE_SECONDS"] == "125"
    assert evaluator.staleness(400, "j") == []  # the same episode
    assert evaluator.staleness(61, "j") == []  # not fresh yet
    assert evaluator.staleness(0, "j") == []  # fresh: the next episode may ring
    assert events(evaluator.staleness(130, "j")) == [STALE]


def test_off_by_default() -> None:
    assert AlertSettings().enabled is False
