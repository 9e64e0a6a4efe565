"""Response shapes built from state: omitted members are absent, never null."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.job_engine import JobEngine
from iotjobs_tui.sim.engine.rules import windows
from iotjobs_tui.sim.engine.state import Job, JobExecution, JobTemplate, Thing, ThingGroup


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        out[key] = value


def job(engine: JobEngine, j: Job) -> dict[str, Any]:
    details: dict[str, Any] = {}
    processing = engine.processing_targets(j)
    if processing:
        details["processingTargets"] = processing
    for status in ex.STATUSES:
        details[ex.COUNTER_MEMBER[status]] = j.counts[status]
    out: dict[str, Any] = {
        "jobArn": j.arn,
        "jobId": j.job_id,
        "targetSelection": j.target_selection,
        "status": j.status,
        "targets": list(j.targets),
    }
    _put(out, "forceCanceled", j.force_canceled)
    _put(out, "reasonCode", j.reason_code)
    _put(out, "comment", j.comment)
    _put(out, "description", j.description)
    # AWS shows these three as empty objects when unset (CLI describe-job example).
    out["presignedUrlConfig"] = dict(j.presigned_url_config or {})
    out["jobExecutionsRolloutConfig"] = dict(j.rollout_config or {})
    _put(out, "abortConfig", j.abort_config)
    out["createdAt"] = j.created_at
    out["lastUpdatedAt"] = j.last_updated_at
    _put(out, "completedAt", j.completed_at)
    out["jobProcessDetails"] = details
    out["timeoutConfig"] = dict(j.timeout_config or {})
    _put(out, "namespaceId", j.namespace_id)
    _put(out, "jobTemplateArn", j.job_template_arn)
    _put(out, "jobExecutionsRetryConfig", j.retry_config)
    _put(out, "documentParameters", j.document_parameters)
    out["isConcurrent"] = j.is_concurrent
    _put(out, "schedulingConfig", j.scheduling_config)
    rollouts = windows.scheduled_rollouts(engine.clock, j)
    if rollouts is not None:
        out["scheduledJobRollouts"] = [{"startTime": start} for start in rollouts]
    _put(out, "destinationPackageVersions", j.destination_package_versions)
    return out


def job_summary(j: Job, thing_group_id: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "jobArn": j.arn,
        "jobId": j.job_id,
        "targetSelection": j.target_selection,
        "status": j.status,
        "createdAt": j.created_at,
        "lastUpdatedAt": j.last_updated_at,
        "isConcurrent": j.is_concurrent,
    }
    _put(out, "thingGroupId", thing_group_id)
    _put(out, "completedAt", j.completed_at)
    return out


def execution(e: JobExecution, now: float) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if e.status_details:
        details["detailsMap"] = dict(e.status_details)
    out: dict[str, Any] = {
        "jobId": e.job_id,
        "status": e.status,
        "statusDetails": details,
        "thingArn": e.thing_arn,
        "queuedAt": e.queued_at,
        "lastUpdatedAt": e.last_updated_at,
        "executionNumber": e.execution_number,
        "versionNumber": e.version_number,
    }
    _put(out, "forceCanceled", e.force_canceled)
    _put(out, "startedAt", e.started_at)
    _put(out, "approximateSecondsBeforeTimedOut", seconds_left(e, now))
    return out


def seconds_left(e: JobExecution, now: float) -> int | None:
    """approximateSecondsBeforeTimedOut: only while a timer runs on a non-terminal execution."""
    if e.timeout_at is None or e.status in ex.TERMINAL:
        return None
    return max(0, int(e.timeout_at - now))


def execution_summary(e: JobExecution) -> dict[str, Any]:
    out: dict[str, Any] = {
        "status": e.status,
        "queuedAt": e.queued_at,
        "lastUpdatedAt": e.last_updated_at,
        "executionNumber": e.execution_number,
        "retryAttempt": e.retry_attempt,
    }
    _put(out, "startedAt", e.started_at)
    return out


def template(t: JobTemplate) -> dict[str, Any]:
    out: dict[str, Any] = {
        "jobTemplateArn": t.arn,
        "jobTemplateId": t.template_id,
        "description": t.description,
        "createdAt": t.created_at,
    }
    _put(out, "documentSource", t.document_source)
    _put(out, "document", t.document)
    _put(out, "presignedUrlConfig", t.presigned_url_config)
    _put(out, "jobExecutionsRolloutConfig", t.rollout_config)
    _put(out, "abortConfig", t.abort_config)
    _put(out, "timeoutConfig", t.timeout_config)
    _put(out, "jobExecutionsRetryConfig", t.retry_config)
    _put(out, "maintenanceWindows", t.maintenance_windows)
    _put(out, "destinationPackageVersions", t.destination_package_versions)
    return out


def thing(t: Thing) -> dict[str, Any]:
    out: dict[str, Any] = {
        "defaultClientId": t.name,
        "thingName": t.name,
        "thingId": t.thing_id,
        "thingArn": t.arn,
        "attributes": dict(t.attributes),
        "version": t.version,
    }
    _put(out, "thingTypeName", t.type_name)
    return out


def thing_attribute(t: Thing) -> dict[str, Any]:
    out: dict[str, Any] = {
        "thingName": t.name,
        "thingArn": t.arn,
        "attributes": dict(t.attributes),
        "version": t.version,
    }
    _put(out, "thingTypeName", t.type_name)
    return out


def group_ref(g: ThingGroup) -> dict[str, Any]:
    return {"groupName": g.name, "groupArn": g.arn}


# --- device plane (iot-jobs-data): flat statusDetails, `long` timestamps -------------------


def _long_time(value: float | None, millis: bool) -> int | None:
    """Data-plane timestamps are `long` epoch seconds (milliseconds behind a switch)."""
    if value is None:
        return None
    return int(value * 1000) if millis else int(value)


def device_execution(
    e: JobExecution, thing_name: str, now: float, *, millis: bool, document: str | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "jobId": e.job_id,
        "thingName": thing_name,
        "status": e.status,
        "queuedAt": _long_time(e.queued_at, millis),
        "lastUpdatedAt": _long_time(e.last_updated_at, millis),
        "versionNumber": e.version_number,
        "executionNumber": e.execution_number,
    }
    # The device plane leaves statusDetails out until some are set (the AWS CLI's documented
    # examples for describe-job-execution, start-next-pending-... and update-job-execution).
    _put(out, "statusDetails", dict(e.status_details) or None)
    _put(out, "startedAt", _long_time(e.started_at, millis))
    _put(out, "approximateSecondsBeforeTimedOut", seconds_left(e, now))
    _put(out, "jobDocument", document)
    return out


def device_execution_summary(e: JobExecution, *, millis: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "jobId": e.job_id,
        "queuedAt": _long_time(e.queued_at, millis),
        "lastUpdatedAt": _long_time(e.last_updated_at, millis),
        "versionNumber": e.version_number,
        "executionNumber": e.execution_number,
    }
    _put(out, "startedAt", _long_time(e.started_at, millis))
    return out


def device_execution_state(e: JobExecution) -> dict[str, Any]:
    out: dict[str, Any] = {"status": e.status, "versionNumber": e.version_number}
    _put(out, "statusDetails", dict(e.status_details) or None)
    return out
