"""Job executions: the read-only calls that fetch them (models in `execution_models`).

The calls take a `JobsApi` and go through its `_call`, so they are counted and their
throttles show in the status bar like every other call.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

from iotjobs_tui.aws.api import JobsApi
from iotjobs_tui.aws.errors import error_code
from iotjobs_tui.aws.execution_models import (
    DEFAULT_PAGE_PAUSE,
    EXECUTIONS_PAGE,
    JobExecution,
    Located,
    ThingExecution,
    parse_execution_for_thing,
    parse_job_execution,
)
from iotjobs_tui.aws.models import JobExecutionSummary, parse_execution_for_job


def _token(response: Mapping[str, Any]) -> str | None:
    token = response.get("nextToken")
    return token if isinstance(token, str) and token else None


async def iter_job_executions(
    api: JobsApi,
    job_id: str,
    status: str | None = None,
    page_size: int = EXECUTIONS_PAGE,
    pause: float = DEFAULT_PAGE_PAUSE,
) -> AsyncIterator[list[JobExecutionSummary]]:
    """Every ListJobExecutionsForJob page, with `pause` seconds between calls."""
    params: dict[str, Any] = {"jobId": job_id, "maxResults": page_size}
    if status:
        params["status"] = status
    seen: set[str] = set()
    while True:
        response = await api._call(
            "ListJobExecutionsForJob", "list_job_executions_for_job", **params
        )
        items = response.get("executionSummaries") or []
        yield [parse_execution_for_job(item) for item in items if isinstance(item, Mapping)]
        token = _token(response)
        if token is None or token in seen:  # a repeated token would loop forever
            return
        seen.add(token)
        params["nextToken"] = token
        if pause > 0:
            await asyncio.sleep(pause)


async def list_thing_executions(
    api: JobsApi, thing_name: str, job_id: str | None = None, limit_pages: int = 20
) -> list[ThingExecution]:
    """ListJobExecutionsForThing, every page up to `limit_pages` (a thing has few jobs)."""
    params: dict[str, Any] = {"thingName": thing_name, "maxResults": 250}
    if job_id:
        params["jobId"] = job_id
    rows: list[ThingExecution] = []
    seen: set[str] = set()
    for _ in range(limit_pages):
        response = await api._call(
            "ListJobExecutionsForThing", "list_job_executions_for_thing", **params
        )
        items = response.get("executionSummaries") or []
        rows.extend(parse_execution_for_thing(i) for i in items if isinstance(i, Mapping))
        token = _token(response)
        if token is None or token in seen:
            break
        seen.add(token)
        params["nextToken"] = token
    return rows


async def describe_job_execution(
    api: JobsApi, job_id: str, thing_name: str, execution_number: int | None = None
) -> JobExecution:
    params: dict[str, Any] = {"jobId": job_id, "thingName": thing_name}
    if execution_number is not None:
        params["executionNumber"] = execution_number
    response = await api._call("DescribeJobExecution", "describe_job_execution", **params)
    return parse_job_execution(response, job_id, thing_name)


async def locate_execution(
    api: JobsApi, job_id: str, thing_name: str, execution_number: int | None
) -> Located:
    """Check the job, the thing and the number separately, so each gets its own message.

    Errors other than ResourceNotFound (throttling, network) are raised to the caller.
    """
    job_error = thing_error = None
    try:
        await api._call("DescribeJob", "describe_job", jobId=job_id)
    except Exception as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        job_error = f"No job {job_id} (DescribeJob: ResourceNotFoundException)."
    try:
        await api._call("DescribeThing", "describe_thing", thingName=thing_name)
    except Exception as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        thing_error = f"No thing {thing_name} (DescribeThing: ResourceNotFoundException)."
    if job_error or thing_error:
        return Located(job_error, thing_error)
    history = await list_thing_executions(api, thing_name, job_id)
    numbers = sorted(r.execution_number for r in history if r.execution_number is not None)
    if not numbers:
        return Located(thing_error=f"Thing {thing_name} has no execution of job {job_id}.")
    if execution_number is None:
        return Located(execution_number=numbers[-1])
    if execution_number not in numbers:
        have = ", ".join(str(n) for n in numbers)
        return Located(
            number_error=f"No execution number {execution_number} (this thing has {have})."
        )
    return Located(execution_number=execution_number)
