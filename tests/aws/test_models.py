from datetime import UTC, datetime

import pytest

from iotjobs_tui.aws.models import (
    JobProcessDetails,
    parse_describe_job,
    parse_execution_for_job,
    parse_job_summary,
    parse_timestamp,
)

JAN1 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        JAN1,
        datetime(2026, 1, 1),  # naive: taken as UTC
        1767225600,
        1767225600.0,
        1767225600000,  # milliseconds
        "1767225600",
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00+00:00",
        "2026-01-01T01:00:00+01:00",
        "2026-01-01T00:00",
        "2026-01-01 00:00",
    ],
)
def test_timestamps_in_any_form(value: object) -> None:
    assert parse_timestamp(value) == JAN1


@pytest.mark.parametrize("value", [None, "", "soon", True, [], {}, float("inf")])
def test_bad_timestamps_are_none(value: object) -> None:
    assert parse_timestamp(value) is None


def test_summary_keeps_unknown_enum_and_drops_missing() -> None:
    job = parse_job_summary({"jobId": "j1", "status": "PAUSED_BY_AI", "createdAt": 1767225600})
    assert job is not None
    assert job.status == "PAUSED_BY_AI"
    assert job.target_selection is None
    assert job.completed_at is None
    assert job.created_at == JAN1


def test_summary_without_id_is_skipped() -> None:
    assert parse_job_summary({"status": "IN_PROGRESS"}) is None


def test_summary_ignores_mistyped_members() -> None:
    job = parse_job_summary({"jobId": "j", "isConcurrent": "yes", "status": 3})
    assert job is not None
    assert job.is_concurrent is None
    assert job.status is None


FULL = {
    "documentSource": "https://s3.amazonaws.com/bucket/doc.json",
    "job": {
        "jobArn": "arn:aws:iot:us-east-1:123456789012:job/fw-2",
        "jobId": "fw-2",
        "targetSelection": "CONTINUOUS",
        "status": "IN_PROGRESS",
        "forceCanceled": False,
        "reasonCode": "OPS_1",
        "comment": "slowed",
        "targets": ["arn:aws:iot:us-east-1:123456789012:thinggroup/fleet"],
        "description": "firmware 2",
        "presignedUrlConfig": {"roleArn": "arn:aws:iam::123456789012:role/r", "expiresInSec": 60},
        "jobExecutionsRolloutConfig": {
            "maximumPerMinute": 500,
            "exponentialRate": {
                "baseRatePerMinute": 50,
                "incrementFactor": 2.0,
                "rateIncreaseCriteria": {"numberOfNotifiedThings": 1000},
            },
        },
        "abortConfig": {
            "criteriaList": [
                {
                    "failureType": "FAILED",
                    "action": "CANCEL",
                    "thresholdPercentage": 20.5,
                    "minNumberOfExecutedThings": 100,
                }
            ]
        },
        "createdAt": datetime(2026, 1, 1),
        "lastUpdatedAt": 1767225660.0,
        "jobProcessDetails": {
            "processingTargets": ["arn:aws:iot:us-east-1:123456789012:thinggroup/fleet"],
            "numberOfQueuedThings": 10,
            "numberOfInProgressThings": 5,
            "numberOfSucceededThings": 80,
            "numberOfFailedThings": 3,
            "numberOfRejectedThings": 1,
            "numberOfTimedOutThings": 1,
            "numberOfRemovedThings": 0,
            "numberOfCanceledThings": 0,
        },
        "timeoutConfig": {"inProgressTimeoutInMinutes": 30},
        "namespaceId": "ns1",
        "jobTemplateArn": "arn:aws:iot:us-east-1:123456789012:jobtemplate/t",
        "jobExecutionsRetryConfig": {
            "criteriaList": [{"failureType": "ALL", "numberOfRetries": 2}]
        },
        "documentParameters": {"k": "v"},
        "isConcurrent": True,
        "schedulingConfig": {
            "startTime": "2026-01-02T00:00",
            "endTime": "2026-01-09T00:00",
            "endBehavior": "STOP_ROLLOUT",
            "maintenanceWindows": [{"startTime": "cron(0 2 ? * SUN *)", "durationInMinutes": 90}],
        },
        "scheduledJobRollouts": [{"startTime": "2026-01-04T02:00"}],
        "destinationPackageVersions": ["arn:aws:iot:us-east-1:123456789012:package/p/version/2"],
        "someFutureMember": {"x": 1},
    },
}


def test_describe_job_parses_every_member() -> None:
    job = parse_describe_job(FULL)
    assert job.job_id == "fw-2"
    assert job.document_source == "https://s3.amazonaws.com/bucket/doc.json"
    assert job.targets == ("arn:aws:iot:us-east-1:123456789012:thinggroup/fleet",)
    assert job.reason_code == "OPS_1" and job.comment == "slowed"
    assert job.force_canceled is False and job.is_concurrent is True
    assert job.namespace_id == "ns1"
    assert job.document_parameters == {"k": "v"}
    assert job.destination_package_versions is not None
    assert job.created_at == JAN1
    assert job.last_updated_at == datetime(2026, 1, 1, 0, 1, tzinfo=UTC)
    assert job.completed_at is None
    assert job.process is not None
    assert job.process.total == 100 and job.process.finished == 85 and job.process.unfinished == 15
    assert job.rollout is not None and job.rollout.maximum_per_minute == 500
    assert job.rollout.exponential is not None
    assert job.rollout.exponential.notified_threshold == 1000
    assert job.rollout.exponential.succeeded_threshold is None
    assert job.abort is not None and job.abort[0].threshold_percentage == 20.5
    assert job.abort[0].failures(job.process) == 3
    assert job.retry is not None and job.retry[0].number_of_retries == 2
    assert job.timeout is not None and job.timeout.in_progress_minutes == 30
    assert job.presigned_url is not None and job.presigned_url.expires_in_sec == 60
    assert job.scheduling is not None and job.scheduling.end_behavior == "STOP_ROLLOUT"
    assert job.scheduling.start == datetime(2026, 1, 2, tzinfo=UTC)
    assert job.scheduling.maintenance_windows[0].duration_minutes == 90
    assert job.scheduled_rollouts is not None
    assert job.scheduled_rollouts[0].start == datetime(2026, 1, 4, 2, tzinfo=UTC)
    assert job.extra == {"someFutureMember": {"x": 1}}


def test_describe_job_empty_configs_are_present_but_empty() -> None:
    job = parse_describe_job(
        {"job": {"jobId": "j", "presignedUrlConfig": {}, "timeoutConfig": {}}}, "j"
    )
    assert job.presigned_url is not None and job.presigned_url.role_arn is None
    assert job.timeout is not None and job.timeout.in_progress_minutes is None
    assert job.rollout is None and job.process is None and job.scheduling is None


def test_describe_job_missing_body_falls_back_to_id() -> None:
    job = parse_describe_job({}, "asked-for")
    assert job.job_id == "asked-for"
    assert job.status is None


def test_abort_all_counts_three_failure_kinds() -> None:
    job = parse_describe_job(
        {"job": {"abortConfig": {"criteriaList": [{"failureType": "ALL"}, {"failureType": "X"}]}}}
    )
    details = JobProcessDetails(failed=2, rejected=3, timed_out=4, canceled=9)
    assert job.abort is not None
    assert job.abort[0].failures(details) == 9
    assert job.abort[1].failures(details) == 0


def test_counter_strings_and_floats_are_tolerated() -> None:
    job = parse_describe_job(
        {"job": {"jobProcessDetails": {"numberOfQueuedThings": "7", "numberOfFailedThings": 2.0}}}
    )
    assert job.process is not None
    assert job.process.queued == 7 and job.process.failed == 2 and job.process.succeeded is None


def test_execution_row() -> None:
    row = parse_execution_for_job(
        {
            "thingArn": "arn:aws:iot:us-east-1:1:thing/dev-1",
            "jobExecutionSummary": {"status": "QUEUED", "executionNumber": 1, "queuedAt": 0},
        }
    )
    assert row.thing_name == "dev-1" and row.status == "QUEUED" and row.started_at is None
