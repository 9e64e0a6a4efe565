"""Lookups shared by the handlers (each raises the modeled not-found error)."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.sim.api.host import ApiHost
from iotjobs_tui.sim.api.registry import RequestContext
from iotjobs_tui.sim.engine.state import Job, RegionState, Thing
from iotjobs_tui.sim.wire.errors import not_found


def region_state(ctx: RequestContext) -> RegionState:
    return ctx.emulator.region(ctx.region)


def emulator(ctx: RequestContext) -> ApiHost:
    return ctx.emulator


def get_job(ctx: RequestContext, params: dict[str, Any]) -> Job:
    """The job named by `jobId`, checking `namespaceId` when the call passes one."""
    job = region_state(ctx).jobs.get(params["jobId"])
    if job is None:
        raise not_found(f"Job {params['jobId']} does not exist.")
    namespace = params.get("namespaceId")
    if (
        namespace is not None
        and namespace != job.namespace_id
        and ctx.emulator.config.namespace_mismatch_not_found
    ):
        raise not_found(f"Job {job.job_id} does not exist in namespace {namespace}.")
    return job


def get_thing(state: RegionState, name: str) -> Thing:
    thing = state.things.get(name)
    if thing is None:
        raise not_found(f"Thing {name} does not exist.")
    return thing
