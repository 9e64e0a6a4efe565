"""Typed, frozen views of IoT Jobs API shapes, parsed tolerantly.

AWS adds enum values and members over time, and botocore validates neither, so every parser
here accepts what it finds: an unknown enum value is kept as the raw string, a missing or
mistyped member becomes None, and timestamps may be datetimes, epoch seconds, epoch
milliseconds or ISO-8601 strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

JOB_STATUSES = ("IN_PROGRESS", "SCHEDULED", "COMPLETED", "CANCELED", "DELETION_IN_PROGRESS")
TARGET_SELECTIONS = ("SNAPSHOT", "CONTINUOUS")

# Epoch values above this are milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973.
_MS_THRESHOLD = 1e11


def parse_timestamp(value: object) -> datetime | None:
    """A timezone-aware UTC datetime from any form AWS or a fake may send, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= _MS_THRESHOLD else float(value)
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return parse_timestamp(float(text))
        except ValueError:
            pass
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        return parse_timestamp(parsed)
    return None


def _str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None


def _float(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _bool(data: Mapping[str, Any], key: str) -> bool | None:
    value = data.get(key)
    return value if isinstance(value, bool) else None


def _map(data: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = data.get(key)
    return value if isinstance(value, Mapping) else None


def _maps(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _strs(data: Mapping[str, Any], key: str) -> tuple[str, ...] | None:
    value = data.get(key)
    if not isinstance(value, list):
        return None
    return tuple(item for item in value if isinstance(item, str))


@dataclass(frozen=True)
class JobSummary:
    """One ListJobs row."""

    job_id: str
    job_arn: str | None = None
    thing_group_id: str | None = None
    target_selection: str | None = None
    status: str | None = None
    created_at: datetime | None = None
    last_updated_at: datetime | None = None
    completed_at: datetime | None = None
    is_concurrent: bool | None = None


def parse_job_summary(data: Mapping[str, Any]) -> JobSummary | None:
    """None when the row has no job id (nothing to key it by)."""
    job_id = _str(data, "jobId")
    if not job_id:
        return None
    return JobSummary(
        job_id=job_id,
        job_arn=_str(data, "jobArn"),
        thing_group_id=_str(data, "thingGroupId"),
        target_selection=_str(data, "targetSelection"),
        status=_str(data, "status"),
        created_at=parse_timestamp(data.get("createdAt")),
        last_updated_at=parse_timestamp(data.get("lastUpdatedAt")),
        completed_at=parse_timestamp(data.get("completedAt")),
        is_concurrent=_bool(data, "isConcurrent"),
    )


def job_summary_to_api(job: JobSummary) -> dict[str, Any]:
    """The ListJobs member a summary came from (timestamps as epoch seconds), for JSON."""
    row = {
        "jobId": job.job_id,
        "jobArn": job.job_arn,
        "thingGroupId": job.thing_group_id,
        "targetSelection": job.target_selection,
        "status": job.status,
        "createdAt": None if job.created_at is None else job.created_at.timestamp(),
        "lastUpdatedAt": None if job.last_updated_at is None else job.last_updated_at.timestamp(),
        "completedAt": None if job.completed_at is None else job.completed_at.timestamp(),
        "isConcurrent": job.is_concurrent,
    }
    return {key: value for key, value in row.items() if value is not None}


# (attribute, API member, label) for the eight execution counters, in display order.
COUNTERS: tuple[tuple[str, str, str], ...] = (
    ("queued", "numberOfQueuedThings", "queued"),
    ("in_progress", "numberOfInProgressThings", "in progress"),
    ("succeeded", "numberOfSucceededThings", "succeeded"),
    ("failed", "numberOfFailedThings", "failed"),
    ("rejected", "numberOfRejectedThings", "rejected"),
    ("timed_out", "numberOfTimedOutThings", "timed out"),
    ("removed", "numberOfRemovedThings", "removed"),
    ("canceled", "numberOfCanceledThings", "canceled"),
)
# DescribeJob's counter attribute for each execution status (QUEUED → "queued").
COUNTER_OF = {label.upper().replace(" ", "_"): attr for attr, _, label in COUNTERS}
FINISHED_COUNTERS = ("succeeded", "failed", "rejected", "timed_out", "removed", "canceled")


@dataclass(frozen=True)
class JobProcessDetails:
    """The eight counters. They count executions, not things (retries add executions)."""

    queued: int | None = None
    in_progress: int | None = None
    succeeded: int | None = None
    failed: int | None = None
    rejected: int | None = None
    timed_out: int | None = None
    removed: int | None = None
    canceled: int | None = None
    processing_targets: tuple[str, ...] | None = None

    def count(self, name: str) -> int:
        value = getattr(self, name)
        return value if isinstance(value, int) else 0

    @property
    def total(self) -> int:
        return sum(self.count(attr) for attr, _, _ in COUNTERS)

    @property
    def finished(self) -> int:
        return sum(self.count(attr) for attr in FINISHED_COUNTERS)

    @property
    def unfinished(self) -> int:
        return self.count("queued") + self.count("in_progress")


def parse_process_details(data: Mapping[str, Any] | None) -> JobProcessDetails | None:
    if data is None:
        return None
    values = {attr: _int(data, member) for attr, member, _ in COUNTERS}
    return JobProcessDetails(processing_targets=_strs(data, "processingTargets"), **values)


@dataclass(frozen=True)
class ExponentialRate:
    base_rate_per_minute: int | None
    increment_factor: float | None
    notified_threshold: int | None
    succeeded_threshold: int | None


@dataclass(frozen=True)
class RolloutConfig:
    maximum_per_minute: int | None = None
    exponential: ExponentialRate | None = None


def parse_rollout(data: Mapping[str, Any] | None) -> RolloutConfig | None:
    if data is None:
        return None
    exponential = None
    exp = _map(data, "exponentialRate")
    if exp is not None:
        criteria = _map(exp, "rateIncreaseCriteria") or {}
        exponential = ExponentialRate(
            base_rate_per_minute=_int(exp, "baseRatePerMinute"),
            increment_factor=_float(exp, "incrementFactor"),
            notified_threshold=_int(criteria, "numberOfNotifiedThings"),
            succeeded_threshold=_int(criteria, "numberOfSucceededThings"),
        )
    return RolloutConfig(_int(data, "maximumPerMinute"), exponential)


@dataclass(frozen=True)
class AbortCriterion:
    failure_type: str | None
    action: str | None
    threshold_percentage: float | None
    min_executed: int | None

    def failures(self, details: JobProcessDetails) -> int:
        """Executions that count against this criterion (ALL = failed+rejected+timed out)."""
        kinds = {
            "FAILED": ("failed",),
            "REJECTED": ("rejected",),
            "TIMED_OUT": ("timed_out",),
            "ALL": ("failed", "rejected", "timed_out"),
        }.get(self.failure_type or "", ())
        return sum(details.count(kind) for kind in kinds)


def parse_abort(data: Mapping[str, Any] | None) -> tuple[AbortCriterion, ...] | None:
    if data is None:
        return None
    return tuple(
        AbortCriterion(
            failure_type=_str(item, "failureType"),
            action=_str(item, "action"),
            threshold_percentage=_float(item, "thresholdPercentage"),
            min_executed=_int(item, "minNumberOfExecutedThings"),
        )
        for item in _maps(data, "criteriaList")
    )


@dataclass(frozen=True)
class RetryCriterion:
    failure_type: str | None
    number_of_retries: int | None


def parse_retry(data: Mapping[str, Any] | None) -> tuple[RetryCriterion, ...] | None:
    if data is None:
        return None
    return tuple(
        RetryCriterion(_str(item, "failureType"), _int(item, "numberOfRetries"))
        for item in _maps(data, "criteriaList")
    )


@dataclass(frozen=True)
class TimeoutConfig:
    in_progress_minutes: int | None = None


@dataclass(frozen=True)
class PresignedUrlConfig:
    role_arn: str | None = None
    expires_in_sec: int | None = None


@dataclass(frozen=True)
class MaintenanceWindow:
    start_time: str | None  # a cron expression, not a timestamp
    duration_minutes: int | None


@dataclass(frozen=True)
class SchedulingConfig:
    start_time: str | None = None  # StringDateTime as sent ("2026-01-02T03:04")
    end_time: str | None = None
    end_behavior: str | None = None
    maintenance_windows: tuple[MaintenanceWindow, ...] = ()

    @property
    def start(self) -> datetime | None:
        return parse_timestamp(self.start_time)

    @property
    def end(self) -> datetime | None:
        return parse_timestamp(self.end_time)


def parse_scheduling(data: Mapping[str, Any] | None) -> SchedulingConfig | None:
    if data is None:
        return None
    windows = tuple(
        MaintenanceWindow(_str(item, "startTime"), _int(item, "durationInMinutes"))
        for item in _maps(data, "maintenanceWindows")
    )
    return SchedulingConfig(
        start_time=_str(data, "startTime"),
        end_time=_str(data, "endTime"),
        end_behavior=_str(data, "endBehavior"),
        maintenance_windows=windows,
    )


@dataclass(frozen=True)
class ScheduledRollout:
    start_time: str | None

    @property
    def start(self) -> datetime | None:
        return parse_timestamp(self.start_time)


@dataclass(frozen=True)
class Job:
    """DescribeJob's output: the `job` structure plus the top-level `documentSource`."""

    job_id: str
    job_arn: str | None = None
    status: str | None = None
    target_selection: str | None = None
    description: str | None = None
    comment: str | None = None
    reason_code: str | None = None
    force_canceled: bool | None = None
    is_concurrent: bool | None = None
    namespace_id: str | None = None
    job_template_arn: str | None = None
    targets: tuple[str, ...] | None = None
    document_source: str | None = None
    document_parameters: Mapping[str, str] | None = None
    destination_package_versions: tuple[str, ...] | None = None
    created_at: datetime | None = None
    last_updated_at: datetime | None = None
    completed_at: datetime | None = None
    process: JobProcessDetails | None = None
    rollout: RolloutConfig | None = None
    abort: tuple[AbortCriterion, ...] | None = None
    timeout: TimeoutConfig | None = None
    retry: tuple[RetryCriterion, ...] | None = None
    presigned_url: PresignedUrlConfig | None = None
    scheduling: SchedulingConfig | None = None
    scheduled_rollouts: tuple[ScheduledRollout, ...] | None = None
    # Members this version does not know about, kept so the UI can still show them.
    extra: Mapping[str, Any] = field(default_factory=dict)

    def summary(self) -> JobSummary:
        return JobSummary(
            job_id=self.job_id,
            job_arn=self.job_arn,
            target_selection=self.target_selection,
            status=self.status,
            created_at=self.created_at,
            last_updated_at=self.last_updated_at,
            completed_at=self.completed_at,
            is_concurrent=self.is_concurrent,
        )


_KNOWN_JOB_MEMBERS = frozenset(
    {
        "jobArn", "jobId", "targetSelection", "status", "forceCanceled", "reasonCode", "comment",
        "targets", "description", "presignedUrlConfig", "jobExecutionsRolloutConfig",
        "abortConfig", "createdAt", "lastUpdatedAt", "completedAt", "jobProcessDetails",
        "timeoutConfig", "namespaceId", "jobTemplateArn", "jobExecutionsRetryConfig",
        "documentParameters", "isConcurrent", "schedulingConfig", "scheduledJobRollouts",
        "destinationPackageVersions",
    }
)  # fmt: skip


def parse_describe_job(response: Mapping[str, Any], job_id: str = "") -> Job:
    """Parse a whole DescribeJob response. `job_id` is the fallback if the body lacks one."""
    data = _map(response, "job") or {}
    params = _map(data, "documentParameters")
    timeout = _map(data, "timeoutConfig")
    presigned = _map(data, "presignedUrlConfig")
    rollouts = data.get("scheduledJobRollouts")
    return Job(
        job_id=_str(data, "jobId") or job_id,
        job_arn=_str(data, "jobArn"),
        status=_str(data, "status"),
        target_selection=_str(data, "targetSelection"),
        description=_str(data, "description"),
        comment=_str(data, "comment"),
        reason_code=_str(data, "reasonCode"),
        force_canceled=_bool(data, "forceCanceled"),
        is_concurrent=_bool(data, "isConcurrent"),
        namespace_id=_str(data, "namespaceId"),
        job_template_arn=_str(data, "jobTemplateArn"),
        targets=_strs(data, "targets"),
        document_source=_str(response, "documentSource"),
        document_parameters=(
            None if params is None else {str(k): str(v) for k, v in params.items()}
        ),
        destination_package_versions=_strs(data, "destinationPackageVersions"),
        created_at=parse_timestamp(data.get("createdAt")),
        last_updated_at=parse_timestamp(data.get("lastUpdatedAt")),
        completed_at=parse_timestamp(data.get("completedAt")),
        process=parse_process_details(_map(data, "jobProcessDetails")),
        rollout=parse_rollout(_map(data, "jobExecutionsRolloutConfig")),
        abort=parse_abort(_map(data, "abortConfig")),
        timeout=None
        if timeout is None
        else TimeoutConfig(_int(timeout, "inProgressTimeoutInMinutes")),
        retry=parse_retry(_map(data, "jobExecutionsRetryConfig")),
        presigned_url=(
            None
            if presigned is None
            else PresignedUrlConfig(_str(presigned, "roleArn"), _int(presigned, "expiresInSec"))
        ),
        scheduling=parse_scheduling(_map(data, "schedulingConfig")),
        scheduled_rollouts=(
            None
            if not isinstance(rollouts, list)
            else tuple(
                ScheduledRollout(_str(item, "startTime"))
                for item in _maps(data, "scheduledJobRollouts")
            )
        ),
        extra={k: v for k, v in data.items() if k not in _KNOWN_JOB_MEMBERS},
    )


@dataclass(frozen=True)
class JobExecutionSummary:
    """A ListJobExecutionsForJob row (for the execution drill-down)."""

    thing_arn: str | None
    status: str | None
    execution_number: int | None = None
    retry_attempt: int | None = None
    queued_at: datetime | None = None
    started_at: datetime | None = None
    last_updated_at: datetime | None = None

    @property
    def thing_name(self) -> str | None:
        if self.thing_arn is None:
            return None
        return self.thing_arn.rsplit("/", 1)[-1]


def summary_key(summary: JobExecutionSummary) -> str:
    """The executions list's row key: thing name and execution number."""
    number = summary.execution_number
    thing = summary.thing_name or summary.thing_arn or "?"
    return f"{thing}#{'' if number is None else number}"


def execution_summary_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The `jobExecutionSummary` members both execution lists share (ForJob and ForThing),
    as keyword arguments for their row types."""
    summary = _map(data, "jobExecutionSummary") or {}
    return {
        "status": _str(summary, "status"),
        "execution_number": _int(summary, "executionNumber"),
        "retry_attempt": _int(summary, "retryAttempt"),
        "queued_at": parse_timestamp(summary.get("queuedAt")),
        "started_at": parse_timestamp(summary.get("startedAt")),
        "last_updated_at": parse_timestamp(summary.get("lastUpdatedAt")),
    }


def parse_execution_for_job(data: Mapping[str, Any]) -> JobExecutionSummary:
    return JobExecutionSummary(thing_arn=_str(data, "thingArn"), **execution_summary_fields(data))


@dataclass(frozen=True)
class JobFilters:
    """ListJobs' server-side filters; None means no filter."""

    status: str | None = None
    target_selection: str | None = None
    thing_group_name: str | None = None
    namespace_id: str | None = None

    def as_params(self) -> dict[str, str]:
        params = {
            "status": self.status,
            "targetSelection": self.target_selection,
            "thingGroupName": self.thing_group_name,
            "namespaceId": self.namespace_id,
        }
        return {key: value for key, value in params.items() if value}

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.as_params().items())
