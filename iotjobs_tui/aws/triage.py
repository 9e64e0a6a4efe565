"""Stuck triage, the calls: one budgeted cycle (the pure part is `aws.stuck`).

A cycle costs at most `SCAN_PAGES` ListJobExecutionsForJob pages per status (QUEUED, then
IN_PROGRESS; a status DescribeJob counts none of is not listed), then at most
`CHECKS_PER_CYCLE` suspects checked with one or two calls each:

- QUEUED: ListJobExecutionsForThing (one page: another job IN_PROGRESS on the thing?), then
  GetThingConnectivityData unless another job explains it;
- IN_PROGRESS: DescribeJobExecution (approximateSecondsBeforeTimedOut, its last update), then
  GetThingConnectivityData.

A suspect is checked again after `RECHECK_SECONDS`. The API lists in no documented order, so
a big list is swept a few pages a cycle, resuming from the last nextToken (`StatusScan`), and
the report says how much it has seen. When fleet indexing has no connectivity, the answer
says so once and the triage stops asking for `INDEXING_RECHECK_SECONDS`.

The caller runs a cycle in the background budget (aws/pacer.py): 1 call a second per
operation, 2 in total, whatever this asks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from iotjobs_tui.aws import executions as ex
from iotjobs_tui.aws import stuck
from iotjobs_tui.aws.api import JobsApi
from iotjobs_tui.aws.errors import describe_error, error_code
from iotjobs_tui.aws.models import Job, parse_execution_for_job, parse_timestamp
from iotjobs_tui.aws.stuck import (
    PAGE_SIZE,
    SCAN_PAGES,
    Check,
    Connectivity,
    Suspect,
    Thresholds,
    TriageReport,
    TriageState,
)
from iotjobs_tui.common.statuses import ExecStatus

CHECKS_PER_CYCLE = 25  # suspects checked per cycle (at most 2 calls each)
RECHECK_SECONDS = 300.0  # a suspect's check is trusted this long
INDEXING_RECHECK_SECONDS = 600.0  # after "indexing off" or "denied", ask again this late

# GetThingConnectivityData without connectivity indexing: AWS documents no error for it, so
# both plausible ones mean "off" (the emulator answers InvalidRequestException).
INDEXING_OFF_CODES = frozenset({"InvalidRequestException", "IndexNotReadyException"})
DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedException"})


async def run_cycle(
    api: JobsApi,
    state: TriageState,
    job: Job,
    clock: Callable[[], datetime],
    limits: Thresholds,
) -> TriageReport:
    """Scan, check the suspects due, classify. Listing errors raise (the loop backs off); a
    failed check ends the checks of this cycle and is reported with what was found."""
    process = job.process
    counts = {
        ExecStatus.QUEUED: process.queued if process is not None else None,
        ExecStatus.IN_PROGRESS: process.in_progress if process is not None else None,
    }
    for status, count in counts.items():
        if count == 0:
            state.scans[status].empty()
        else:
            await _scan(api, state, status, count, clock())
    now = clock()
    timeout = job.timeout.in_progress_minutes if job.timeout is not None else None
    suspects = stuck.find_suspects(state, now, limits, timeout)
    due = stuck.due_for_check(suspects, state.checks, now, CHECKS_PER_CYCLE, RECHECK_SECONDS)
    error = None
    for suspect in due:
        try:
            state.record(suspect.thing, await _check(api, state, suspect, clock))
        except Exception as exc:  # the scan stands; the rest waits for the next cycle
            error = describe_error(exc)
            break
    report = stuck.classify(state, suspects, clock(), limits, error)
    unfinished = job.process.unfinished if job.process is not None else None
    return dataclasses.replace(report, unfinished=unfinished)


def _token(response: Mapping[str, Any]) -> str | None:
    token = response.get("nextToken")
    return token if isinstance(token, str) and token else None


async def _scan(
    api: JobsApi, state: TriageState, status: str, count: int | None, now: datetime
) -> None:
    scan = state.scans[status]
    scan.begin(count)
    for _ in range(SCAN_PAGES):
        params: dict[str, Any] = {"jobId": state.job_id, "status": status, "maxResults": PAGE_SIZE}
        if scan.token:
            params["nextToken"] = scan.token
        try:
            response = await api._call(
                "ListJobExecutionsForJob", "list_job_executions_for_job", **params
            )
        except Exception as exc:
            if scan.token and error_code(exc) == "InvalidRequestException":
                scan.restart()  # our saved token expired: this sweep starts over next cycle
                return
            raise
        items = response.get("executionSummaries") or []
        scan.add((parse_execution_for_job(i) for i in items if isinstance(i, Mapping)), now)
        token = _token(response)
        if token is None or token == scan.token or scan.swept_enough:
            scan.finish()
            return
        scan.token = token


async def _check(
    api: JobsApi, state: TriageState, suspect: Suspect, clock: Callable[[], datetime]
) -> Check:
    thing = suspect.thing
    if suspect.status == ExecStatus.QUEUED:
        rows = await ex.list_thing_executions(api, thing, None, limit_pages=1)
        status, blockers = stuck.blockers_from(rows, state.job_id)
        link = None if blockers else await _connectivity(api, state, thing, clock)
        return Check(at=clock(), status=status, blockers=blockers, connectivity=link)
    execution = await ex.describe_job_execution(api, state.job_id, thing)
    at = clock()
    link = await _connectivity(api, state, thing, clock)
    return Check(
        at=at,
        status=execution.status,
        seconds_left=execution.approximate_seconds_before_timed_out,
        last_updated=execution.last_updated_at,
        connectivity=link,
        execution=execution,
    )


async def _connectivity(
    api: JobsApi, state: TriageState, thing: str, clock: Callable[[], datetime]
) -> Connectivity | None:
    """The thing's connectivity, or None when it cannot be known (and why, in `state`)."""
    if (
        state.indexing in ("off", "denied")
        and state.indexing_at is not None
        and (clock() - state.indexing_at).total_seconds() < INDEXING_RECHECK_SECONDS
    ):
        return None
    try:
        response = await api._call(
            "GetThingConnectivityData", "get_thing_connectivity_data", thingName=thing
        )
    except Exception as exc:
        code = error_code(exc)
        if code in INDEXING_OFF_CODES or code in DENIED_CODES:
            state.indexing = "off" if code in INDEXING_OFF_CODES else "denied"
            state.indexing_at = clock()
            return None
        if code == "ResourceNotFoundException":
            return None  # the thing was deleted meanwhile
        raise
    state.indexing, state.indexing_at = "on", clock()
    connected = response.get("connected") if isinstance(response, Mapping) else None
    timestamp = response.get("timestamp") if isinstance(response, Mapping) else None
    return Connectivity(
        connected=connected if isinstance(connected, bool) else None,
        at=parse_timestamp(timestamp),
    )
