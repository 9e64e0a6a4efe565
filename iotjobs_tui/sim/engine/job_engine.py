"""The job engine: rollout, execution changes, completion, cancel and delete cascades.

Everything time-driven is an event on the emulator's `Scheduler`; callbacks receive the virtual
time they were due, so a clock that jumps still produces exact timestamps.

Extension points (the emulator installs the time-driven rules through them):
- `schedule(at, callback)` for timers; keep the returned `Event` and `cancel()` it when the
  state it watches changes (one event per timer, never a scan);
- `set_execution_status(..., actor=Actor.DEVICE)` for the device plane (`sim/device_plane.py`);
- `execution_listeners`: `listener(state, job, execution, old_status, at)` after every
  execution change (old_status None = created), before the completion check. Installed in
  this order: abort (`sim/abort.py`), retries (`sim/retries.py`), timeouts
  (`sim/timeouts.py`); simulated devices append theirs after;
- `job_hooks`: `hook(state, job, start_at)` when a job is registered, before its rollout
  (`sim/windows.py`: maintenance windows and endTime);
- `start_job` (SCHEDULED -> IN_PROGRESS, rollout resumes) and `pause_rollout`
  (IN_PROGRESS -> SCHEDULED, rollout waits) for maintenance windows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.event_heap import Event
from iotjobs_tui.sim.engine.fleet import ancestors, parse_target, things_in_group
from iotjobs_tui.sim.engine.state import Job, JobExecution, RegionState, Thing
from iotjobs_tui.sim.engine.transitions import Actor, check_transition
from iotjobs_tui.sim.wire.errors import invalid_request, invalid_state, limit_exceeded

if TYPE_CHECKING:
    from iotjobs_tui.sim.engine.host import EngineHost

# Job statuses (the current JobStatus enum).
JOB_IN_PROGRESS = "IN_PROGRESS"
JOB_CANCELED = "CANCELED"
JOB_COMPLETED = "COMPLETED"
JOB_DELETING = "DELETION_IN_PROGRESS"
JOB_SCHEDULED = "SCHEDULED"
SNAPSHOT = "SNAPSHOT"
CONTINUOUS = "CONTINUOUS"

ExecutionListener = Callable[[RegionState, Job, JobExecution, "str | None", float], None]
JobHook = Callable[[RegionState, Job, "float | None"], None]


class JobEngine:
    def __init__(self, emulator: EngineHost) -> None:
        self.emulator = emulator
        # Called as listener(state, job, execution, old_status, at) after every execution
        # change; old_status None means the execution was just created.
        self.execution_listeners: list[ExecutionListener] = []
        # Called as hook(state, job, start_at) when a job is registered, before its rollout.
        self.job_hooks: list[JobHook] = []

    # --- scheduling ------------------------------------------------------------------------

    def schedule(self, at: float, callback: Callable[[float], None]) -> Event:
        return self.emulator.scheduler.schedule(at, callback)

    # --- creation and rollout ------------------------------------------------------------

    def register_job(self, state: RegionState, job: Job, start_at: float | None) -> None:
        """Store a validated new job; roll it out now, or at `start_at` if scheduled.

        Jobs with maintenance windows or an endTime are handed to `job_hooks` (sim/windows.py
        installs the hook that plans window boundaries and the end of the schedule).
        """
        state.jobs[job.job_id] = job
        for target in job.targets:
            kind, name = parse_target(state, target)
            if kind == "thinggroup":
                state.jobs_by_target_group.setdefault(name, set()).add(job.job_id)
        windows = bool((job.scheduling_config or {}).get("maintenanceWindows"))
        waits = job.status == JOB_SCHEDULED
        if waits and start_at is not None and not windows:
            job.start_event = self.schedule(start_at, lambda at: self.start_job(state, job, at))
        for hook in self.job_hooks:
            hook(state, job, start_at)  # may start a job whose window is open right now
        if waits:
            return
        job.started = True
        self.enqueue_targets(state, job, job.targets, job.created_at)

    def start_job(self, state: RegionState, job: Job, at: float) -> None:
        """SCHEDULED -> IN_PROGRESS: begin (or resume) rollout."""
        job.start_event = None
        if job.status != JOB_SCHEDULED:
            return
        job.status = JOB_IN_PROGRESS
        job.started = True
        job.last_updated_at = at
        self.enqueue_targets(state, job, job.targets, at)

    def pause_rollout(self, job: Job, at: float) -> None:
        """IN_PROGRESS -> SCHEDULED (a maintenance window closed): rollout waits, targets kept."""
        if job.status != JOB_IN_PROGRESS:
            return
        if job.rollout_event is not None:
            job.rollout_event.cancel()
            job.rollout_event = None
        job.status = JOB_SCHEDULED
        job.last_updated_at = at

    def enqueue_targets(self, state: RegionState, job: Job, targets: list[str], at: float) -> None:
        """Expand targets into things (child groups included, each thing once) and queue them."""
        for target in targets:
            kind, name = parse_target(state, target)
            names = [name] if kind == "thing" else things_in_group(state, name, recursive=True)
            for thing_name in names:
                if thing_name in job.pending_names or thing_name in job.by_thing:
                    continue
                job.pending.append((thing_name, target))
                job.pending_names.add(thing_name)
                job.pending_by_target[target] += 1
        if job.rollout_event is None:
            # The first minute's batch goes out now.
            job.rollout_credit = 0.0
            self._release(state, job, math.ceil(self.rollout_rate(job)), at)
            job.rollout_last = at + 60.0
            self._schedule_rollout(state, job)
        self.check_completion(job, at)

    def rollout_rate(self, job: Job) -> float:
        """Executions per minute now (constant, or exponential capped by maximumPerMinute)."""
        cfg = job.rollout_config or {}
        cap = cfg.get("maximumPerMinute")
        exp = cfg.get("exponentialRate")
        if exp:
            criteria = exp.get("rateIncreaseCriteria") or {}
            steps = 0
            if criteria.get("numberOfNotifiedThings"):
                steps = job.notified // int(criteria["numberOfNotifiedThings"])
            elif criteria.get("numberOfSucceededThings"):
                steps = job.counts[ex.SUCCEEDED] // int(criteria["numberOfSucceededThings"])
            # incrementFactor >= 1.1, so 100 steps already pass any cap (and avoid overflow).
            rate = float(exp["baseRatePerMinute"]) * float(exp["incrementFactor"]) ** min(
                steps, 100
            )
            if cap:
                rate = min(rate, float(cap))
        else:
            rate = float(cap or self.emulator.config.default_rollout_per_minute)
        return min(rate, float(self.emulator.config.max_rollout_per_minute))

    def _schedule_rollout(self, state: RegionState, job: Job) -> None:
        if not job.pending:
            job.rollout_event = None
            return
        step = max(self.emulator.config.rollout_step_seconds, 60.0 / self.rollout_rate(job))
        job.rollout_event = self.schedule(
            job.rollout_last + step, lambda at: self._rollout_step(state, job, at)
        )

    def rollout_rate_changed(self, state: RegionState, job: Job) -> None:
        """UpdateJob changed the rollout config: re-plan the next step at the new rate."""
        if job.rollout_event is not None and job.status == JOB_IN_PROGRESS:
            job.rollout_event.cancel()
            self._schedule_rollout(state, job)

    def _rollout_step(self, state: RegionState, job: Job, at: float) -> None:
        job.rollout_event = None
        if job.status != JOB_IN_PROGRESS:
            return
        job.rollout_credit += self.rollout_rate(job) * (at - job.rollout_last) / 60.0
        job.rollout_last = at
        budget = math.floor(job.rollout_credit + 1e-9)
        job.rollout_credit -= self._release(state, job, budget, at)
        if not job.pending:
            job.rollout_credit = 0.0
        self._schedule_rollout(state, job)
        self.check_completion(job, at)

    def _release(self, state: RegionState, job: Job, budget: int, at: float) -> int:
        """Materialise up to `budget` queued targets as QUEUED executions; returns how many."""
        made = 0
        while job.pending and made < budget:
            thing_name, target = job.pending.popleft()
            job.pending_names.discard(thing_name)
            job.pending_by_target[target] -= 1
            if job.pending_by_target[target] <= 0:
                del job.pending_by_target[target]
            if thing_name not in state.things or thing_name in job.by_thing:
                continue  # deleted while queued, or reached meanwhile (continuous join)
            self.create_execution(state, job, thing_name, at)
            made += 1
        return made

    def cancel_schedule(self, job: Job) -> None:
        """Drop the scheduled start, window boundaries and the endTime event."""
        for event in (job.start_event, job.window_event, job.end_event):
            if event is not None:
                event.cancel()
        job.start_event = job.window_event = job.end_event = None

    def stop_rollout(self, job: Job) -> None:
        if job.rollout_event is not None:
            job.rollout_event.cancel()
            job.rollout_event = None
        job.pending.clear()
        job.pending_names.clear()
        job.pending_by_target.clear()

    def processing_targets(self, job: Job) -> list[str]:
        return [t for t in job.targets if job.pending_by_target.get(t, 0) > 0]

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
            version_number=self.emulator.config.initial_version_number,
            seq=state.next_seq(),
            retry_attempt=retry_attempt,
        )
        history.append(execution)
        job.executions.append(execution)
        state.executions_by_thing.setdefault(thing_name, []).append(execution)
        job.counts[ex.QUEUED] += 1
        job.notified += 1
        job.last_updated_at = at
        for listener in self.execution_listeners:
            listener(state, job, execution, None, at)
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
        """Apply one state-machine step (raises the modeled error if it is not allowed)."""
        old = execution.status
        check_transition(
            old,
            new,
            actor,
            force=force,
            allow_queued_to_terminal=self.emulator.config.device_queued_to_terminal_allowed,
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
        for listener in self.execution_listeners:
            listener(state, job, execution, old, at)
        self.check_completion(job, at)

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

    def check_completion(self, job: Job, at: float) -> None:
        """A job completes once rollout is done and every execution is terminal.

        SNAPSHOT jobs complete as soon as that holds (also between maintenance windows, once
        rollout has begun); CONTINUOUS jobs only after their scheduling endTime has passed.
        """
        if job.status == JOB_SCHEDULED:
            if not job.started:
                return
        elif job.status != JOB_IN_PROGRESS:
            return
        if job.target_selection != SNAPSHOT and not job.ended:
            return
        if job.pending or job.counts[ex.QUEUED] > 0 or job.counts[ex.IN_PROGRESS] > 0:
            return
        for event in (job.window_event, job.end_event, job.rollout_event):
            if event is not None:
                event.cancel()
        job.window_event = job.end_event = job.rollout_event = None
        job.status = JOB_COMPLETED
        job.completed_at = at
        job.last_updated_at = at

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
        cfg = self.emulator.config
        if job.status == JOB_DELETING:
            raise invalid_request(f"Job {job.job_id} is being deleted and cannot be canceled.")
        recancel = job.status == JOB_CANCELED and force and cfg.force_recancel_allowed
        if job.status in (JOB_COMPLETED, JOB_CANCELED) and not recancel:
            if cfg.cancel_terminal_job_error:
                raise invalid_request(f"Job {job.job_id} is {job.status} and cannot be canceled.")
            return
        self.cancel_schedule(job)
        self.stop_rollout(job)
        job.status = JOB_CANCELED
        job.force_canceled = force or bool(job.force_canceled)
        if reason_code is not None:
            job.reason_code = reason_code
        if comment is not None:
            job.comment = comment
        job.last_updated_at = at
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
        rate = float(self.emulator.config.cancel_per_minute)
        step = max(self.emulator.config.rollout_step_seconds, 60.0 / rate)
        job.cancel_event = self.schedule(
            job.cancel_last + step, lambda at: self._cancel_step(state, job, at)
        )

    def _cancel_step(self, state: RegionState, job: Job, at: float) -> None:
        job.cancel_event = None
        if job.status != JOB_CANCELED:
            job.cancel_queue.clear()
            return
        rate = float(self.emulator.config.cancel_per_minute)
        job.cancel_credit += rate * (at - job.cancel_last) / 60.0
        job.cancel_last = at
        job.cancel_credit -= self._cancel_batch(
            state, job, math.floor(job.cancel_credit + 1e-9), at
        )
        self._schedule_cancel(state, job)

    def delete_job(self, state: RegionState, job: Job, at: float, *, force: bool) -> None:
        cfg = self.emulator.config
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
        job.status = JOB_DELETING
        job.last_updated_at = at
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
        if not self.emulator.config.group_leave_removes_queued:
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
        if not self.emulator.config.thing_delete_removes_executions:
            return
        for execution in list(state.executions_by_thing.get(thing.name, [])):
            job = state.jobs.get(execution.job_id)
            if job is None or job.status == JOB_DELETING or execution.status not in ex.ACTIVE:
                continue
            if job.latest(thing.name) is execution:
                self.set_execution_status(state, job, execution, ex.REMOVED, Actor.SERVICE, at)
