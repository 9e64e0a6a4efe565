"""When will the whole rollout be done? Pure arithmetic, no I/O.

Two things bound the end of a rollout, and the later one wins:

1. **Notifying.** Targets not rolled out yet have no execution. AWS notifies them at the
   rollout rate (`jobExecutionsRolloutConfig`: a constant `maximumPerMinute`, or an exponential
   rate that starts at `baseRatePerMinute` and is multiplied by `incrementFactor` each time
   another `numberOfNotifiedThings` / `numberOfSucceededThings` is reached, capped by
   `maximumPerMinute`), only while a maintenance window is open, and not after `endTime`.
2. **Finishing.** Devices finish executions at the measured finish rate; the executions still
   unfinished and the ones not created yet all have to finish.

The rollout ends at `max(last notification + the time a device takes, now + everything left ÷
finish rate)`. Every assumption is returned in words, for the detail pane to show. Without a
target count there is no estimate: a guess built from the executions created so far is
exactly the error this module exists to avoid.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from iotjobs_tui.common.display_zone import clock
from iotjobs_tui.common.job_configs import EndBehavior, RolloutConfig, SchedulingConfig
from iotjobs_tui.common.maintenance_windows import Window, parse_windows, window_state
from iotjobs_tui.common.statuses import JOB_FINISHED

# With no rate set AWS notifies at about 1,000 things/min (`devguide:job-limits`; the console's
# default), and `maximumPerMinute` cannot be set above 1,000.
DEFAULT_RATE_PER_MINUTE = 1000
MAX_RATE_PER_MINUTE = 1000
# Window openings to walk through before giving up: 1,000 hourly windows are 6 weeks, daily
# ones pass the horizon first; the walk then costs at most ~50 ms. And how far ahead an
# estimate may reach (endTime is at most 2 years out).
MAX_WINDOWS = 1_000
HORIZON = timedelta(days=2 * 366)

# What `limited_by` says (the pane shows it as "limited by the …").
LIMIT_ROLLOUT = "rollout rate"
LIMIT_FINISH = "finish rate"
LIMIT_END = "end time"
LIMIT_WINDOWS = "maintenance windows"
LIMIT_TARGETS = "target count"
LIMIT_MEASURING = "finish rate (not measured yet)"
LIMIT_STALLED = "finish rate (nothing finishing)"
LIMIT_DONE = "nothing (finished)"


@dataclass(frozen=True)
class TargetCount:
    """How many things a job targets, from `aws.targets.TargetCounter` (re-exported there).

    Defined here, with no I/O around it, so the UI can render a count without importing the
    module that talks to AWS.
    """

    things: int  # counted so far
    complete: bool  # False while counting (or if a group failed)
    members_now: bool  # continuous job or dynamic group: the set can change
    calls: int  # API calls this count cost (0 from cache)
    counted_at: float  # time.time() of the count
    errors: tuple[str, ...] = ()  # one sentence per group that could not be counted
    source: str = "listed"  # SOURCE_LISTED or SOURCE_INDEX: how the things were counted


SOURCE_LISTED = "listed"  # paged ListThingsInThingGroup: exact, ~1 call per 250 things
SOURCE_INDEX = "fleet index"  # one GetStatistics: exact as of the index, which may lag seconds


@dataclass(frozen=True)
class Estimate:
    finish_at: datetime | None  # when every target's execution is finished (or the rollout stops)
    seconds: float | None  # finish_at - now
    limited_by: str  # one of the LIMIT_* phrases
    assumptions: tuple[str, ...]  # in words, for the pane
    window_pauses: int = 0  # how often a closed maintenance window holds the rollout
    stops_at_end: datetime | None = None  # endTime, when it cuts the rollout short

    @property
    def known(self) -> bool:
        return self.finish_at is not None


@dataclass(frozen=True)
class _Step:
    count: float  # targets notified at this rate
    rate: float  # per minute


def _count(value: float) -> str:
    return f"{round(value):,}"


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value.is_integer() else f"{value:,.1f}"


_clock = clock  # in the display zone: UTC, or the machine's with --local-time


def _plan(
    rollout: RolloutConfig | None, untouched: int, created: int, succeeded: int
) -> tuple[list[_Step], str]:
    """How the `untouched` targets get notified: rate steps, and that in words."""
    cap_config = rollout.maximum_per_minute if rollout is not None else None
    cap = float(min(cap_config or MAX_RATE_PER_MINUTE, MAX_RATE_PER_MINUTE))
    exp = rollout.exponential if rollout is not None else None
    step_size = None
    if exp is not None:
        step_size = exp.notified_threshold or exp.succeeded_threshold
    if exp is None or not exp.base_rate_per_minute or not step_size or step_size <= 0:
        if cap_config:
            return [_Step(untouched, cap)], f"notifies at the configured {_rate(cap)}/min"
        rate = float(DEFAULT_RATE_PER_MINUTE)
        words = f"no rollout rate is set: notifies at about {_rate(rate)}/min (AWS's rate)"
        return [_Step(untouched, rate)], words
    base = float(exp.base_rate_per_minute)
    factor = exp.increment_factor or 1.0
    by_success = exp.notified_threshold is None
    position = succeeded if by_success else created
    level = position // step_size
    steps: list[_Step] = []
    left = float(untouched)
    rate = min(base * factor ** min(level, 100), cap)
    first_rate = rate
    while left > 0:
        rate = min(base * factor ** min(level, 100), cap)
        if rate >= cap or factor <= 1.0:
            steps.append(_Step(left, rate))
            break
        to_next = (level + 1) * step_size - position
        chunk = min(left, float(to_next))
        steps.append(_Step(chunk, rate))
        left -= chunk
        position += to_next
        level += 1
    what = "succeeded" if by_success else "notified"
    if first_rate >= cap:
        words = f"notifies at the {_rate(cap)}/min cap (the exponential rate reached it)"
    else:
        words = (
            f"notifies at {_rate(first_rate)}/min now, x{factor:g} every {step_size:,} {what}, "
            f"up to {_rate(cap)}/min"
        )
    if by_success and first_rate < cap:
        words += " (assumes every device notified succeeds; failures slow it)"
    return steps, words


@dataclass
class _Walk:
    done_at: datetime | None = None  # when the last target is notified
    notified: float = 0.0  # by done_at, or by the end time
    pauses: int = 0  # closed windows the rollout waited for
    first_opening: datetime | None = None  # when it waited for the first one
    ended: bool = False  # the end time came first
    spans: int = 0  # open spans walked through
    too_far: bool = False  # past the horizon, or more than MAX_WINDOWS spans away


def _open_spans(
    windows: Sequence[Window] | None, start: datetime, walk: _Walk
) -> Iterator[tuple[datetime, datetime | None]]:
    """Spans when the rollout may notify, from `start`: one endless span without windows.

    Sets `walk.too_far` when it stops at the horizon or after MAX_WINDOWS spans.
    """
    if not windows:
        yield start, None
        return
    moment = start
    limit = start + HORIZON
    for _ in range(2 * MAX_WINDOWS + 1):  # a closed step, then an open one, per window
        if moment > limit or walk.spans >= MAX_WINDOWS:
            walk.too_far = True
            return
        state = window_state(windows, moment)
        if state.open_now and state.closes_at is not None:
            yield moment, state.closes_at
            moment = state.closes_at
        elif state.opens_at is not None:
            moment = state.opens_at
        else:
            return


def _walk(
    steps: list[_Step],
    start: datetime,
    windows: Sequence[Window] | None,
    end: datetime | None,
) -> _Walk:
    """Notify `steps` through the open spans, until done, the end time, or no more spans."""
    walk = _Walk()
    index = 0
    left = steps[0].count if steps else 0.0
    previous_end = start
    for span_start, span_end in _open_spans(windows, start, walk):
        walk.spans += 1
        if end is not None and span_start >= end:
            walk.ended = True
            return walk
        if span_start > previous_end:
            walk.pauses += 1
            if previous_end == start:
                walk.first_opening = span_start
        stop = span_end
        if end is not None and (stop is None or end < stop):
            stop = end
        moment = span_start
        while index < len(steps):
            rate = steps[index].rate
            needed = timedelta(minutes=left / rate)
            if stop is None or moment + needed <= stop:
                moment += needed
                walk.notified += left
                index += 1
                left = steps[index].count if index < len(steps) else 0.0
                continue
            notified = rate * (stop - moment).total_seconds() / 60
            walk.notified += notified
            left -= notified
            break
        if index >= len(steps):
            walk.done_at = moment
            return walk
        if stop == end:
            walk.ended = True
            return walk
        previous_end = span_end or start
    return walk  # no further opening (or past the horizon)


def estimate(
    *,
    targets: int | None,
    created: int,
    unfinished: int,
    rollout: RolloutConfig | None,
    scheduling: SchedulingConfig | None,
    finish_rate: float | None,
    now: datetime,
    succeeded: int = 0,
    status: str | None = None,
    completed_at: datetime | None = None,
    members_now: bool = False,
) -> Estimate:
    """When the whole rollout is done.

    - `targets`: things the job targets (None while uncounted, or if the count is partial);
    - `created`, `unfinished`, `succeeded`: from `jobProcessDetails` (executions, not things;
      unfinished = queued + in progress);
    - `finish_rate`: executions finished per minute, measured between refreshes (None before
      two refreshes);
    - `status` / `completed_at`: a finished job needs no estimate;
    - `members_now`: the target count can change (continuous job, dynamic group).
    """
    if status in JOB_FINISHED:
        return Estimate(
            finish_at=completed_at,
            seconds=0.0,
            limited_by=LIMIT_DONE,
            assumptions=(f"the job is {status}",),
        )
    if targets is None:
        return Estimate(None, None, LIMIT_TARGETS, ("the targets are not counted yet",))
    assumptions: list[str] = []
    if members_now:
        assumptions.append(
            f"the {targets:,} targets are the members now; the set can change "
            "(continuous job or dynamic group)"
        )
    untouched = max(0, targets - created)
    if untouched == 0 and created > targets:
        assumptions.append(
            f"{created:,} executions for {targets:,} targets: retries or membership changes "
            "added executions"
        )
    end = scheduling.end if scheduling is not None else None
    behavior = (scheduling.end_behavior if scheduling is not None else None) or (
        EndBehavior.STOP_ROLLOUT
    )
    start = scheduling.start if scheduling is not None else None
    # Executions finished per minute; None before two refreshes, 0.0 when none finishes.
    rate = None if finish_rate is None else max(0.0, finish_rate)

    if untouched and end is not None and end <= now:
        assumptions.append(
            f"the schedule ended at {_clock(end, now)} ({behavior}): "
            f"{untouched:,} targets will not be notified"
        )
        untouched = 0

    if untouched == 0:
        if unfinished == 0:
            return Estimate(now, 0.0, LIMIT_DONE, (*assumptions, "every execution is finished"))
        if rate is None:
            return Estimate(None, None, LIMIT_MEASURING, tuple(assumptions))
        if rate == 0:
            assumptions.append(f"none of the {unfinished:,} unfinished executions is finishing")
            return Estimate(None, None, LIMIT_STALLED, tuple(assumptions))
        finish_at = now + timedelta(minutes=unfinished / rate)
        assumptions.append(_finish_words(rate))
        return _with_end(
            Estimate(finish_at, _seconds(finish_at, now), LIMIT_FINISH, tuple(assumptions)),
            end,
            behavior,
            now,
        )

    steps, rate_words = _plan(rollout, untouched, created, succeeded)
    assumptions.append(rate_words)
    begin = now
    if start is not None and start > now:
        begin = start
        assumptions.append(f"starts at {_clock(start, now)}")
    windows = parse_windows(scheduling.maintenance_windows) if scheduling is not None else ()
    if scheduling is not None and scheduling.maintenance_windows and not windows:
        assumptions.append("the maintenance windows could not be read: assumes no pauses")
    walk = _walk(steps, begin, windows or None, end)
    if walk.pauses == 1 and walk.first_opening is not None:
        assumptions.append(
            f"waits for the maintenance window opening {_clock(walk.first_opening, now)}"
        )
    elif walk.pauses:
        assumptions.append(f"maintenance windows pause it {_times(walk.pauses)}")
    if walk.done_at is None:
        left = untouched - walk.notified
        if walk.ended and end is not None:
            assumptions.append(
                f"the schedule ends at {_clock(end, now)} ({behavior}), before that: not all "
                f"targets will be notified (about {_count(left)} left)"
            )
            return Estimate(
                end,
                _seconds(end, now),
                LIMIT_END,
                tuple(assumptions),
                window_pauses=walk.pauses,
                stops_at_end=end,
            )
        assumptions.append(
            f"no maintenance window opens in time to notify the last {_count(left)} targets"
            if not walk.too_far
            else f"the last {_count(left)} targets are too many maintenance windows away "
            "to estimate"
        )
        return Estimate(None, None, LIMIT_WINDOWS, tuple(assumptions), window_pauses=walk.pauses)
    notified_at = walk.done_at
    if rate is None:
        assumptions.append(f"the last target is notified ≈ {_clock(notified_at, now)}")
        return Estimate(None, None, LIMIT_MEASURING, tuple(assumptions), walk.pauses)
    if rate == 0:
        return Estimate(None, None, LIMIT_STALLED, tuple(assumptions), walk.pauses)
    # Little's law: unfinished ÷ throughput is how long a device takes, notified to finished.
    # Devices work in parallel, so while targets are still being notified the finish rate
    # follows the notification rate (it lags it during ramp-up: measured 820/min against a
    # configured 1,000/min made "unfinished + untouched ÷ finish rate" 20 % too long in the
    # demo). The finish rate only limits the end through the last devices' latency.
    latency = timedelta(minutes=unfinished / rate)
    by_rollout = notified_at + latency
    assumptions.append(_finish_words(rate))
    if latency >= timedelta(minutes=1):
        assumptions.append(
            f"a device takes about {_span(latency)} from notification to finish "
            "(unfinished ÷ finish rate)"
        )
    finish_at, limited_by = by_rollout, (LIMIT_WINDOWS if walk.pauses else LIMIT_ROLLOUT)
    result = Estimate(
        finish_at, _seconds(finish_at, now), limited_by, tuple(assumptions), walk.pauses
    )
    return _with_end(result, end, behavior, now)


def _with_end(result: Estimate, end: datetime | None, behavior: str, now: datetime) -> Estimate:
    """CANCEL / FORCE_CANCEL at endTime cut the finishing short too (STOP_ROLLOUT does not)."""
    if end is None or result.finish_at is None or end >= result.finish_at or end <= now:
        return result
    if behavior == EndBehavior.STOP_ROLLOUT:
        return result
    cut = "queued" if behavior == EndBehavior.CANCEL else "queued and in-progress"
    words = (
        f"the schedule ends at {_clock(end, now)} ({behavior}): the executions still {cut} "
        "then are canceled"
    )
    return Estimate(
        end,
        _seconds(end, now),
        LIMIT_END,
        (*result.assumptions, words),
        result.window_pauses,
        stops_at_end=end,
    )


def _finish_words(rate: float) -> str:
    return f"devices finish at the measured {_rate(rate)}/min"


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count:,} times")


def _seconds(moment: datetime, now: datetime) -> float:
    return max(0.0, (moment - now).total_seconds())


def _span(delta: timedelta) -> str:
    minutes = math.ceil(delta.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
