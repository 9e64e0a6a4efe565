"""Execution parsing is tolerant: missing members, odd types, flat or nested statusDetails."""

from __future__ import annotations

from datetime import UTC, datetime

from iotjobs_tui.aws.execution_models import (
    parse_execution_for_thing,
    parse_job_execution,
    parse_status_details,
)


def test_describe_job_execution_every_member() -> None:
    response = {
        "execution": {
            "jobId": "example-job-01",
            "status": "IN_PROGRESS",
            "forceCanceled": False,
            "statusDetails": {"detailsMap": {"step": "2/5", "reason": "flashing"}},
            "thingArn": "arn:aws:iot:us-west-2:123456789012:thing/MyRaspberryPi",
            "queuedAt": 1560787023.636,
            "startedAt": 1560787030,
            "lastUpdatedAt": 1560787040.5,
            "executionNumber": 2,
            "versionNumber": 3,
            "approximateSecondsBeforeTimedOut": 540,
            "newMember": {"x": 1},
        }
    }
    execution = parse_job_execution(response)
    assert execution.job_id == "example-job-01"
    assert execution.thing_name == "MyRaspberryPi"
    assert execution.status == "IN_PROGRESS" and not execution.terminal
    assert execution.force_canceled is False
    assert execution.status_details == (("step", "2/5"), ("reason", "flashing"))
    assert execution.queued_at == datetime.fromtimestamp(1560787023.636, tz=UTC)
    assert execution.execution_number == 2 and execution.version_number == 3
    assert execution.approximate_seconds_before_timed_out == 540
    assert execution.extra == {"newMember": {"x": 1}}


def test_cli_example_queued_execution() -> None:
    # aws iot describe-job-execution (seed 002): statusDetails is an empty object.
    execution = parse_job_execution(
        {
            "execution": {
                "jobId": "example-job-01",
                "status": "QUEUED",
                "statusDetails": {},
                "thingArn": "arn:aws:iot:us-west-2:123456789012:thing/MyRaspberryPi",
                "queuedAt": 1560787023.636,
                "lastUpdatedAt": 1560787023.636,
                "executionNumber": 1,
                "versionNumber": 1,
            }
        }
    )
    assert execution.status_details == ()
    assert execution.started_at is None
    assert execution.approximate_seconds_before_timed_out is None


def test_missing_and_mistyped_members() -> None:
    execution = parse_job_execution({"execution": {"status": 5, "executionNumber": "7"}}, "j", "t")
    assert execution.job_id == "j" and execution.thing_name == "t"
    assert execution.status is None and execution.execution_number == 7
    assert parse_job_execution({}).job_id == ""


def test_status_details_shapes() -> None:
    assert parse_status_details({"detailsMap": {"a": "1"}}) == (("a", "1"),)
    assert parse_status_details({"a": "1"}) == (("a", "1"),)  # data-plane flat map
    assert parse_status_details({"detailsMap": None}) == ()
    assert parse_status_details({"detailsMap": "oops"}) == ()
    assert parse_status_details({"n": 3}) == (("n", "3"),)
    assert parse_status_details(None) == ()


def test_execution_for_thing() -> None:
    row = parse_execution_for_thing(
        {
            "jobId": "j",
            "jobExecutionSummary": {"status": "FAILED", "executionNumber": 1, "retryAttempt": 0},
        }
    )
    assert (row.job_id, row.status, row.execution_number, row.retry_attempt) == (
        "j",
        "FAILED",
        1,
        0,
    )
    assert parse_execution_for_thing({}).status is None
