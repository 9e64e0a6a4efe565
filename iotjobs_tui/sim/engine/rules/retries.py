"""Retries (`jobExecutionsRetryConfig`, research notes §3.8).

When the latest execution of a thing ends FAILED or TIMED_OUT and a criterion matches
(FAILED, TIMED_OUT or ALL; the specific one wins over ALL), a new QUEUED execution for the
same (job, thing) is created at once with executionNumber + 1 and retryAttempt + 1. The
failed one stays as history (ListJobExecutionsForThing shows it; DescribeJobExecution
without a number returns the newest). REJECTED is never retried; at most 10 retries for all
failure types together. The job counters count executions, so a retried thing inflates them
(boto3#4656, notes §3.3). Rejoining a continuous job after REMOVED starts the count over.

Our choices (undocumented): the retry is created immediately (no back-off), and no retry is
made once the job is CANCELED/COMPLETED or its scheduling endTime has passed (abort is
documented to drop queued retries).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.job_engine import JOB_IN_PROGRESS, JOB_SCHEDULED
from iotjobs_tui.sim.engine.state import Job, JobExecution, RegionState

if TYPE_CHECKING:
    from iotjobs_tui.sim.engine.rules.host import RuleHost

RETRYABLE = frozenset({ex.FAILED, ex.TIMED_OUT})
MAX_RETRIES = 10  # documented: "up to 10 retries for both failure types combined"


def criterion_for(status: str, criteria: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The retry criterion that covers a final status (an exact failureType beats ALL)."""
    if status not in RETRYABLE:
        return None
    exact = next((c for c in criteria if c.get("failureType") == status), None)
    if exact is not None:
        return exact
    return next((c for c in criteria if c.get("failureType") == "ALL"), None)


def install(emulator: RuleHost) -> None:
    def listener(
        state: RegionState, job: Job, execution: JobExecution, old: str | None, at: float
    ) -> None:
        if old is None or execution.status not in RETRYABLE or not job.retry_config:
            return
        if job.status not in (JOB_IN_PROGRESS, JOB_SCHEDULED) or job.ended:
            return
        history = job.by_thing.get(execution.thing_name)
        if not history or history[-1] is not execution or execution.thing_name not in state.things:
            return
        criteria = list(job.retry_config.get("criteriaList") or [])
        criterion = criterion_for(execution.status, criteria)
        if criterion is None or execution.retry_attempt >= MAX_RETRIES:
            return
        used = 0
        for earlier in reversed(history[:-1]):
            if earlier.status == ex.REMOVED:
                break  # rejoining after a removal resets the retry counter (documented)
            if criterion_for(earlier.status, criteria) is criterion:
                used += 1
        if used >= int(criterion.get("numberOfRetries", 0)):
            return
        emulator.engine.create_execution(
            state, job, execution.thing_name, at, retry_attempt=execution.retry_attempt + 1
        )

    emulator.engine.execution_listeners.append(listener)
