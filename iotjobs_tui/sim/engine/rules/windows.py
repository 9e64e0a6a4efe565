"""Scheduling over time (research notes §3.1, §3.9): startTime, endTime with endBehavior, and
maintenance windows.

- startTime alone: `JobEngine.register_job` schedules `start_job` (SCHEDULED -> IN_PROGRESS).
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
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from iotjobs_tui.common import cron
from iotjobs_tui.sim.engine.job_engine import JOB_IN_PROGRESS, JOB_SCHEDULED
from iotjobs_tui.sim.engine.schedule_times import parse_datetime
from iotjobs_tui.sim.engine.state import Job, RegionState

if TYPE_CHECKING:
    from iotjobs_tui.sim.engine.host import EngineHost
    from iotjobs_tui.sim.engine.rules.host import RuleHost

STRING_DATE_TIME = "%Y-%m-%dT%H:%M"
ROLLOUTS_SHOWN = 7  # documented: "the next seven maintenance window occurrences"

Window = tuple[cron.CronExpression, float]  # (start expression, duration in seconds)


def parse_windows(config: dict[str, Any] | None) -> list[Window]:
    out: list[Window] = []
    for window in (config or {}).get("maintenanceWindows") or []:
        expr = cron.parse(str(window["startTime"]))
        out.append((expr, 60.0 * float(window["durationInMinutes"])))
    return out


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def window_state(windows: list[Window], at: float) -> tuple[bool, float | None]:
    """(inside a window at `at`, the next moment that may change it, or None)."""
    moment = _dt(at)
    inside_until: float | None = None
    next_start: float | None = None
    for expr, duration in windows:
        previous = expr.previous_before(moment)
        if previous is not None:
            began = previous.timestamp()
            if began <= at < began + duration:
                inside_until = max(inside_until or 0.0, began + duration)
        upcoming = expr.next_after(moment)
        if upcoming is not None:
            start = upcoming.timestamp()
            next_start = start if next_start is None else min(next_start, start)
    candidates = [t for t in (inside_until, next_start) if t is not None]
    return inside_until is not None, (min(candidates) if candidates else None)


def _end_time(job: Job) -> float | None:
    text = (job.scheduling_config or {}).get("endTime")
    return parse_datetime(str(text), "endTime") if text is not None else None


def _start_time(job: Job) -> float | None:
    text = (job.scheduling_config or {}).get("startTime")
    return parse_datetime(str(text), "startTime") if text is not None else None


def install(emulator: RuleHost) -> None:
    engine = emulator.engine

    def hook(state: RegionState, job: Job, start_at: float | None) -> None:
        end = _end_time(job)
        if end is not None:
            job.end_event = engine.schedule(end, lambda at: _end(emulator, state, job, at))
        windows = parse_windows(job.scheduling_config)
        if not windows:
            return
        begin = max(job.created_at, start_at if start_at is not None else job.created_at)
        if begin > job.created_at:
            job.window_event = engine.schedule(
                begin, lambda at: _boundary(emulator, state, job, windows, end, at)
            )
        else:
            _boundary(emulator, state, job, windows, end, job.created_at)

    engine.job_hooks.append(hook)


def _boundary(
    emulator: RuleHost,
    state: RegionState,
    job: Job,
    windows: list[Window],
    end: float | None,
    at: float,
) -> None:
    """Open or close the rollout at a window boundary, then plan the next boundary."""
    job.window_event = None
    if job.status not in (JOB_IN_PROGRESS, JOB_SCHEDULED) or job.ended:
        return
    inside, following = window_state(windows, at)
    engine = emulator.engine
    if inside and job.status == JOB_SCHEDULED:
        engine.start_job(state, job, at)
    elif not inside and job.status == JOB_IN_PROGRESS:
        engine.pause_rollout(job, at)
        engine.check_completion(job, at)
    if job.status not in (JOB_IN_PROGRESS, JOB_SCHEDULED):
        return
    if following is not None and (end is None or following < end):
        job.window_event = engine.schedule(
            following, lambda t: _boundary(emulator, state, job, windows, end, t)
        )


def _end(emulator: RuleHost, state: RegionState, job: Job, at: float) -> None:
    job.end_event = None
    job.ended = True
    job.rollouts_cache = None
    engine = emulator.engine
    if job.status not in (JOB_IN_PROGRESS, JOB_SCHEDULED):
        return
    for event in (job.window_event, job.start_event):
        if event is not None:
            event.cancel()
    job.window_event = job.start_event = None
    behavior = (job.scheduling_config or {}).get("endBehavior") or (
        emulator.config.default_end_behavior
    )
    if behavior in ("CANCEL", "FORCE_CANCEL"):
        engine.cancel_job(
            state, job, at, force=behavior == "FORCE_CANCEL", reason_code=None, comment=None
        )
        return
    # STOP_ROLLOUT: no new executions; what exists runs to its end.
    engine.stop_rollout(job)
    if job.status == JOB_SCHEDULED:
        job.status = JOB_IN_PROGRESS
        job.started = True
    job.last_updated_at = at
    engine.check_completion(job, at)


def scheduled_rollouts(emulator: EngineHost, job: Job) -> list[str] | None:
    """DescribeJob's scheduledJobRollouts (None when the job has no maintenance windows)."""
    config = job.scheduling_config or {}
    if not config.get("maintenanceWindows"):
        return None
    if job.status not in (JOB_IN_PROGRESS, JOB_SCHEDULED) or job.ended:
        return None  # our choice: a finished schedule lists no upcoming windows
    now = emulator.now()
    cached = job.rollouts_cache
    if cached is not None and now < cached[0]:
        return cached[1]
    start = _start_time(job)
    from_start = start is not None and start > now
    origin = _dt(start if start is not None and from_start else now)
    end = _end_time(job)
    moments: set[datetime] = set()
    for expr, _duration in parse_windows(config):
        for taken, moment in enumerate(expr.occurrences(origin, inclusive=from_start)):
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
