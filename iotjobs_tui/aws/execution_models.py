"""Job execution models (DescribeJobExecution, ListJobExecutionsForThing), parsed tolerantly.

No botocore here: screens and widgets import these types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from iotjobs_tui.aws.models import (
    JobExecutionSummary,
    JobProcessDetails,
    execution_summary_fields,
    parse_timestamp,
)
from iotjobs_tui.common.statuses import EXEC_TERMINAL
from iotjobs_tui.common.wire_values import get_int, get_map, get_str

EXECUTIONS_PAGE = 250  # LaserMaxResults' maximum: fewest calls for a 100k-device job
# One page every 0.5 s keeps ListJobExecutionsForJob at <= 2 calls/s, well under the
# account's 10 TPS for the operation, so other tools sharing the account keep their share.
DEFAULT_PAGE_PAUSE = 0.5


@dataclass(frozen=True)
class JobExecution:
    """DescribeJobExecution's `execution` (control plane)."""

    job_id: str
    thing_arn: str | None = None
    thing_name_hint: str | None = None
    status: str | None = None
    force_canceled: bool | None = None
    status_details: tuple[tuple[str, str], ...] = ()
    queued_at: datetime | None = None
    started_at: datetime | None = None
    last_updated_at: datetime | None = None
    execution_number: int | None = None
    version_number: int | None = None
    approximate_seconds_before_timed_out: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def thing_name(self) -> str | None:
        if self.thing_arn:
            return self.thing_arn.rsplit("/", 1)[-1]
        return self.thing_name_hint

    @property
    def terminal(self) -> bool:
        return self.status in EXEC_TERMINAL


@dataclass(frozen=True)
class ThingExecution:
    """A ListJobExecutionsForThing row: one execution of one job on the thing."""

    job_id: str | None
    status: str | None
    execution_number: int | None = None
    retry_attempt: int | None = None
    queued_at: datetime | None = None
    started_at: datetime | None = None
    last_updated_at: datetime | None = None


_KNOWN_EXECUTION_MEMBERS = frozenset(
    {
        "jobId", "status", "forceCanceled", "statusDetails", "thingArn", "queuedAt",
        "startedAt", "lastUpdatedAt", "executionNumber", "versionNumber",
        "approximateSecondsBeforeTimedOut",
    }
)  # fmt: skip


def _text(value: object) -> str:
    return value if isinstance(value, str) else repr(value)


def parse_status_details(value: object) -> tuple[tuple[str, str], ...]:
    """Key/value pairs in the order sent. The control plane nests them in `detailsMap`;
    the data plane (and old docs) send a flat map, which is accepted too."""
    if not isinstance(value, Mapping):
        return ()
    if "detailsMap" in value:
        inner = value["detailsMap"]
        source: Mapping[str, Any] = inner if isinstance(inner, Mapping) else {}
    else:
        source = value
    return tuple((_text(key), _text(val)) for key, val in source.items())


def parse_job_execution(
    response: Mapping[str, Any], job_id: str = "", thing_name: str | None = None
) -> JobExecution:
    data = get_map(response, "execution") or {}
    forced = data.get("forceCanceled")
    return JobExecution(
        job_id=get_str(data, "jobId") or job_id,
        thing_arn=get_str(data, "thingArn"),
        thing_name_hint=thing_name,
        status=get_str(data, "status"),
        force_canceled=forced if isinstance(forced, bool) else None,
        status_details=parse_status_details(data.get("statusDetails")),
        queued_at=parse_timestamp(data.get("queuedAt")),
        started_at=parse_timestamp(data.get("startedAt")),
        last_updated_at=parse_timestamp(data.get("lastUpdatedAt")),
        execution_number=get_int(data, "executionNumber"),
        version_number=get_int(data, "versionNumber"),
        approximate_seconds_before_timed_out=get_int(data, "approximateSecondsBeforeTimedOut"),
        extra={k: v for k, v in data.items() if k not in _KNOWN_EXECUTION_MEMBERS},
    )


def parse_execution_for_thing(data: Mapping[str, Any]) -> ThingExecution:
    return ThingExecution(job_id=get_str(data, "jobId"), **execution_summary_fields(data))


@dataclass(frozen=True)
class Located:
    """The answer to "does this execution exist?", per field, for the go-to prompt."""

    job_error: str | None = None
    thing_error: str | None = None
    number_error: str | None = None
    execution_number: int | None = None

    @property
    def ok(self) -> bool:
        return not (self.job_error or self.thing_error or self.number_error)


@dataclass
class SyncResult:
    process: JobProcessDetails | None = None
    updated: list[JobExecutionSummary] = field(default_factory=list)
    # Rows placed by elimination (key → status); their timestamps are not known.
    inferred: dict[str, str] = field(default_factory=dict)
    unresolved: int = 0  # rows that left a status and could not be placed this cycle
    calls: int = 0
