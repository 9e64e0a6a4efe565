"""The job configs AWS accepts (CreateJob, UpdateJob) and returns (DescribeJob), as frozen typed
values with one tolerant parser each.

The app parses what DescribeJob returns; the emulator parses what CreateJob / UpdateJob
receive (after validating it) and its rules read the typed fields. Tolerant, because AWS adds
members and enum values over time and botocore checks neither: an unknown enum value is kept
as the string it came as, a missing or mistyped member is None, and a config that is absent
(or not an object) parses to None.

Shapes (botocore `iot` model): JobExecutionsRolloutConfig (with ExponentialRolloutRate),
AbortConfig.criteriaList, JobExecutionsRetryConfig.criteriaList, TimeoutConfig,
PresignedUrlConfig and SchedulingConfig (with MaintenanceWindow).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from iotjobs_tui.common.statuses import (
    NOTIFIED_THINGS,
    SUCCEEDED_THINGS,
    ExecStatus,
    failure_statuses,
)
from iotjobs_tui.common.wire_values import (
    get_float,
    get_int,
    get_map,
    get_maps,
    get_str,
    parse_timestamp,
)


class AbortAction(StrEnum):
    CANCEL = "CANCEL"


class EndBehavior(StrEnum):
    """What schedulingConfig.endBehavior does at endTime."""

    STOP_ROLLOUT = "STOP_ROLLOUT"  # no new executions; the ones that exist run on
    CANCEL = "CANCEL"  # cancel the job: QUEUED executions are canceled
    FORCE_CANCEL = "FORCE_CANCEL"  # ... and IN_PROGRESS ones too


def _config(data: object) -> Mapping[str, Any] | None:
    return data if isinstance(data, Mapping) else None


@dataclass(frozen=True)
class ExponentialRate:
    """exponentialRate: start at the base rate, multiply by the factor each time another
    `notified_threshold` executions were created (or `succeeded_threshold` succeeded)."""

    base_rate_per_minute: int | None
    increment_factor: float | None
    notified_threshold: int | None  # rateIncreaseCriteria.numberOfNotifiedThings
    succeeded_threshold: int | None  # rateIncreaseCriteria.numberOfSucceededThings


@dataclass(frozen=True)
class RolloutConfig:
    maximum_per_minute: int | None = None
    exponential: ExponentialRate | None = None


def parse_rollout(data: object) -> RolloutConfig | None:
    """jobExecutionsRolloutConfig."""
    config = _config(data)
    if config is None:
        return None
    exponential = None
    exp = get_map(config, "exponentialRate")
    if exp is not None:
        criteria = get_map(exp, "rateIncreaseCriteria") or {}
        exponential = ExponentialRate(
            base_rate_per_minute=get_int(exp, "baseRatePerMinute"),
            increment_factor=get_float(exp, "incrementFactor"),
            notified_threshold=get_int(criteria, NOTIFIED_THINGS),
            succeeded_threshold=get_int(criteria, SUCCEEDED_THINGS),
        )
    return RolloutConfig(get_int(config, "maximumPerMinute"), exponential)


class StatusCounts(Protocol):
    """Execution counts by status (DescribeJob's jobProcessDetails, say)."""

    def status_count(self, status: str) -> int: ...


@dataclass(frozen=True)
class AbortCriterion:
    failure_type: str | None  # a FailureType, or a value this version does not know
    action: str | None  # AbortAction.CANCEL
    threshold_percentage: float | None
    min_executed: int | None  # minNumberOfExecutedThings

    @property
    def statuses(self) -> tuple[ExecStatus, ...]:
        """The execution statuses that count against it (ALL: FAILED, REJECTED, TIMED_OUT)."""
        return failure_statuses(self.failure_type)

    def failures(self, counts: StatusCounts) -> int:
        """Executions that count against it; 0 for a failureType this version lacks."""
        return sum(counts.status_count(status) for status in self.statuses)


def parse_abort(data: object) -> tuple[AbortCriterion, ...] | None:
    """abortConfig, as its criteriaList."""
    config = _config(data)
    if config is None:
        return None
    return tuple(
        AbortCriterion(
            failure_type=get_str(item, "failureType"),
            action=get_str(item, "action"),
            threshold_percentage=get_float(item, "thresholdPercentage"),
            min_executed=get_int(item, "minNumberOfExecutedThings"),
        )
        for item in get_maps(config, "criteriaList")
    )


@dataclass(frozen=True)
class RetryCriterion:
    failure_type: str | None  # FAILED, TIMED_OUT or ALL (RetryableFailureType)
    number_of_retries: int | None


def parse_retry(data: object) -> tuple[RetryCriterion, ...] | None:
    """jobExecutionsRetryConfig, as its criteriaList."""
    config = _config(data)
    if config is None:
        return None
    return tuple(
        RetryCriterion(get_str(item, "failureType"), get_int(item, "numberOfRetries"))
        for item in get_maps(config, "criteriaList")
    )


@dataclass(frozen=True)
class TimeoutConfig:
    in_progress_minutes: int | None = None  # inProgressTimeoutInMinutes


def parse_timeout(data: object) -> TimeoutConfig | None:
    config = _config(data)
    if config is None:
        return None
    return TimeoutConfig(get_int(config, "inProgressTimeoutInMinutes"))


@dataclass(frozen=True)
class PresignedUrlConfig:
    role_arn: str | None = None
    expires_in_sec: int | None = None


def parse_presigned_url(data: object) -> PresignedUrlConfig | None:
    config = _config(data)
    if config is None:
        return None
    return PresignedUrlConfig(get_str(config, "roleArn"), get_int(config, "expiresInSec"))


@dataclass(frozen=True)
class MaintenanceWindow:
    start_time: str | None  # an AWS cron expression (common.cron), not a timestamp
    duration_minutes: int | None


@dataclass(frozen=True)
class SchedulingConfig:
    start_time: str | None = None  # StringDateTime as sent ("2026-01-02T03:04", UTC)
    end_time: str | None = None
    end_behavior: str | None = None  # an EndBehavior; None: AWS's default applies
    maintenance_windows: tuple[MaintenanceWindow, ...] = ()

    @property
    def start(self) -> datetime | None:
        return parse_timestamp(self.start_time)

    @property
    def end(self) -> datetime | None:
        return parse_timestamp(self.end_time)


def parse_scheduling(data: object) -> SchedulingConfig | None:
    config = _config(data)
    if config is None:
        return None
    windows = tuple(
        MaintenanceWindow(get_str(item, "startTime"), get_int(item, "durationInMinutes"))
        for item in get_maps(config, "maintenanceWindows")
    )
    return SchedulingConfig(
        start_time=get_str(config, "startTime"),
        end_time=get_str(config, "endTime"),
        end_behavior=get_str(config, "endBehavior"),
        maintenance_windows=windows,
    )
