"""Keeping a loaded executions list current without re-listing it.

A job of 100,000 executions is 400 ListJobExecutionsForJob pages: loading it once is fine
(paced, 200 s), re-listing it every 15 s is not. One refresh cycle instead costs a handful of
calls, whatever the job's size:

1. **DescribeJob** (1 call): the service's per-status counts, the ground truth the list is
   checked against.
2. **Re-list the non-terminal statuses** (QUEUED, then IN_PROGRESS) with the `status` filter,
   up to `MAX_SWEEP_PAGES` pages each. This is where everything that can still change lives:
   new executions (they are created QUEUED, retries too), QUEUED → IN_PROGRESS moves, and
   progress updates. Rows come back keyed by (thing, execution number) and are updated in
   place. A rollout keeps these sets small (about rate times step time), so this is 1-4 pages.
3. **Rows that left** a non-terminal status: a row loaded as QUEUED or IN_PROGRESS that a
   *complete* sweep of that status no longer returns has finished. Where it went:
   - each small terminal status (FAILED, REJECTED, TIMED_OUT, REMOVED, CANCELED) whose count
     in DescribeJob differs from the list's is re-listed (usually one page);
   - rows still unaccounted for are SUCCEEDED by elimination, but only when the counts
     allow nothing else: every small terminal status matches DescribeJob, and SUCCEEDED is
     short by at least that many. Otherwise they stay as they were, and the ones on screen
     (at most `MAX_DESCRIBES`) are read one by one with DescribeJobExecution.
   SUCCEEDED itself is never re-listed: it is the big one (up to the whole fleet).

A cycle therefore costs 1 + ceil(queued/250) + ceil(in progress/250) + (small statuses that
changed) + (up to 5 describes), about 3-10 calls, and returns how many it made.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from iotjobs_tui.aws import executions as ex
from iotjobs_tui.aws.api import JobsApi
from iotjobs_tui.aws.execution_models import EXECUTIONS_PAGE, SyncResult
from iotjobs_tui.aws.models import (
    COUNTER_OF,
    JobExecutionSummary,
    JobProcessDetails,
    summary_key,
)
from iotjobs_tui.common.statuses import EXEC_FAILURES, ExecStatus

SWEPT = (ExecStatus.QUEUED, ExecStatus.IN_PROGRESS)
# Every terminal status but SUCCEEDED (the big one): the small ones, re-listed whole.
SMALL_TERMINAL = (*EXEC_FAILURES, ExecStatus.REMOVED, ExecStatus.CANCELED)
MAX_SWEEP_PAGES = 20  # 5,000 rows per status and cycle; a larger set is swept over cycles
MAX_TERMINAL_PAGES = 8
MAX_DESCRIBES = 5


def server_count(process: JobProcessDetails, status: str) -> int | None:
    attr = COUNTER_OF.get(status)
    return None if attr is None else process.count(attr)


async def _list_status(
    api: JobsApi, job_id: str, status: str, max_pages: int, pause: float, result: SyncResult
) -> tuple[list[JobExecutionSummary], bool]:
    """Up to `max_pages` pages of one status; True when the listing was complete."""
    rows: list[JobExecutionSummary] = []
    pages = 0
    async for page in ex.iter_job_executions(api, job_id, status, EXECUTIONS_PAGE, pause):
        pages += 1
        result.calls += 1
        rows.extend(page)
        if len(page) < EXECUTIONS_PAGE:
            return rows, True  # a short page is the last: no call needed to say so
        if pages >= max_pages:
            return rows, False
    return rows, True


async def sync_executions(
    api: JobsApi,
    job_id: str,
    unfinished: Mapping[str, str],
    loaded_counts: Mapping[str, int],
    status_of: Callable[[str], str | None],
    visible: Iterable[str],
    status_filter: str | None = None,
    pause: float = 0.0,
) -> SyncResult:
    """One refresh cycle for a loaded list.

    `unfinished` maps the loaded QUEUED and IN_PROGRESS rows' keys to their status,
    `loaded_counts` counts every loaded row by status, `status_of` looks a loaded row up, and
    `visible` names the rows on screen (read first when something stays unclear).
    """
    result = SyncResult()
    job = await api.describe_job(job_id)
    result.calls += 1
    result.process = job.process
    seen: dict[str, str] = {}
    left: set[str] = set()
    for status in SWEPT:
        if status_filter not in (None, status):
            continue
        rows, complete = await _list_status(api, job_id, status, MAX_SWEEP_PAGES, pause, result)
        result.updated.extend(rows)
        keys = {summary_key(row) for row in rows}
        seen.update((key, status) for key in keys)
        if complete:
            left.update(key for key, was in unfinished.items() if was == status and key not in keys)
    if not left or result.process is None:
        return result
    # The list's counts as they will be once this cycle's rows are in (left rows: nowhere).
    after: Counter[str] = Counter(loaded_counts)
    for key, was in unfinished.items():
        if key in left:
            after[was] -= 1
        elif key in seen and seen[key] != was:
            after[was] -= 1
            after[seen[key]] += 1
    after.update(status for key, status in seen.items() if key not in unfinished)
    # Where did the rows that left go? First the small terminal statuses that changed.
    for status in SMALL_TERMINAL:
        if status_filter not in (None, status):
            continue
        if server_count(result.process, status) == after[status]:
            continue
        rows, _ = await _list_status(api, job_id, status, MAX_TERMINAL_PAGES, pause, result)
        result.updated.extend(rows)
        for row in rows:
            key = summary_key(row)
            previous = None if key in left else status_of(key)
            left.discard(key)
            if previous is not None and previous != status:
                after[previous] -= 1
            if previous != status:
                after[status] += 1
    if not left:
        return result
    # Elimination: a row that left QUEUED/IN_PROGRESS and is in none of the small terminal
    # statuses (each matches DescribeJob, or was just re-listed until it did) has SUCCEEDED,
    # if DescribeJob counts at least that many more successes than the list holds. QUEUED
    # and IN_PROGRESS may disagree: the rollout moves on between the calls of a cycle.
    small_match = all(
        server_count(result.process, status) == after[status] for status in SMALL_TERMINAL
    )
    short = (server_count(result.process, ExecStatus.SUCCEEDED) or 0) - after[ExecStatus.SUCCEEDED]
    if status_filter is None and small_match and short >= len(left):
        result.inferred = dict.fromkeys(left, ExecStatus.SUCCEEDED)
        return result
    # Otherwise read the ones on screen, one by one.
    for key in [key for key in visible if key in left][:MAX_DESCRIBES]:
        thing, _, number = key.rpartition("#")
        execution = await ex.describe_job_execution(
            api, job_id, thing, int(number) if number.isdigit() else None
        )
        result.calls += 1
        result.updated.append(
            JobExecutionSummary(
                thing_arn=execution.thing_arn or thing,
                status=execution.status,
                execution_number=execution.execution_number,
                queued_at=execution.queued_at,
                started_at=execution.started_at,
                last_updated_at=execution.last_updated_at,
            )
        )
        left.discard(key)
        if pause > 0:
            await asyncio.sleep(pause)
    result.unresolved = len(left)
    return result
