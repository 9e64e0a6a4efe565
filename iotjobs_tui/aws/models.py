"""Typed, frozen views of IoT Jobs API shapes, parsed tolerantly.

AWS adds enum values and members over time, and botocore validates neither, so every parser
here accepts what it finds: an unknown enum value is kept as the raw string, a missing or
mistyped member becomes None, and timestamps may be datetimes, epoch seconds, epoch
milliseconds or ISO-8601 strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The job configs are common.job_configs' (the emulator parses with the same code); Job's
# fields are typed with them, so they are re-exported here for the app.
from iotjobs_tui.common.job_configs import AbortCriterion as AbortCriterion
from iotjobs_tui.common.job_configs import ExponentialRate as ExponentialRate
from iotjobs_tui.common.job_configs import MaintenanceWindow as MaintenanceWindow
from iotjobs_tui.common.job_configs import PresignedUrlConfig as PresignedUrlConfig
from iotjobs_tui.common.job_configs import RetryCriterion as RetryCriterion
from iotjobs_tui.common.job_configs import RolloutConfig as RolloutConfig
from iotjobs_tui.common.job_configs import SchedulingConfig as SchedulingConfig
from iotjobs_tui.common.job_configs import TimeoutConfig as TimeoutConfig
from iotjobs_tui.common.job_configs import (
    parse_abort,
    parse_presigned_url,
    parse_retry,
    parse_rollout,
    parse_scheduling,
    parse_timeout,
)
from iotjobs_tui.common.statuses import (
    COUNTER_MEMBERS,
    EXEC_TERMINAL,
    ExecStatus,
    JobStatus,
    TargetSelection,
)
from iotjobs_tui.common.wire_values import (
    get_bool,
    get_int,
    get_map,
    get_maps,
    get_str,
    get_strs,
)
from iotjobs_tui.common.wire_values import parse_timestamp as parse_timestamp

# ListJobs' filter choices, in the order the filter screen offers them.
JOB_STATUSES = (
    JobStatus.IN_PROGRESS,
    JobStatus.SCHEDULED,
    JobStatus.COMPLETED,
    JobStatus.CANCELED,
    JobStatus.DELETION_IN_PROGRESS,
)
TARGET_SELECTIONS = (TargetSelection.SNAPSHOT, TargetSelection.CONTINUOUS)


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
    job_id = get_str(data, "jobId")
    if not job_id:
        return None
    return JobSummary(
        job_id=job_id,
        job_arn=get_str(data, "jobArn"),
        thing_group_id=get_str(data, "thingGroupId"),
        target_selection=get_str(data, "targetSelection"),
        status=get_str(data, "status"),
        created_at=parse_timestamp(data.get("createdAt")),
        last_updated_at=parse_timestamp(data.get("lastUpdatedAt")),
        completed_at=parse_timestamp(data.get("completedAt")),
        is_concurrent=get_bool(data, "isConcurrent"),
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


# The eight execution counters in display order (failures together, as the abort radar
# lists them). A counter's attribute is its status in lower case (QUEUED → "queued").
_DISPLAY_ORDER = (
    ExecStatus.QUEUED,
    ExecStatus.IN_PROGRESS,
    ExecStatus.SUCCEEDED,
    ExecStatus.FAILED,
    ExecStatus.REJECTED,
    ExecStatus.TIMED_OUT,
    ExecStatus.REMOVED,
    ExecStatus.CANCELED,
)
# (attribute, API member, label) for each counter: ("in_progress", "numberOf…", "in progress").
COUNTERS: tuple[tuple[str, str, str], ...] = tuple(
    (status.lower(), COUNTER_MEMBERS[status], status.lower().replace("_", " "))
    for status in _DISPLAY_ORDER
)
# DescribeJob's counter attribute for each execution status.
COUNTER_OF: dict[str, str] = {status: status.lower() for status in ExecStatus}
FINISHED_COUNTERS = tuple(COUNTER_OF[s] for s in _DISPLAY_ORDER if s in EXEC_TERMINAL)


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

    def status_count(self, status: str) -> int:
        """The counter of an execution status; 0 for a status this version does not know."""
        attr = COUNTER_OF.get(status)
        return 0 if attr is None else self.count(attr)

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
    values = {attr: get_int(data, member) for attr, member, _ in COUNTERS}
    return JobProcessDetails(processing_targets=get_strs(data, "processingTargets"), **values)


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
    data = get_map(response, "job") or {}
    params = get_map(data, "documentParameters")
    rollouts = data.get("scheduledJobRollouts")
    return Job(
        job_id=get_str(data, "jobId") or job_id,
        job_arn=get_str(data, "jobArn"),
        status=get_str(data, "status"),
        target_selection=get_str(data, "targetSelection"),
        description=get_str(data, "description"),
        comment=get_str(data, "comment"),
        reason_code=get_str(data, "reasonCode"),
        force_canceled=get_bool(data, "forceCanceled"),
        is_concurrent=get_bool(data, "isConcurrent"),
        namespace_id=get_str(data, "namespaceId"),
        job_template_arn=get_str(data, "jobTemplateArn"),
        targets=get_strs(data, "targets"),
        document_source=get_str(response, "documentSource"),
        document_parameters=(
            None if params is None else {str(k): str(v) for k, v in params.items()}
        ),
        destination_package_versions=get_strs(data, "destinationPackageVersions"),
        created_at=parse_timestamp(data.get("createdAt")),
        last_updated_at=parse_timestamp(data.get("lastUpdatedAt")),
        completed_at=parse_timestamp(data.get("completedAt")),
        process=parse_process_details(get_map(data, "jobProcessDetails")),
        rollout=parse_rollout(data.get("jobExecutionsRolloutConfig")),
        abort=parse_abort(data.get("abortConfig")),
        timeout=parse_timeout(data.get("timeoutConfig")),
        retry=parse_retry(data.get("jobExecutionsRetryConfig")),
        presigned_url=parse_presigned_url(data.get("presignedUrlConfig")),
        scheduling=parse_scheduling(data.get("schedulingConfig")),
        scheduled_rollouts=(
            None
            if not isinstance(rollouts, list)
            else tuple(
                ScheduledRollout(get_str(item, "startTime"))
                for item in get_maps(data, "scheduledJobRollouts")
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
    summary = get_map(data, "jobExecutionSummary") or {}
    return {
        "status": get_str(summary, "status"),
        "execution_number": get_int(summary, "executionNumber"),
        "retry_attempt": get_int(summary, "retryAttempt"),
        "queued_at": parse_timestamp(summary.get("queuedAt")),
        "started_at": parse_timestamp(summary.get("startedAt")),
        "last_updated_at": parse_timestamp(summary.get("lastUpdatedAt")),
    }


def parse_execution_for_job(data: Mapping[str, Any]) -> JobExecutionSummary:
    return JobExecutionSummary(
        thing_arn=get_str(data, "thingArn"), **execution_summary_fields(data)
    )


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
