"""The job-config parsers shared by the app and the emulator: typed values from the wire dicts,
tolerant of unknown enum values, missing members and wrong types."""

from datetime import UTC, datetime

import pytest

from iotjobs_tui.common.job_configs import (
    AbortAction,
    AbortCriterion,
    EndBehavior,
    ExponentialRate,
    MaintenanceWindow,
    PresignedUrlConfig,
    RetryCriterion,
    RolloutConfig,
    SchedulingConfig,
    TimeoutConfig,
    parse_abort,
    parse_presigned_url,
    parse_retry,
    parse_rollout,
    parse_scheduling,
    parse_timeout,
)
from iotjobs_tui.common.statuses import ExecStatus, FailureType

PARSERS = (
    parse_rollout,
    parse_abort,
    parse_retry,
    parse_timeout,
    parse_presigned_url,
    parse_scheduling,
)


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("absent", [None, "text", 12, ["list"]])
def test_an_absent_or_malformed_config_is_none(parser: object, absent: object) -> None:
    assert callable(parser)
    assert parser(absent) is None


def test_rollout_constant_rate() -> None:
    assert parse_rollout({"maximumPerMinute": 50}) == RolloutConfig(50, None)


def test_rollout_exponential_by_notified_things() -> None:
    rollout = parse_rollout(
        {
            "maximumPerMinute": 400,
            "exponentialRate": {
                "baseRatePerMinute": 10,
                "incrementFactor": 1.5,
                "rateIncreaseCriteria": {"numberOfNotifiedThings": 40},
            },
        }
    )
    assert rollout == RolloutConfig(400, ExponentialRate(10, 1.5, 40, None))


def test_rollout_exponential_by_succeeded_things_with_members_missing() -> None:
    rollout = parse_rollout(
        {"exponentialRate": {"rateIncreaseCriteria": {"numberOfSucceededThings": "25"}}}
    )
    # A numeric string is read as the number; every missing member is None.
    assert rollout == RolloutConfig(None, ExponentialRate(None, None, None, 25))


def test_rollout_mistyped_members_are_none() -> None:
    rollout = parse_rollout(
        {
            "maximumPerMinute": True,  # a bool is no count
            "exponentialRate": {"baseRatePerMinute": "fast", "incrementFactor": [2]},
        }
    )
    assert rollout == RolloutConfig(None, ExponentialRate(None, None, None, None))


def test_abort_criteria_in_order() -> None:
    criteria = parse_abort(
        {
            "criteriaList": [
                {
                    "failureType": "FAILED",
                    "action": "CANCEL",
                    "thresholdPercentage": 10.5,
                    "minNumberOfExecutedThings": 20,
                },
                {"failureType": "ALL", "action": "CANCEL", "thresholdPercentage": 30},
            ]
        }
    )
    assert criteria == (
        AbortCriterion(FailureType.FAILED, AbortAction.CANCEL, 10.5, 20),
        AbortCriterion(FailureType.ALL, AbortAction.CANCEL, 30.0, None),
    )


def test_abort_unknown_enums_are_kept_as_sent() -> None:
    criteria = parse_abort(
        {"criteriaList": [{"failureType": "SLOW", "action": "PAUSE", "thresholdPercentage": 5}]}
    )
    assert criteria is not None and len(criteria) == 1
    criterion = criteria[0]
    assert (criterion.failure_type, criterion.action) == ("SLOW", "PAUSE")
    assert criterion.min_executed is None
    # A failure type this version does not know counts no execution status.
    assert criterion.statuses == ()


def test_abort_skips_items_that_are_not_objects() -> None:
    criteria = parse_abort({"criteriaList": ["FAILED", None, {"failureType": "REJECTED"}]})
    assert criteria == (AbortCriterion("REJECTED", None, None, None),)
    assert parse_abort({}) == ()
    assert parse_abort({"criteriaList": "FAILED"}) == ()


class _Counts:
    def __init__(self, **counts: int) -> None:
        self.counts = counts

    def status_count(self, status: str) -> int:
        return self.counts.get(status, 0)


def test_abort_failures_follow_the_failure_type() -> None:
    counts = _Counts(FAILED=4, REJECTED=2, TIMED_OUT=1, SUCCEEDED=90)
    all_kinds = AbortCriterion("ALL", "CANCEL", 10.0, 1)
    assert all_kinds.statuses == (ExecStatus.FAILED, ExecStatus.REJECTED, ExecStatus.TIMED_OUT)
    assert all_kinds.failures(counts) == 7
    assert AbortCriterion("TIMED_OUT", "CANCEL", 10.0, 1).failures(counts) == 1
    assert AbortCriterion(None, None, None, None).failures(counts) == 0


def test_retry_criteria_with_an_unknown_failure_type() -> None:
    criteria = parse_retry(
        {
            "criteriaList": [
                {"failureType": "TIMED_OUT", "numberOfRetries": 2},
                {"failureType": "FLAKY", "numberOfRetries": 1.0},
                {"numberOfRetries": "x"},
            ]
        }
    )
    assert criteria == (
        RetryCriterion(FailureType.TIMED_OUT, 2),
        RetryCriterion("FLAKY", 1),  # a whole float is a count
        RetryCriterion(None, None),
    )


def test_timeout_and_presigned_url() -> None:
    assert parse_timeout({"inProgressTimeoutInMinutes": 30}) == TimeoutConfig(30)
    assert parse_timeout({}) == TimeoutConfig(None)
    assert parse_presigned_url({"roleArn": "arn:aws:iam::1:role/r"}) == PresignedUrlConfig(
        "arn:aws:iam::1:role/r", None
    )
    assert parse_presigned_url({"expiresInSec": 600}) == PresignedUrlConfig(None, 600)


def test_scheduling_with_windows_and_times() -> None:
    scheduling = parse_scheduling(
        {
            "startTime": "2026-01-02T03:04",
            "endTime": "2026-02-01T00:00Z",
            "endBehavior": "FORCE_CANCEL",
            "maintenanceWindows": [
                {"startTime": "cron(0 2 ? * SUN *)", "durationInMinutes": 90},
                {"startTime": "cron(30 1 * * ? *)"},
            ],
        }
    )
    assert scheduling == SchedulingConfig(
        start_time="2026-01-02T03:04",
        end_time="2026-02-01T00:00Z",
        end_behavior=EndBehavior.FORCE_CANCEL,
        maintenance_windows=(
            MaintenanceWindow("cron(0 2 ? * SUN *)", 90),
            MaintenanceWindow("cron(30 1 * * ? *)", None),
        ),
    )
    # StringDateTime is UTC; a trailing Z is accepted.
    assert scheduling.start == datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    assert scheduling.end == datetime(2026, 2, 1, tzinfo=UTC)


def test_scheduling_unknown_end_behavior_and_bad_times() -> None:
    scheduling = parse_scheduling(
        {"startTime": "soon", "endBehavior": "PAUSE", "maintenanceWindows": "weekly"}
    )
    assert scheduling == SchedulingConfig("soon", None, "PAUSE", ())
    assert scheduling.start is None and scheduling.end is None
    assert parse_scheduling({}) == SchedulingConfig()
