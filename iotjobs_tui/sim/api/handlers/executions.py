"""Job executions on the control plane: list, describe, cancel, delete."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.sim.api import views
from iotjobs_tui.sim.api.handlers.common import get_job, region_state
from iotjobs_tui.sim.api.paging import paginate_sorted
from iotjobs_tui.sim.api.registry import CONTROL, Operations, RequestContext
from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.job_engine import JOB_DELETING
from iotjobs_tui.sim.engine.state import Job, JobExecution, RegionState
from iotjobs_tui.sim.engine.transitions import Actor
from iotjobs_tui.sim.wire.errors import ServiceError, invalid_state, not_found

ops = Operations()


def _execution(job: Job, thing_name: str, number: int | None) -> JobExecution:
    history = job.by_thing.get(thing_name, [])
    if number is None:
        if history:
            return history[-1]  # the latest when no executionNumber is given
    else:
        for execution in history:
            if execution.execution_number == number:
                return execution
    suffix = f" with executionNumber {number}" if number is not None else ""
    raise not_found(f"No execution of job {job.job_id} on thing {thing_name}{suffix}.")


def _require_thing(state: RegionState, thing_name: str) -> None:
    if thing_name not in state.things and thing_name not in state.executions_by_thing:
        raise not_found(f"Thing {thing_name} does not exist.")


@ops.operation(CONTROL, "ListJobExecutionsForJob")
def list_job_executions_for_job(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    job = get_job(ctx, params)
    status = params.get("status")
    latest_only = ctx.emulator.config.list_executions_for_job_latest_only

    def keep(e: JobExecution) -> bool:
        if status is not None and e.status != status:
            return False
        return not latest_only or job.by_thing[e.thing_name][-1] is e

    items, token = paginate_sorted(
        job.executions,
        lambda e: (e.seq,),
        params,
        "executions-for-job",
        ctx.emulator.config.default_page_size,
        keep=keep,
    )
    out: dict[str, Any] = {
        "executionSummaries": [
            {"thingArn": e.thing_arn, "jobExecutionSummary": views.execution_summary(e)}
            for e in items
        ]
    }
    if token:
        out["nextToken"] = token
    return out


@ops.operation(CONTROL, "ListJobExecutionsForThing")
def list_job_executions_for_thing(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = region_state(ctx)
    thing_name = params["thingName"]
    _require_thing(state, thing_name)
    status = params.get("status")
    job_id = params.get("jobId")
    namespace = params.get("namespaceId")

    def keep(e: JobExecution) -> bool:
        if status is not None and e.status != status:
            return False
        if job_id is not None and e.job_id != job_id:
            return False
        if namespace is not None:
            job = state.jobs.get(e.job_id)
            return job is not None and job.namespace_id == namespace
        return True

    items, token = paginate_sorted(
        state.executions_by_thing.get(thing_name, []),
        lambda e: (e.seq,),
        params,
        "executions-for-thing",
        ctx.emulator.config.default_page_size,
        keep=keep,
    )
    out: dict[str, Any] = {
        "executionSummaries": [
            {"jobId": e.job_id, "jobExecutionSummary": views.execution_summary(e)} for e in items
        ]
    }
    if token:
        out["nextToken"] = token
    return out


@ops.operation(CONTROL, "DescribeJobExecution")
def describe_job_execution(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = region_state(ctx)
    _require_thing(state, params["thingName"])
    job = get_job(ctx, params)
    execution = _execution(job, params["thingName"], params.get("executionNumber"))
    return {"execution": views.execution(execution, ctx.emulator.now())}


@ops.operation(CONTROL, "CancelJobExecution")
def cancel_job_execution(ctx: RequestContext, params: dict[str, Any]) -> None:
    state = region_state(ctx)
    _require_thing(state, params["thingName"])
    job = get_job(ctx, params)
    if job.status == JOB_DELETING:
        raise invalid_state(f"Job {job.job_id} is being deleted.")
    execution = _execution(job, params["thingName"], None)
    expected = params.get("expectedVersion")
    if expected is not None and expected != execution.version_number:
        raise ServiceError(
            "VersionConflictException",
            f"The execution's version is {execution.version_number}, not {expected}.",
        )
    ctx.emulator.engine.set_execution_status(
        state,
        job,
        execution,
        ex.CANCELED,
        Actor.SERVICE,
        ctx.emulator.now(),
        force=bool(params.get("force")),
        status_details=params.get("statusDetails"),
    )


@ops.operation(CONTROL, "DeleteJobExecution")
def delete_job_execution(ctx: RequestContext, params: dict[str, Any]) -> None:
    state = region_state(ctx)
    _require_thing(state, params["thingName"])
    job = get_job(ctx, params)
    execution = _execution(job, params["thingName"], params["executionNumber"])
    force = bool(params.get("force"))
    if execution.status == ex.IN_PROGRESS and not force:
        raise invalid_state(
            "The job execution is IN_PROGRESS; delete it with force=true to delete it anyway."
        )
    if (
        execution.status == ex.QUEUED
        and not force
        and not ctx.emulator.config.delete_queued_execution_allowed
    ):
        raise invalid_state("The job execution is QUEUED; only terminal executions can be deleted.")
    engine = ctx.emulator.engine
    engine.delete_execution(state, job, execution)
    engine.check_completion(job, ctx.emulator.now())
