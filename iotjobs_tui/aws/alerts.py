"""Alerts (issue 12): which events are worth telling a user who is not looking. Pure: the
watched job's successive DescribeJobs, the stuck count the stuck triage reports and the age of
the data on screen in; `Alert`s out. Delivery (bell, OSC, hook, toast) is `ui.alerts`'.

Events:

- `abort_near`: an armed criterion's share reached `abort_fraction` of its threshold (the
  abort radar's numbers: notified base, see `aws.abort_radar`), while the job is active;
- `aborted`: the job went from active to CANCELED with a criterion met (AWS documents no
  reasonCode for an abort, so the met criterion is the evidence, as `gate.abort_fired`);
- `completed`: the job went from active to COMPLETED;
- `stuck`: the stuck count of an active job went over `stuck_over`;
- `stale`: the newest data on screen is older than `stale_minutes`.

Each event fires once: its key (job, event, criterion) is remembered and never fires again, so
a count hovering around a limit rings once. `aborted` and `completed` need an earlier active
DescribeJob in this session: opening a job that finished yesterday rings nothing. `stale` is
the one event that can come back, and only after the data was fresh again for a while.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from iotjobs_tui.aws.abort_radar import BASE_WORDS, Reading, assess
from iotjobs_tui.aws.models import COUNTERS, Job
from iotjobs_tui.common.statuses import JOB_ACTIVE, JobStatus

ABORT_NEAR = "abort_near"
ABORTED = "aborted"
COMPLETED = "completed"
STUCK = "stuck"
STALE = "stale"
EVENTS = (ABORT_NEAR, ABORTED, COMPLETED, STUCK, STALE)
DELIVERIES = ("bel", "osc9", "osc777")
ENV_PREFIX = "IOTJOBS_"
# A stale episode ends once the data is this fresh again (or half the limit, if shorter).
FRESH_AGAIN = 60.0
_EPSILON = 1e-9


@dataclass(frozen=True)
class AlertSettings:
    """`--alerts`, `--alert-delivery`, `--on-alert` and the config's `[alerts]` table."""

    enabled: bool = False
    delivery: str = "bel"  # one of DELIVERIES
    on_alert: tuple[str, ...] = ()  # the hook's argv, run without a shell
    abort_fraction: float = 0.8  # of a criterion's threshold
    stuck_over: int = 10  # stuck executions
    stale_minutes: float = 5.0


@dataclass(frozen=True)
class Alert:
    event: str
    job_id: str | None
    message: str  # one line
    status: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)  # counter attr -> executions
    extra: Mapping[str, str] = field(default_factory=dict)  # more IOTJOBS_* variables

    def environment(self) -> dict[str, str]:
        """The IOTJOBS_* variables a hook receives (every counter counts executions)."""
        env = {
            "IOTJOBS_EVENT": self.event,
            "IOTJOBS_JOB_ID": self.job_id or "",
            "IOTJOBS_MESSAGE": self.message,
        }
        if self.status is not None:
            env["IOTJOBS_STATUS"] = self.status
        for attr, count in self.counts.items():
            env[f"{ENV_PREFIX}{attr.upper()}"] = str(count)
        if self.counts:
            env["IOTJOBS_EXECUTIONS"] = str(sum(self.counts.values()))
        for key, value in self.extra.items():
            env[f"{ENV_PREFIX}{key}"] = value
        return env


def _counts(job: Job | None) -> dict[str, int]:
    if job is None or job.process is None:
        return {}
    return {attr: job.process.count(attr) for attr, _, _ in COUNTERS}


def _kind(reading: Reading) -> str:
    return reading.criterion.failure_type or "?"


def _threshold(reading: Reading) -> str:
    threshold = reading.threshold
    return "?" if threshold is None else f"{threshold:g} %"


def _criterion_extra(reading: Reading) -> dict[str, str]:
    return {
        "FAILURE_TYPE": _kind(reading),
        "SHARE": f"{reading.share or 0.0:.2f}",
        "THRESHOLD": "" if reading.threshold is None else f"{reading.threshold:g}",
        "BASE": str(reading.base),
    }


class AlertEvaluator:
    def __init__(self, settings: AlertSettings) -> None:
        self.settings = settings
        self._fired: set[tuple[str, ...]] = set()
        self._status: dict[str, str | None] = {}  # job id -> the last status seen
        self._jobs: dict[str, Job] = {}
        self._stale_armed = True
        self._stale_episode = 0

    def _fire(self, key: tuple[str, ...], alert: Alert) -> list[Alert]:
        if key in self._fired:
            return []
        self._fired.add(key)
        return [alert]

    def job(self, job: Job) -> list[Alert]:
        """A DescribeJob of the watched job."""
        previous = self._status.get(job.job_id)
        self._status[job.job_id] = job.status
        self._jobs[job.job_id] = job
        radar = assess(job, None)
        counts = _counts(job)
        job_id = job.job_id
        alerts: list[Alert] = []
        if radar.active:
            for i, reading in enumerate(radar.readings):
                closeness = reading.closeness
                fraction = self.settings.abort_fraction
                if not reading.armed or closeness is None or closeness + _EPSILON < fraction:
                    continue
                message = (
                    f"{job_id}: {_kind(reading)} at {reading.share or 0.0:.1f} % of "
                    f"{reading.base:,} {BASE_WORDS[radar.base]}, {closeness:.0%} of its abort "
                    f"threshold ({_threshold(reading)})"
                )
                alert = Alert(
                    ABORT_NEAR, job_id, message, job.status, counts, _criterion_extra(reading)
                )
                alerts += self._fire((job_id, ABORT_NEAR, str(i)), alert)
            return alerts
        if previous not in JOB_ACTIVE:
            return alerts  # first seen finished: nothing happened while watching
        fired = radar.aborted_by
        if job.status == JobStatus.CANCELED and fired is not None:
            message = (
                f"{job_id} was aborted: {_kind(fired)} {fired.share or 0.0:.1f} % of "
                f"{fired.base:,} {BASE_WORDS[radar.base]} reached {_threshold(fired)}"
            )
            extra = _criterion_extra(fired)
            if job.reason_code:
                extra["REASON_CODE"] = job.reason_code
            alerts += self._fire(
                (job_id, ABORTED), Alert(ABORTED, job_id, message, job.status, counts, extra)
            )
        elif job.status == JobStatus.COMPLETED:
            total = sum(counts.values())
            message = (
                f"{job_id} completed: {counts.get('succeeded', 0):,} of {total:,} "
                "executions succeeded"
            )
            alerts += self._fire(
                (job_id, COMPLETED), Alert(COMPLETED, job_id, message, job.status, counts)
            )
        return alerts

    def stuck(self, job_id: str, count: int) -> list[Alert]:
        """The stuck triage's count of stuck executions of `job_id`."""
        limit = self.settings.stuck_over
        job = self._jobs.get(job_id)
        if count <= limit or (job is not None and job.status not in JOB_ACTIVE):
            return []
        message = f"{job_id}: {count:,} stuck executions (alert over {limit:,})"
        status = job.status if job is not None else None
        alert = Alert(STUCK, job_id, message, status, _counts(job), {"STUCK": str(count)})
        return self._fire((job_id, STUCK), alert)

    def staleness(self, age: float | None, job_id: str | None) -> list[Alert]:
        """`age`: seconds since the newest data on screen (None: nothing to judge)."""
        if age is None:
            return []
        limit = self.settings.stale_minutes * 60
        if age < min(FRESH_AGAIN, limit / 2):
            if not self._stale_armed:
                self._stale_armed = True
                self._stale_episode += 1
            return []
        if age < limit or not self._stale_armed:
            return []
        self._stale_armed = False
        minutes = int(age // 60)
        message = (
            f"no fresh data for {minutes} min (alert after {self.settings.stale_minutes:g} min)"
        )
        job = self._jobs.get(job_id) if job_id else None
        alert = Alert(
            STALE,
            job_id,
            message,
            job.status if job is not None else None,
            _counts(job),
            {"STALE_SECONDS": str(int(age))},
        )
        return self._fire(("", STALE, str(self._stale_episode)), alert)
