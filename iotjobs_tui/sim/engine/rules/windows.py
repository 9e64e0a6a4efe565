"""Scheduling over time (research notes §3.1, §3.9): startTime, endTime with endBehavior, and
maintenance windows.

- startTime alone: `JobEngine.register_job` schedules `start_job` (SCHEDULED -> IN_PROGRESS);
  `WindowRule.job_registered` plans the rest when the job is stored.
- maintenanceWindows (AWS cron expression + durationInMinutes, UTC): from startTime (or from
  creation) on, the job is IN_PROGRESS inside a window and SCHEDULED outside; rollout pauses
  outside and devices do not see the executions of a SCHEDULED job. One scheduler event per
  window boundary (the next start or the current window's end), re-planned when it fires.
- endTime: windows stop; endBehavior STOP_ROLLOUT stops creating executions (the job goes
  back to IN_PROGRESS so devices can finish what is queued), CANCEL cancels QUEUED executions,
  FORCE_CANCEL cancels QUEUED and IN_PROGRESS ones (both end the job CANCELED, like CancelJob;
  inferred). An endTime without endBehavior behaves as `EmulatorConfig.default_end_behavior`
  (our choice: STOP_ROLLOUT). A CONTINUOUS job with an endTime completes once it has passed
  and every execution is terminal.
- `scheduled_rollouts`: DescribeJob's `scheduledJobRollouts`, the next seven window starts
  (from now, or from startTime if later; only those before endTime), formatted
  `YYYY-MM-DDTHH:MM` in UTC (our choice: the StringDateTime form CreateJob accepts). Cached
  until the first listed start passes, so DescribeJob stays cheap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from iotjobs_tui.common.job_configs import EndBehavior
from iotjobs_tui.common.maintenance_windows import Window, parse_windows, window_state
from iotjobs_tui.sim.engine.job_engine import JOB_IN_PROGRESS, JOB_SCHEDULED, JobEngine, Rule
from iotjobs_tui.sim.engine.state import Job, RegionState

if TYPE_CHECKING:
    from iotjobs_tui.sim.engine.host import Clock

STRING_DATE_TIME = "%Y-%m-%dT%H:%M"
ROLLOUTS_SHOWN = 7  # documented: "the next seven maintenance window occurrences"


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _windows(job: Job) -> tuple[Window, ...]:
    """The job's maintenance windows (validated by CreateJob, so every one parses)."""
    return parse_windows(job.scheduling.maintenance_windows) if job.scheduling else ()


def _end_time(job: Job) -> float | None:
    end = job.scheduling.end if job.scheduling is not None else None
    return end.timestamp() if end is not None else None


def _start_time(job: Job) -> float | None:
    start = job.scheduling.start if job.scheduling is not None else None
    return start.timestamp() if start is not None else None


class WindowRule(Rule):
    """Plans a new job's maintenance-window boundaries and the end of its schedule."""

    def job_registered(
        self, engine: JobEngine, state: RegionState, job: Job, start_at: float | None
    ) -> None:
        end = _end_time(job)
        if end is not None:
            job.end_event = engine.schedule(end, lambda at: _end(engine, state, job, at))
        windows = _windows(job)
        if not windows:
            return
        begin = max(job.created_at, start_at if start_at is not None else job.created_at)
        if begin > job.created_at:
            job.window_event = engine.schedule(
                begin, lambda at: _boundary(engine, state, job, windows, end, at)
            )
        else:
            _boundary(engine, state, job, windows, end, job.created_at)


def _boundary(
    engine: JobEngine,
    state: RegionState,
    job: Job,
    windows: Sequence[Window],
    end: float | None,
    at: float,
) -> None:
    """Open or close the rollout at a window boundary, then plan the next boundary."""
    job.window_event = None
    if job.status not in (JOB_IN_PROGRESS, JOB_SCHEDULED) or job.ended:
        return
    now = window_state(windows, _dt(at))
    inside, change = now.open_now, now.next_change
    following = change.timestamp() if change is not None else None
    if inside and job.status == JOB_SCHEDULED:
        engine.start_job(state, job, at)
    elif not inside and job.status == JOB_IN_PROGRESS:
        engine.pause_rollout(job, at)
        engine.check_completion(job, at)
    if job.status not in (JOB_IN_PROGRESS, JOB_SCHEDULED):
        return
    if following is not None and (end is None or following < end):
        job.window_event = engine.schedule(
            following, lambda t: _boundary(engine, state, job, windows, end, t)
        )


def _end(engine: JobEngine, state: RegionState, job: Job, at: float) -> None:
    job.end_event = None
    job.ended = True
    job.rollouts_cache = None
    if job.status not in (JOB_IN_PROGRESS, JOB_SCHEDULED):
        return
    for event in (job.window_event, job.start_event):
        if event is not None:
            event.cancel()
    job.window_event = job.start_event = None
    configured = job.scheduling.end_behavior if job.scheduling is not None else None
    behavior = configured or engine.config.default_end_behavior
    if behavior in (EndBehavior.CANCEL, EndBehavior.FORCE_CANCEL):
        force = behavior == EndBehavior.FORCE_CANCEL
        engine.cancel_job(state, job, at, force=force, reason_code=None, comment=None)
        return
    # STOP_ROLLOUT: no new executions; what exists runs to its end.
    engine.stop_rollout(job)
    if job.status == JOB_SCHEDULED:
        engine.set_job_status(job, JOB_IN_PROGRESS, at)
        job.started = True
    job.last_updated_at = at
    engine.check_completion(job, at)


def scheduled_rollouts(clock: Clock, job: Job) -> list[str] | None:
    """DescribeJob's scheduledJobRollouts (None when the job has no maintenance windows)."""
    windows = _windows(job)
    if not windows:
        return None
    if job.status not in (JOB_IN_PROGRESS, JOB_SCHEDULED) or job.ended:
        return None  # our choice: a finished schedule lists no upcoming windows
    now = clock.now()
    cached = job.rollouts_cache
    if cached is not None and now < cached[0]:
        return cached[1]
    start = _start_time(job)
    from_start = start is not None and start > now
    origin = _dt(start if start is not None and from_start else now)
    end = _end_time(job)
    moments: set[datetime] = set()
    for window in windows:
        for taken, moment in enumerate(window.cron.occurrences(origin, inclusive=from_start)):
            if taken >= ROLLOUTS_SHOWN or (end is not None and moment.timestamp() >= end):
                break
            moments.add(moment)
    chosen = sorted(moments)[:ROLLOUTS_SHOWN]
    valid_until = chosen[0].timestamp() if chosen else math.inf
    if not chosen and end is None:
        valid_until = now + 3600.0
    shown = [m.strftime(STRING_DATE_TIME) for m in chosen]
    job.rollouts_cache = (valid_until, shown)
    return shown
