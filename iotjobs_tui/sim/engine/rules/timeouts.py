"""Execution timeouts (research notes §3.7): the in-progress timer and the step timer.

- `timeoutConfig.inProgressTimeoutInMinutes` starts when an execution enters IN_PROGRESS and
  cannot be changed for that execution afterwards.
- A step timer (`stepTimeoutInMinutes` on StartNext / UpdateJobExecution) replaces the previous
  one; -1 cancels it. It never runs past the in-progress deadline (devguide worked example).
- One scheduler event per running execution, at the earlier deadline (plus the switch
  `EmulatorConfig.timeout_lateness_seconds`: AWS may fire up to 60 s late, we default to 0).
  The event is cancelled on every terminal change, so nothing is ever scanned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.core import ExecutionChange
from iotjobs_tui.sim.engine.job_engine import JobEngine, Rule
from iotjobs_tui.sim.engine.state import Job, JobExecution, RegionState
from iotjobs_tui.sim.engine.transitions import Actor

if TYPE_CHECKING:
    from iotjobs_tui.sim.engine.rules.host import RuleHost


class TimeoutRule(Rule):
    """Arms the in-progress timer when an execution starts; clears its timer when it ends."""

    def execution_changed(self, engine: JobEngine, change: ExecutionChange) -> None:
        execution = change.execution
        if change.new in ex.TERMINAL:
            _clear(execution)
        elif change.old == ex.QUEUED and change.new == ex.IN_PROGRESS:
            timeout = change.job.timeout
            minutes = timeout.in_progress_minutes if timeout is not None else None
            if minutes:
                execution.progress_deadline = change.at + 60.0 * float(minutes)
                _arm(engine, change.state, change.job, execution)


def set_step_timer(
    emulator: RuleHost,
    state: RegionState,
    job: Job,
    execution: JobExecution,
    minutes: int,
    at: float,
) -> None:
    """Replace the step timer of an IN_PROGRESS execution (-1 cancels it)."""
    if execution.status != ex.IN_PROGRESS:
        return
    execution.step_deadline = None if minutes == -1 else at + 60.0 * minutes
    _arm(emulator.engine, state, job, execution)


def _arm(engine: JobEngine, state: RegionState, job: Job, execution: JobExecution) -> None:
    if execution.timeout_event is not None:
        execution.timeout_event.cancel()
        execution.timeout_event = None
    deadlines = [d for d in (execution.progress_deadline, execution.step_deadline) if d is not None]
    if not deadlines:
        execution.timeout_at = None
        return
    execution.timeout_at = min(deadlines)
    fire_at = execution.timeout_at + engine.config.timeout_lateness_seconds
    execution.timeout_event = engine.schedule(
        fire_at, lambda at: _expire(engine, state, job, execution, at)
    )


def _clear(execution: JobExecution) -> None:
    if execution.timeout_event is not None:
        execution.timeout_event.cancel()
    execution.timeout_event = None
    execution.timeout_at = None
    execution.step_deadline = None


def _expire(
    engine: JobEngine, state: RegionState, job: Job, execution: JobExecution, at: float
) -> None:
    execution.timeout_event = None
    if execution.status != ex.IN_PROGRESS or state.jobs.get(job.job_id) is not job:
        return
    history = job.by_thing.get(execution.thing_name, [])
    if not any(e is execution for e in history):
        return  # deleted (DeleteJobExecution with force) while running
    engine.set_execution_status(state, job, execution, ex.TIMED_OUT, Actor.SERVICE, at)
