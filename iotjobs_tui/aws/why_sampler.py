"""The why panel's calls (issue 12): list a job's executions per status, describe a few.

Every call goes through `JobsApi._call`, so it is counted and paced by the one limiter. The
caller runs these inside `pacer.background()` (DataService.run(background=True)): at most one
call a second per operation, two in all with the other background work. A cycle fills the
`CycleResult` it is given as it goes, so a cycle that fails half-way (a throttle) keeps the
pages and descriptions it already paid for. Listings are sweeps: a cycle reads at most
`PAGES_PER_CYCLE` pages, and the next one resumes with the nextToken (`WhySample.plan`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from iotjobs_tui.aws.api import JobsApi
from iotjobs_tui.aws.errors import error_code
from iotjobs_tui.aws.execution_models import JobExecution
from iotjobs_tui.aws.executions import describe_job_execution
from iotjobs_tui.aws.models import parse_execution_for_job
from iotjobs_tui.aws.why_sample import (
    PAGE,
    PAGES_PER_CYCLE,
    Chooser,
    CycleResult,
    Row,
    Sweeps,
)

NOT_FOUND = "ResourceNotFoundException"
# An execution the service cannot describe (a thing name it would never accept, from a broken
# endpoint) is dropped from the sample like a deleted one, instead of stopping the sampler.
SKIPPED = (NOT_FOUND, "InvalidRequestException")
BAD_TOKEN = "InvalidRequestException"  # an expired nextToken (AWS documents no other code)


async def list_page(
    api: JobsApi, job_id: str, status: str, token: str | None, result: CycleResult
) -> tuple[list[Row], str | None]:
    """One ListJobExecutionsForJob page of `status`: (thing, execution number) rows and the
    nextToken (None at the end, or when the service repeats the token it was given)."""
    params: dict[str, Any] = {"jobId": job_id, "status": status, "maxResults": PAGE}
    if token:
        params["nextToken"] = token
    result.calls += 1
    response = await api._call("ListJobExecutionsForJob", "list_job_executions_for_job", **params)
    rows: list[Row] = []
    for item in response.get("executionSummaries") or []:
        if isinstance(item, Mapping):
            summary = parse_execution_for_job(item)
            if summary.thing_name:
                rows.append((summary.thing_name, summary.execution_number))
    following = response.get("nextToken")
    if not isinstance(following, str) or not following or following == token:
        following = None
    return rows, following


async def sweep(
    api: JobsApi,
    job_id: str,
    sweeps: Sweeps,
    result: CycleResult,
    budget: int = PAGES_PER_CYCLE,
) -> None:
    """Continue each (status, nextToken, pages left) sweep, `budget` pages in all."""
    for status, token, left in sweeps:
        rows: list[Row] = []
        read = 0
        while budget > 0 and read < left:
            try:
                page, token = await list_page(api, job_id, status, token, result)
            except Exception as exc:
                if token is None or error_code(exc) != BAD_TOKEN:
                    raise
                result.expired.append(status)
                break
            rows.extend(page)
            read += 1
            budget -= 1
            result.pages[status] = (rows, token, read)  # kept if a later call fails
            if token is None:
                break
        if budget <= 0:
            return


async def describe(
    api: JobsApi, job_id: str, rows: Iterable[Row], result: CycleResult
) -> list[JobExecution]:
    """DescribeJobExecution of each (thing, number); a deleted one goes to `result.gone`."""
    found: list[JobExecution] = []
    for thing, number in rows:
        result.calls += 1
        try:
            execution = await describe_job_execution(api, job_id, thing, number)
        except Exception as exc:
            if error_code(exc) not in SKIPPED:
                raise
            result.gone.append((thing, number))
            continue
        found.append(execution)
        result.described.append(execution)
    return found


async def run_cycle(
    api: JobsApi,
    job_id: str,
    sweeps: Sweeps,
    choose: Chooser,
    result: CycleResult,
) -> CycleResult:
    """Read the next pages of `sweeps`, then describe what `choose` picks given them."""
    await sweep(api, job_id, sweeps, result)
    await describe(api, job_id, choose(result.pages), result)
    return result


async def describe_things(
    api: JobsApi, job_id: str, things: Sequence[str], result: CycleResult
) -> CycleResult:
    """The latest execution of the job on each thing (the things list of a bucket)."""
    await describe(api, job_id, ((thing, None) for thing in things), result)
    return result
