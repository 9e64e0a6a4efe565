"""Abort criteria (`abortConfig.criteriaList`, research notes §3.6).

Once at least `minNumberOfExecutedThings` executions have been notified (created) and the
share of executions whose status matches `failureType` (ALL = FAILED + REJECTED + TIMED_OUT)
reaches `thresholdPercentage`, the job is canceled like CancelJob without force: QUEUED
executions become CANCELED, IN_PROGRESS ones are left alone (documented), and queued retries
are not attempted. Like the counters, the numbers count executions.

Our choices (undocumented, switches on EmulatorConfig): the percentage's base
(`abort_percentage_base`: "notified" executions, or "terminal" ones), and the auto-populated
reasonCode / comment (`abort_reason_code`, `abort_comment`, format templates).
"""

from __future__ import annotations

from iotjobs_tui.common.statuses import EXEC_FAILURES
from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.core import ExecutionChange
from iotjobs_tui.sim.engine.job_engine import JOB_IN_PROGRESS, JOB_SCHEDULED, JobEngine, Rule
from iotjobs_tui.sim.engine.state import Job, RegionState

_ANY_FAILURE = frozenset(EXEC_FAILURES)


class AbortRule(Rule):
    """Cancels the job once a criterion is met (runs before retries, see Emulator)."""

    def execution_changed(self, engine: JobEngine, change: ExecutionChange) -> None:
        job = change.job
        if not job.abort or job.status not in (JOB_IN_PROGRESS, JOB_SCHEDULED):
            return
        if change.old is not None and change.new not in _ANY_FAILURE:
            return  # only a new failure (or a new execution reaching the minimum) can tip it
        evaluate(engine, change.state, job, change.at)


def evaluate(engine: JobEngine, state: RegionState, job: Job, at: float) -> bool:
    """Cancel the job if a criterion is met; returns whether it was aborted."""
    cfg = engine.config
    notified = job.notified
    for criterion in job.abort or ():
        minimum = criterion.min_executed or 0
        threshold = criterion.threshold_percentage
        if notified < minimum or threshold is None:
            continue
        failures = sum(job.counts[s] for s in criterion.statuses)
        if cfg.abort_percentage_base == "terminal":
            base = sum(job.counts[s] for s in ex.TERMINAL)
        else:
            base = notified
        if base <= 0 or failures == 0:
            continue
        percentage = 100.0 * failures / base
        if percentage + 1e-9 < threshold:
            continue
        values = {
            "failureType": criterion.failure_type,
            "percentage": percentage,
            "threshold": threshold,
            "failures": failures,
            "executed": base,
            "minimum": minimum,
        }
        engine.cancel_job(
            state,
            job,
            at,
            force=False,
            reason_code=cfg.abort_reason_code.format(**values),
            comment=cfg.abort_comment.format(**values),
        )
        return True
    return False
