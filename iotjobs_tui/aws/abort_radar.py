"""How close each abort criterion of a job is (issue 12's abort radar). Pure: DescribeJob's
`abortConfig` and `jobProcessDetails` in, numbers out. The rates come from successive
DescribeJobs (the detail's `RateTracker`), so the radar costs no call.

**The base.** AWS's model defines `minNumberOfExecutedThings` as "the minimum number of things
which must receive job execution notifications before the job can be aborted": an executed
thing is a *notified* one, an execution that exists, whatever its status. So the radar arms a
criterion on the notified executions (every counter) and divides the failures by them
(`BASE_NOTIFIED`), as the emulator does by default (`EmulatorConfig.abort_percentage_base`)
and as `watch` does (`aws/gate.py`): the radar then says what the abort that actually fires
will see. AWS does not document the percentage's base; `BASE_TERMINAL` (failures over
finished executions, the emulator's other switch value) is the other reading, kept here so
the two can be compared. Either way the counters count executions, and a retry adds one.

A criterion is met once armed (notified >= minNumberOfExecutedThings) with at least one
matching failure and failures / base >= thresholdPercentage (`sim/engine/rules/abort.py`'s test).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from iotjobs_tui.aws.models import COUNTER_OF, AbortCriterion, Job, JobProcessDetails
from iotjobs_tui.common.statuses import JOB_ACTIVE, JobStatus, failure_statuses

BASE_NOTIFIED = "notified"
BASE_TERMINAL = "terminal"
BASE_WORDS = {BASE_NOTIFIED: "notified executions", BASE_TERMINAL: "finished executions"}
_EPSILON = 1e-9  # the emulator's tolerance: 29.999999999 % meets a 30 % threshold

# Projection outcomes.
MEASURING = "measuring"  # fewer than two DescribeJobs a moment apart: no rates yet
DUE = "due"  # armed and over the threshold now: the abort is due at AWS's next evaluation
REACHED = "reached"  # at the current rates, in `failures` more matching executions
NEVER = "never"  # not at this rate


@dataclass(frozen=True)
class Rates:
    """Executions per minute between DescribeJobs: created (notified), finished, and each
    counter's (attribute -> per minute; a negative rate is a deleted execution)."""

    created: float
    finished: float
    by_counter: Mapping[str, float] = field(default_factory=dict)

    def of(self, failure_type: str | None) -> float:
        statuses = failure_statuses(failure_type)
        return sum(self.by_counter.get(COUNTER_OF[status], 0.0) for status in statuses)


@dataclass(frozen=True)
class Projection:
    outcome: str  # MEASURING, DUE, REACHED or NEVER
    failures: int | None = None  # more matching executions until the threshold is reached
    minutes: float | None = None  # ... and how long that takes at the current rates
    arms_first: bool = False  # reached as soon as it arms (already over the threshold)


@dataclass(frozen=True)
class Reading:
    """One criterion against the counters."""

    criterion: AbortCriterion
    failures: int  # executions matching failureType (ALL: failed + rejected + timed out)
    base: int  # executions the share divides by (BASE_WORDS)
    notified: int  # every execution: what arms it
    threshold: float | None  # percent
    minimum: int  # minNumberOfExecutedThings
    needed: int | None  # fewest more matching executions that meet it now (None: cannot)
    projection: Projection

    @property
    def share(self) -> float | None:
        """Percent of the base; None while the base is empty."""
        return 100.0 * self.failures / self.base if self.base > 0 else None

    @property
    def armed(self) -> bool:
        return self.notified >= self.minimum

    @property
    def to_arm(self) -> int:
        """Notified executions still needed before the criterion can abort the job."""
        return max(0, self.minimum - self.notified)

    @property
    def over(self) -> bool:
        share, threshold = self.share, self.threshold
        return (
            share is not None
            and threshold is not None
            and self.failures > 0
            and share + _EPSILON >= threshold
        )

    @property
    def met(self) -> bool:
        return self.armed and self.over

    @property
    def closeness(self) -> float | None:
        """The share as a fraction of the threshold (1.0: at it); None while unknown."""
        share, threshold = self.share, self.threshold
        if share is None or threshold is None or threshold <= 0:
            return None
        return share / threshold


@dataclass(frozen=True)
class Radar:
    readings: tuple[Reading, ...]
    active: bool  # IN_PROGRESS or SCHEDULED: the counters can still move
    base: str = BASE_NOTIFIED
    aborted_by: Reading | None = None  # a CANCELED job whose counters meet this criterion

    @property
    def no_config(self) -> bool:
        return not self.readings

    @property
    def unprotected(self) -> bool:
        """Nothing can abort the job now: no abort config, or no criterion armed yet."""
        return self.active and not any(reading.armed for reading in self.readings)


def _needed(failures: int, base: int, fraction: float, base_grows: bool) -> int | None:
    """Fewest more matching executions that take failures/base to `fraction`.

    With the notified base an execution that fails was counted already (the base stays); with
    the finished base it joins the base as it fails. A criterion needs one failure at least."""
    least = 0 if failures > 0 else 1
    if not base_grows:
        return max(least, math.ceil(fraction * base - failures - _EPSILON))
    if fraction >= 1:
        return least if failures == base else None
    return max(least, math.ceil((fraction * base - failures) / (1 - fraction) - _EPSILON))


def _project(
    failures: int,
    base: int,
    notified: int,
    minimum: int,
    fraction: float,
    rate_failures: float,
    rate_base: float,
    rate_notified: float,
) -> Projection:
    """When failures/base reaches `fraction` while armed, both growing at their rates.

    g(t) = failures + rate_failures*t - fraction*(base + rate_base*t) is linear in t (minutes):
    the threshold is reached at the first t >= the arming time where g(t) >= 0."""
    if notified >= minimum:
        arm_at = 0.0
    elif rate_notified > 0:
        arm_at = (minimum - notified) / rate_notified
    else:
        return Projection(NEVER)

    def gap(t: float) -> float:
        return failures + rate_failures * t - fraction * (base + rate_base * t)

    at_arming = failures + rate_failures * arm_at
    if at_arming > 0 and gap(arm_at) >= -_EPSILON:
        if arm_at == 0:
            return Projection(DUE, 0, 0.0)
        more = max(0, math.ceil(rate_failures * arm_at - _EPSILON))
        return Projection(REACHED, more, arm_at, arms_first=True)
    slope = rate_failures - fraction * rate_base
    if slope <= 0:
        return Projection(NEVER)
    minutes = max(arm_at, (fraction * base - failures) / slope)
    more = max(1, math.ceil(rate_failures * minutes - _EPSILON))
    return Projection(REACHED, more, minutes)


def read(
    criterion: AbortCriterion,
    process: JobProcessDetails,
    rates: Rates | None,
    base: str = BASE_NOTIFIED,
) -> Reading:
    failures = criterion.failures(process)
    notified = process.total
    terminal = base == BASE_TERMINAL
    size = process.finished if terminal else notified
    minimum = criterion.min_executed if criterion.min_executed is not None else 1
    threshold = criterion.threshold_percentage
    needed: int | None = None
    projection = Projection(MEASURING)
    if threshold is not None:
        fraction = threshold / 100.0
        if notified >= minimum:
            needed = _needed(failures, size, fraction, base_grows=terminal)
        if rates is not None:
            rate_base = rates.finished if terminal else rates.created
            projection = _project(
                failures,
                size,
                notified,
                minimum,
                fraction,
                rates.of(criterion.failure_type),
                rate_base,
                rates.created,
            )
    reading = Reading(criterion, failures, size, notified, threshold, minimum, needed, projection)
    if reading.met:  # due now, whatever the rates: no projection needed
        return replace(reading, projection=Projection(DUE, 0, 0.0))
    return reading


def assess(job: Job, rates: Rates | None, base: str = BASE_NOTIFIED) -> Radar:
    """Every criterion of `job` against its counters (all zero before AWS reports any)."""
    process = job.process or JobProcessDetails()
    active = job.status in JOB_ACTIVE
    readings = tuple(read(criterion, process, rates, base) for criterion in job.abort or ())
    aborted_by = None
    if job.status == JobStatus.CANCELED:
        # AWS documents no reasonCode for an abort: a met criterion is the evidence (as
        # `gate.abort_fired`); a job canceled by hand below every threshold is no abort.
        aborted_by = next((reading for reading in readings if reading.met), None)
    return Radar(readings, active, base, aborted_by)
