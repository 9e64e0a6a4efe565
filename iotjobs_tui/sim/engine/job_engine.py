"""The job engine: the rules, job registration, cancel and delete cascades, and fleet changes,
on top of the rollout (rollout.py) and the execution changes and job status (core.py).

`JobEngine(config, scheduler, rules, clock)` takes its parts explicitly; the emulator (the
composition root) builds the ordered `rules` tuple. For every execution change the engine
delivers one event, in the order the changes were made (never nested, see core.py): each rule's
`execution_changed` in tuple order, then `execution_listeners` (observers such as the simulated
devices), then the completion check. `job_registered` runs for each rule when a job is stored,
before its rollout. Job status changes go through `set_job_status` (the table in
transitions.py).
"""

from __future__ import annotations

import math

from iotjobs_tui.common.statuses import JobStatus, TargetSelection
from iotjobs_tui.sim.emulator_config import EmulatorConfig
from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.core import ExecutionChange
from iotjobs_tui.sim.engine.event_heap import Scheduler
from iotjobs_tui.sim.engine.fleet import ancestors, parse_target
from iotjobs_tui.sim.engine.host import Clock
from iotjobs_tui.sim.engine.rollout import RolloutEngine
from iotjobs_tui.sim.engine.state import Job, RegionState, Thing
from iotjobs_tui.sim.engine.transitions import Actor
from iotjobs_tui.sim.wire.errors import invalid_request, invalid_state, limit_exceeded

# Job statuses and target selection under their former names (callers import them from here).
JOB_IN_PROGRESS = JobStatus.IN_PROGRESS
JOB_CANCELED = JobStatus.CANCELED
JOB_COMPLETED = JobStatus.COMPLETED
JOB_DELETING = JobStatus.DELETION_IN_PROGRESS
JOB_SCHEDULED = JobStatus.SCHEDULED
SNAPSHOT = TargetSelection.SNAPSHOT
CONTINUOUS = TargetSelection.CONTINUOUS


class Rule:
    """A rule the engine applies (sim/engine/rules/); a subclass overrides the hooks it needs.

    A hook may change state through the engine; the execution changes it makes are delivered
    after the current event's listeners have all run.
    """

    def job_registered(
        self, engine: JobEngine, state: RegionState, job: Job, start_at: float | None
    ) -> None:
        """A validated job was stored, before its rollout (`start_at`: its startTime)."""

    def execution_changed(self, engine: JobEngine, change: ExecutionChange) -> None:
        """An execution was created or changed status."""


class JobEngine(RolloutEngine):
    def __init__(
        self,
        config: EmulatorConfig,
        scheduler: Scheduler,
        rules: tuple[Rule, ...],
        clock: Clock,
    ) -> None:
        super().__init__(config, scheduler, clock)
        self.rules = rules

    def _deliver(self, change: ExecutionChange) -> None:
        for rule in self.rules:
            rule.execution_changed(self, change)
        for listener in self.execution_listeners:
            listener(change)
        if change.old is not None:
            self.check_completion(change.job, change.at)

    # --- registration --------------------------------------------------------------------

    def register_job(self, state: RegionState, job: Job, start_at: float | None) -> None:
        """Store a validated new job; roll it out now, or at `start_at` if scheduled.

        Jobs with maintenance windows or an endTime are planned by the rules' `job_registered`
        (rules/windows.py: window boundaries and the end of the schedule).
        """
        state.jobs[job.job_id] = job
        for target in job.targets:
            kind, name = parse_target(state, target)
            if kind == "thinggroup":
                state.jobs_by_target_group.setdefault(name, set()).add(job.job_id)
        windows = bool((job.scheduling_config or {}).get("maintenanceWindows"))
        waits = job.status == JobStatus.SCHEDULED
        if waits and start_at is not None and not windows:
            job.start_event = self.schedule(start_at, lambda at: self.start_job(state, job, at))
        for rule in self.rules:
            rule.job_registered(self, state, job, start_at)  # may start a job in a window now
        if waits:
            return
        job.started = True
        self.enqueue_targets(state, job, job.targets, job.created_at)

    # --- cancel and delete ---------------------------------------------------------------

    def cancel_job(
        self,
        state: RegionState,
        job: Job,
        at: float,
        *,
        force: bool,
        reason_code: str | None,
        comment: str | None,
    ) -> None:
        cfg = self.config
        if job.status == JOB_DELETING:
            raise invalid_request(f"Job {job.job_id} is being deleted and cannot be canceled.")
        recancel = job.status == JOB_CANCELED and force and cfg.force_recancel_allowed
        if job.status in (JOB_COMPLETED, JOB_CANCELED) and not recancel:
            if cfg.cancel_terminal_job_error:
                raise invalid_request(f"Job {job.job_id} is {job.status} and cannot be canceled.")
            return
        self.cancel_schedule(job)
        self.stop_rollout(job)
        self.set_job_status(job, JobStatus.CANCELED, at)
        job.force_canceled = force or bool(job.force_canceled)
        if reason_code is not None:
            job.reason_code = reason_code
        if comment is not None:
            job.comment = comment
        if cfg.canceled_sets_completed_at:
            job.completed_at = at
        wanted = {ex.QUEUED, ex.IN_PROGRESS} if force else {ex.QUEUED}
        job.cancel_force = force
        queued = {id(e) for e in job.cancel_queue}
        job.cancel_queue.extend(
            e for e in job.executions if e.status in wanted and id(e) not in queued
        )
        if job.cancel_event is None:
            self._cancel_batch(state, job, math.ceil(cfg.cancel_per_minute), at)
            job.cancel_last = at + 60.0
            job.cancel_credit = 0.0
            self._schedule_cancel(state, job)

    def _cancel_batch(self, state: RegionState, job: Job, budget: int, at: float) -> int:
        done = 0
        while job.cancel_queue and done < budget:
            execution = job.cancel_queue.popleft()
            eligible = execution.status == ex.QUEUED or (
                execution.status == ex.IN_PROGRESS and job.cancel_force
            )
            history = job.by_thing.get(execution.thing_name, [])
            if not eligible or not any(e is execution for e in history):
                continue  # changed or deleted since the cancel started
            self.set_execution_status(
                state, job, execution, ex.CANCELED, Actor.SERVICE, at, force=job.cancel_force
            )
            done += 1
        return done

    def _schedule_cancel(self, state: RegionState, job: Job) -> None:
        if not job.cancel_queue:
            job.cancel_event = None
            return
        rate = float(self.config.cancel_per_minute)
        step = max(self.config.rollout_step_seconds, 60.0 / rate)
        job.cancel_event = self.schedule(
            job.cancel_last + step, lambda at: self._cancel_step(state, job, at)
        )

    def _cancel_step(self, state: RegionState, job: Job, at: float) -> None:
        job.cancel_event = None
        if job.status != JOB_CANCELED:
            job.cancel_queue.clear()
            return
        rate = float(self.config.cancel_per_minute)
        job.cancel_credit += rate * (at - job.cancel_last) / 60.0
        job.cancel_last = at
        job.cancel_credit -= self._cancel_batch(
            state, job, math.floor(job.cancel_credit + 1e-9), at
        )
        self._schedule_cancel(state, job)

    def delete_job(self, state: RegionState, job: Job, at: float, *, force: bool) -> None:
        cfg = self.config
        if job.status == JOB_DELETING:
            raise invalid_state(f"Job {job.job_id} is already being deleted.")
        if job.status in (JOB_IN_PROGRESS, JOB_SCHEDULED) and not force:
            raise invalid_state(
                f"Job {job.job_id} is {job.status}; delete it with force=true to delete it anyway."
            )
        deleting = sum(1 for j in state.jobs.values() if j.status == JOB_DELETING)
        if deleting >= cfg.max_jobs_deleting:
            raise limit_exceeded(
                f"Only {cfg.max_jobs_deleting} jobs may have status DELETION_IN_PROGRESS at once."
            )
        self.cancel_schedule(job)
        if job.cancel_event is not None:
            job.cancel_event.cancel()
        job.cancel_event = None
        job.cancel_queue.clear()
        self.stop_rollout(job)
        self.set_job_status(job, JobStatus.DELETION_IN_PROGRESS, at)
        job.delete_event = self.schedule(
            at + cfg.job_deletion_seconds, lambda _at: self.purge_job(state, job)
        )

    def purge_job(self, state: RegionState, job: Job) -> None:
        """Deletion finished: the job and its executions disappear (the id becomes reusable)."""
        if state.jobs.get(job.job_id) is not job:
            return
        del state.jobs[job.job_id]
        for execution in job.executions:
            if execution.timeout_event is not None:
                execution.timeout_event.cancel()
                execution.timeout_event = None
        for thing_name in job.by_thing:
            per_thing = state.executions_by_thing.get(thing_name)
            if per_thing is None:
                continue
            kept = [e for e in per_thing if e.job_id != job.job_id]
            if kept:
                state.executions_by_thing[thing_name] = kept
            else:
                del state.executions_by_thing[thing_name]
        for target in job.targets:
            _, _, name = target.rpartition(":thinggroup/")
            ids = state.jobs_by_target_group.get(name)
            if ids is not None:
                ids.discard(job.job_id)

    # --- fleet changes ---------------------------------------------------------------------

    def _jobs_targeting(self, state: RegionState, group_name: str) -> list[Job]:
        """Jobs that target the group or one of its ancestors, oldest first."""
        ids: set[str] = set()
        for name in [*ancestors(state, group_name), group_name]:
            ids |= state.jobs_by_target_group.get(name, set())
        jobs = [state.jobs[i] for i in ids if i in state.jobs]
        return sorted(jobs, key=lambda j: j.seq)

    def thing_joined_group(
        self, state: RegionState, thing_name: str, group: str, at: float
    ) -> None:
        """CONTINUOUS jobs give a thing that joins a target group an execution at once."""
        for job in self._jobs_targeting(state, group):
            if job.target_selection != CONTINUOUS or job.status != JOB_IN_PROGRESS or job.ended:
                continue
            if thing_name in job.pending_names:
                continue
            latest = job.latest(thing_name)
            if latest is None or latest.status == ex.REMOVED:
                # Rejoining after a removal starts over (retry counter reset, documented).
                self.create_execution(state, job, thing_name, at)

    def thing_left_group(self, state: RegionState, thing: Thing, group: str, at: float) -> None:
        """A thing no longer reached by any target of a CONTINUOUS job loses its QUEUED run."""
        if not self.config.group_leave_removes_queued:
            return
        for job in self._jobs_targeting(state, group):
            if job.target_selection != CONTINUOUS or job.status != JOB_IN_PROGRESS:
                continue
            latest = job.latest(thing.name)
            if latest is None or latest.status != ex.QUEUED:
                continue
            if self._still_targeted(state, job, thing):
                continue
            self.set_execution_status(state, job, latest, ex.REMOVED, Actor.SERVICE, at)

    def _still_targeted(self, state: RegionState, job: Job, thing: Thing) -> bool:
        reach: set[str] = set()
        for g in thing.groups:
            reach.add(g)
            reach.update(ancestors(state, g))
        for target in job.targets:
            # Thing names may contain ":", so split the ARN's fixed fields off the left.
            kind, _, name = target.split(":", 5)[-1].partition("/")
            if (kind == "thing" and name == thing.name) or (kind == "thinggroup" and name in reach):
                return True
        return False

    def thing_deleted(self, state: RegionState, thing: Thing, at: float) -> None:
        if not self.config.thing_delete_removes_executions:
            return
        for execution in list(state.executions_by_thing.get(thing.name, [])):
            job = state.jobs.get(execution.job_id)
            if job is None or job.status == JOB_DELETING or execution.status not in ex.ACTIVE:
                continue
            if job.latest(thing.name) is execution:
                self.set_execution_status(state, job, execution, ex.REMOVED, Actor.SERVICE, at)
