"""The device plane (`iot-jobs-data`) over HTTP: thin wrappers over `sim/device_plane.py`.

The protocol layer tells the planes apart by the SigV4 scope and percent-decodes labels, so
DescribeJobExecution's `%24next` arrives here as `$next` (StartNext's literal `$next` path is
its own operation).
"""

from __future__ import annotations

from typing import Any

from iotjobs_tui.sim.api import views
from iotjobs_tui.sim.api.registry import DEVICE, Operations, RequestContext
from iotjobs_tui.sim.devices import plane as device_plane
from iotjobs_tui.sim.engine.state import Job, JobExecution

ops = Operations()


def _execution(
    ctx: RequestContext, job: Job, execution: JobExecution, *, with_document: bool
) -> dict[str, Any]:
    em = ctx.emulator
    document = device_plane.job_document(em, job, ctx.base_url) if with_document else None
    return views.device_execution(
        execution,
        execution.thing_name,
        em.now(),
        millis=em.config.data_plane_timestamps_ms,
        document=document,
    )


@ops.operation(DEVICE, "GetPendingJobExecutions")
def get_pending_job_executions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    em = ctx.emulator
    millis = em.config.data_plane_timestamps_ms
    in_progress, queued = device_plane.pending_executions(em, ctx.region, params["thingName"])
    return {
        "inProgressJobs": [
            views.device_execution_summary(e, millis=millis) for _, e in in_progress
        ],
        "queuedJobs": [views.device_execution_summary(e, millis=millis) for _, e in queued],
    }


@ops.operation(DEVICE, "StartNextPendingJobExecution")
def start_next_pending_job_execution(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    em = ctx.emulator
    pair = device_plane.start_next(
        em,
        ctx.region,
        params["thingName"],
        em.now(),
        status_details=params.get("statusDetails"),
        step_timeout_minutes=params.get("stepTimeoutInMinutes"),
    )
    if pair is None:
        return {}  # nothing pending: HTTP 200 with no `execution` (notes §3.12)
    job, execution = pair
    # The MQTT API sends the document with the started execution; over HTTP we do the same.
    return {"execution": _execution(ctx, job, execution, with_document=True)}


@ops.operation(DEVICE, "UpdateJobExecution")
def update_job_execution(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    em = ctx.emulator
    job, execution = device_plane.update_execution(
        em,
        ctx.region,
        params["thingName"],
        params["jobId"],
        em.now(),
        status=params["status"],
        status_details=params.get("statusDetails"),
        expected_version=params.get("expectedVersion"),
        execution_number=params.get("executionNumber"),
        step_timeout_minutes=params.get("stepTimeoutInMinutes"),
    )
    out: dict[str, Any] = {}
    if params.get("includeJobExecutionState"):
        out["executionState"] = views.device_execution_state(execution)
    if params.get("includeJobDocument"):
        out["jobDocument"] = device_plane.job_document(em, job, ctx.base_url)
    return out


@ops.operation(DEVICE, "DescribeJobExecution")
def describe_job_execution(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    em = ctx.emulator
    pair = device_plane.describe_execution(
        em,
        ctx.region,
        params["thingName"],
        params["jobId"],
        execution_number=params.get("executionNumber"),
    )
    if pair is None:
        return {}  # `$next` with nothing pending
    job, execution = pair
    include = params.get("includeJobDocument")
    if include is None:
        include = em.config.describe_include_document_default
    return {"execution": _execution(ctx, job, execution, with_document=bool(include))}
