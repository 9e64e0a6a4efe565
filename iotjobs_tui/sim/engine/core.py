"""The engine's core: execution changes, delivered in order from a queue, and job status
changes, made through one door.

An execution change (created, or a new status) is applied to the state at once, so the caller
sees it and gets the modeled error synchronously, and produces an `ExecutionChange` event.
Events are delivered (to the rules, then the observers, then the completion check) in the
order they were made: a change made while an event is being delivered (an abort canceling
QUEUED executions, a retry creating one) waits in the queue until every listener of the
current event has run, so no listener ever runs nested inside another.

`JobEngine` (job_engine.py) builds on this: `RolloutEngine` (rollout.py) adds the rollout, and
`JobEngine` the rules, cancel and delete cascades and fleet changes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from iotjobs_tui.common import gc_pause
from iotjobs_tui.common.statuses import JobStatus, TargetSelection
from iotjobs_tui.sim.emulator_config import EmulatorConfig
from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.event_heap import Event, Scheduler
from iotjobs_tui.sim.engine.host import Clock
from iotjobs_tui.sim.engine.state import Job, JobExecution, RegionState
from iotjobs_tui.sim.engine.transitions import Actor, check_job_transition, check_transition


@dataclass(frozen=True, slots=True)
class ExecutionChange:
    """An execution was created (`old` None, `new` QUEUED) or moved from `old` to `new`.

    Listeners read `new`, not `execution.status`: by the time an event is delivered, a later
    change to the same execution may already be applied (its own event follows this one).
    """

    state: RegionState
    job: Job
    execution: JobExecution
    old: str | None
    new: str
    at: float


ExecutionListener = Callable[[ExecutionChange], None]

# Executions live until their job is deleted, and a 100,000-thing rollout creates ~1M objects
# of them. Unfrozen, they made the collector's full passes ever longer while a rollout ran
# (58 ms growing to 343 ms; the one ListJobExecutionsForJob that stalled ~0.5 s in every run),
# so every this many executions the long-lived data is collected once and frozen out of later
# passes (gc_pause.freeze_growth). With 2,000, no collection took over 30 ms during the demo's
# rollout (10,000 left 20-29 ms gen-1 passes).
FREEZE_EVERY = 2_000


class EngineCore:
    def __init__(self, config: EmulatorConfig, scheduler: Scheduler, clock: Clock) -> None:
        self.config = config
        self.scheduler = scheduler
        self.clock = clock
        # Observers called with every change after the rules (simulated devices, tests).
        self.execution_listeners: list[ExecutionListener] = []
        self._changes: deque[ExecutionChange] = deque()
        self._delivering = False
        self._created = 0

    def now(self) -> float:
        return self.clock.now()

    def schedule(self, at: float, callback: Callable[[float], None]) -> Event:
        """A timer; keep the `Event` and `cancel()` it when the state it watches changes (one
        event per timer, never a scan). The callback gets the virtual time it was due."""
        return self.scheduler.schedule(at, callback)

    # --- the change queue ----------------------------------------------------------------

    def _emit(self, change: ExecutionChange) -> None:
        self._changes.append(change)
        if self._delivering:
            return  # made by a listener: delivered after the current event's listeners
        self._delivering = True
        try:
            while self._changes:
                self._deliver(self._changes.popleft())
        except BaseException:
            # A listener failed (a bug, or a modeled error for the caller): the state holds
            # its changes already, but stale events must not reach the next caller's listeners.
            self._changes.clear()
            raise
        finally:
            self._delivering = False

    def _deliver(self, change: ExecutionChange) -> None:
        """Apply one event: the rules, then the observers, then completion (see JobEngine)."""
        raise NotImplementedError

    # --- executions ----------------------------------------------------------------------

    def create_execution(
        self, state: RegionState, job: Job, thing_name: str, at: float, retry_attempt: int = 0
    ) -> JobExecution:
        """A new QUEUED execution; executionNumber is per (job, thing) and starts at 1."""
        history = job.by_thing.setdefault(thing_name, [])
        number = history[-1].execution_number + 1 if history else 1
        execution = JobExecution(
            job_id=job.job_id,
            thing_name=thing_name,
            thing_arn=state.thing_arn(thing_name),
            execution_number=number,
            status=ex.QUEUED,
            queued_at=at,
            last_updated_at=at,
            version_number=self.config.initial_version_number,
            seq=state.next_seq(),
            retry_attempt=retry_attempt,
        )
        history.append(execution)
        job.executions.append(execution)
        state.executions_by_thing.setdefault(thing_name, []).append(execution)
        job.counts[ex.QUEUED] += 1
        job.notified += 1
        job.last_updated_at = at
        self._created += 1
        if self._created % FREEZE_EVERY == 0:
            gc_pause.freeze_growth()
        self._emit(ExecutionChange(state, job, execution, None, ex.QUEUED, at))
        return execution

    def set_execution_status(
        self,
        state: RegionState,
        job: Job,
        execution: JobExecution,
        new: str,
        actor: Actor,
        at: float,
        *,
        force: bool = False,
        status_details: dict[str, str] | None = None,
    ) -> None:
        """Validate and apply a status change (raising the modeled error if not allowed)."""
        old = execution.status
        check_transition(
            old,
            new,
            actor,
            force=force,
            allow_queued_to_terminal=self.config.device_queued_to_terminal_allowed,
        )
        if status_details is not None:
            # "If not specified, the statusDetails are unchanged"; a given map replaces it.
            execution.status_details = dict(status_details)
        execution.status = new
        execution.last_updated_at = at
        execution.version_number += 1
        if new == ex.IN_PROGRESS and execution.started_at is None:
            execution.started_at = at
        if new == ex.CANCELED:
            execution.force_canceled = force
        if new in ex.TERMINAL:
            execution.timeout_at = None
        if old != new:
            job.counts[old] -= 1
            job.counts[new] += 1
        job.last_updated_at = at
        self._emit(ExecutionChange(state, job, execution, old, new, at))

    def delete_execution(self, state: RegionState, job: Job, execution: JobExecution) -> None:
        if execution.timeout_event is not None:
            execution.timeout_event.cancel()
            execution.timeout_event = None
        job.counts[execution.status] -= 1
        job.executions.remove(execution)
        history = job.by_thing[execution.thing_name]
        history.remove(execution)
        if not history:
            del job.by_thing[execution.thing_name]
        per_thing = state.executions_by_thing.get(execution.thing_name)
        if per_thing is not None:
            per_thing.remove(execution)
            if not per_thing:
                del state.executions_by_thing[execution.thing_name]

    # --- job status ----------------------------------------------------------------------

    def set_job_status(self, job: Job, new: str, at: float) -> None:
        """The one place a job's status changes; an illegal change is an engine bug."""
        check_job_transition(job.status, new)
        job.status = new
        job.last_updated_at = at

    def check_completion(self, job: Job, at: float) -> None:
        """A job completes once rollout is done and every execution is terminal.

        SNAPSHOT jobs complete as soon as that holds (also between maintenance windows, once
        rollout has begun); CONTINUOUS jobs only after their scheduling endTime has passed.
        """
        if job.status == JobStatus.SCHEDULED:
            if not job.started:
                return
        elif job.status != JobStatus.IN_PROGRESS:
            return
        if job.target_selection != TargetSelection.SNAPSHOT and not job.ended:
            return
        if job.pending or job.counts[ex.QUEUED] > 0 or job.counts[ex.IN_PROGRESS] > 0:
            return
        for event in (job.window_event, job.end_event, job.rollout_event):
            if event is not None:
                event.cancel()
        job.window_event = job.end_event = job.rollout_event = None
        self.set_job_status(job, JobStatus.COMPLETED, at)
        job.completed_at = at
