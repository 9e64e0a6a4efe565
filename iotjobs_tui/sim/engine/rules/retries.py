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

from collections.abc import Sequence

from iotjobs_tui.common.job_configs import RetryCriterion
from iotjobs_tui.common.statuses import RETRYABLE_STATUSES, FailureType
from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.core import ExecutionChange
from iotjobs_tui.sim.engine.job_engine import JOB_IN_PROGRESS, JOB_SCHEDULED, JobEngine, Rule

MAX_RETRIES = 10  # documented: "up to 10 retries for both failure types combined"


def criterion_for(status: str, criteria: Sequence[RetryCriterion]) -> RetryCriterion | None:
    """The retry criterion that covers a final status (an exact failureType beats ALL)."""
    if status not in RETRYABLE_STATUSES:
        return None
    exact = next((c for c in criteria if c.failure_type == status), None)
    if exact is not None:
        return exact
    return next((c for c in criteria if c.failure_type == FailureType.ALL), None)


class RetryRule(Rule):
    """Queues the retry of a failed or timed-out latest execution (after abort, see Emulator:
    a job the failure aborted is CANCELED by now, so it gets no retry)."""

    def execution_changed(self, engine: JobEngine, change: ExecutionChange) -> None:
        job, execution, state = change.job, change.execution, change.state
        if change.old is None or change.new not in RETRYABLE_STATUSES or not job.retry:
            return
        if job.status not in (JOB_IN_PROGRESS, JOB_SCHEDULED) or job.ended:
            return
        history = job.by_thing.get(execution.thing_name)
        if not history or history[-1] is not execution or execution.thing_name not in state.things:
            return
        criteria = job.retry
        criterion = criterion_for(change.new, criteria)
        if criterion is None or execution.retry_attempt >= MAX_RETRIES:
            return
        used = 0
        for earlier in reversed(history[:-1]):
            if earlier.status == ex.REMOVED:
                break  # rejoining after a removal resets the retry counter (documented)
            if criterion_for(earlier.status, criteria) is criterion:
                used += 1
        if used >= (criterion.number_of_retries or 0):
            return
        engine.create_execution(
            state, job, execution.thing_name, change.at, retry_attempt=execution.retry_attempt + 1
        )
