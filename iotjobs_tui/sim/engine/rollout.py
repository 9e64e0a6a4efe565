"""The rollout: targets expanded into a queue of things, released as QUEUED executions at the
job's rate (constant, or exponential capped by maximumPerMinute), and paused or resumed by
the job's schedule.

Each running rollout is one scheduler event (the next step); a step spends the credit the rate
earned since the last one, so a clock that jumps releases exactly what the elapsed time allows.
"""

from __future__ import annotations

import math

from iotjobs_tui.common.statuses import JobStatus
from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.core import EngineCore
from iotjobs_tui.sim.engine.fleet import parse_target, things_in_group
from iotjobs_tui.sim.engine.state import Job, RegionState


class RolloutEngine(EngineCore):
    def start_job(self, state: RegionState, job: Job, at: float) -> None:
        """SCHEDULED -> IN_PROGRESS: begin (or resume) rollout."""
        job.start_event = None
        if job.status != JobStatus.SCHEDULED:
            return
        self.set_job_status(job, JobStatus.IN_PROGRESS, at)
        job.started = True
        self.enqueue_targets(state, job, job.targets, at)

    def pause_rollout(self, job: Job, at: float) -> None:
        """IN_PROGRESS -> SCHEDULED (a maintenance window closed): rollout waits, targets kept."""
        if job.status != JobStatus.IN_PROGRESS:
            return
        if job.rollout_event is not None:
            job.rollout_event.cancel()
            job.rollout_event = None
        self.set_job_status(job, JobStatus.SCHEDULED, at)

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
        rollout = job.rollout  # parsed by CreateJob / UpdateJob (common.job_configs)
        cap = rollout.maximum_per_minute if rollout is not None else None
        exp = rollout.exponential if rollout is not None else None
        if exp is not None and exp.base_rate_per_minute and exp.increment_factor:
            steps = 0
            if exp.notified_threshold:
                steps = job.notified // exp.notified_threshold
            elif exp.succeeded_threshold:
                steps = job.counts[ex.SUCCEEDED] // exp.succeeded_threshold
            # incrementFactor >= 1.1, so 100 steps already pass any cap (and avoid overflow).
            rate = exp.base_rate_per_minute * exp.increment_factor ** min(steps, 100)
            if cap:
                rate = min(rate, float(cap))
        else:
            rate = float(cap or self.config.default_rollout_per_minute)
        return min(rate, float(self.config.max_rollout_per_minute))

    def _schedule_rollout(self, state: RegionState, job: Job) -> None:
        if not job.pending:
            job.rollout_event = None
            return
        step = max(self.config.rollout_step_seconds, 60.0 / self.rollout_rate(job))
        job.rollout_event = self.schedule(
            job.rollout_last + step, lambda at: self._rollout_step(state, job, at)
        )

    def rollout_rate_changed(self, state: RegionState, job: Job) -> None:
        """UpdateJob changed the rollout config: re-plan the next step at the new rate."""
        if job.rollout_event is not None and job.status == JobStatus.IN_PROGRESS:
            job.rollout_event.cancel()
            self._schedule_rollout(state, job)

    def _rollout_step(self, state: RegionState, job: Job, at: float) -> None:
        job.rollout_event = None
        if job.status != JobStatus.IN_PROGRESS:
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
        """Materialise up to `budget` queued targets as QUEUED executions; returns how many.

        Outside a listener, each new execution's event is delivered before the next one is
        made, so an abort it sets off (which clears `job.pending`) ends the loop.
        """
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
