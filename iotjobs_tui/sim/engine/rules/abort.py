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

from typing import TYPE_CHECKING

from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.job_engine import JOB_IN_PROGRESS, JOB_SCHEDULED
from iotjobs_tui.sim.engine.state import Job, JobExecution, RegionState

if TYPE_CHECKING:
    from iotjobs_tui.sim.engine.rules.host import RuleHost

FAILURES: dict[str, tuple[str, ...]] = {
    "FAILED": (ex.FAILED,),
    "REJECTED": (ex.REJECTED,),
    "TIMED_OUT": (ex.TIMED_OUT,),
    "ALL": (ex.FAILED, ex.REJECTED, ex.TIMED_OUT),
}
_ANY_FAILURE = frozenset(FAILURES["ALL"])


def install(emulator: RuleHost) -> None:
    def listener(
        state: RegionState, job: Job, execution: JobExecution, old: str | None, at: float
    ) -> None:
        if not job.abort_config or job.status not in (JOB_IN_PROGRESS, JOB_SCHEDULED):
            return
        if old is not None and execution.status not in _ANY_FAILURE:
            return  # only a new failure (or a new execution reaching the minimum) can tip it
        evaluate(emulator, state, job, at)

    emulator.engine.execution_listeners.append(listener)


def evaluate(emulator: RuleHost, state: RegionState, job: Job, at: float) -> bool:
    """Cancel the job if a criterion is met; returns whether it was aborted."""
    cfg = emulator.config
    notified = job.notified
    for criterion in (job.abort_config or {}).get("criteriaList") or []:
        if notified < int(criterion["minNumberOfExecutedThings"]):
            continue
        failure_type = str(criterion["failureType"])
        failures = sum(job.counts[s] for s in FAILURES.get(failure_type, ()))
        if cfg.abort_percentage_base == "terminal":
            base = sum(job.counts[s] for s in ex.TERMINAL)
        else:
            base = notified
        if base <= 0 or failures == 0:
            continue
        percentage = 100.0 * failures / base
        threshold = float(criterion["thresholdPercentage"])
        if percentage + 1e-9 < threshold:
            continue
        values = {
            "failureType": failure_type,
            "percentage": percentage,
            "threshold": threshold,
            "failures": failures,
            "executed": base,
            "minimum": int(criterion["minNumberOfExecutedThings"]),
        }
        emulator.engine.cancel_job(
            state,
            job,
            at,
            force=False,
            reason_code=cfg.abort_reason_code.format(**values),
            comment=cfg.abort_comment.format(**values),
        )
        return True
    return False
