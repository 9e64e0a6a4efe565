"""Stuck triage, the pure part: which QUEUED and IN_PROGRESS executions look stuck, and why.

No I/O here (the calls are in `aws.triage`); the widget keeps a `TriageState` across cycles.

1. **Suspects**, from ListJobExecutionsForJob's summaries alone (no call per execution): QUEUED
   for longer than `queued_minutes`, or IN_PROGRESS with no status update for longer than
   `in_progress_minutes` (or for `TIMEOUT_SOON` with its in-progress timeout less than
   `TIMEOUT_SOON` away).
2. **Checks**, a few suspects a cycle: ListJobExecutionsForThing for a QUEUED one (another
   job's IN_PROGRESS execution on the thing), DescribeJobExecution for an IN_PROGRESS one (its
   timer), and GetThingConnectivityData for either.
3. **Kinds**, one per suspect, the most specific explanation first:
   - `blocked`: QUEUED while the thing runs another job. AWS does not forbid two executions
     IN_PROGRESS on a thing, but StartNextPendingJobExecution hands a device its IN_PROGRESS
     execution first, so device clients work one job at a time and the QUEUED one waits;
   - `offline`: the thing is not connected (fleet indexing with connectivity must be on);
   - `never_picked_up`: QUEUED past its age, the thing free (or not checked yet);
   - `silent`: IN_PROGRESS without an update past its age, connected (or not checked yet).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from iotjobs_tui.aws.execution_models import ThingExecution
from iotjobs_tui.aws.models import JobExecutionSummary
from iotjobs_tui.common.statuses import EXEC_ACTIVE, ExecStatus

# The statuses a cycle lists, in this order.
SCANNED = (ExecStatus.QUEUED, ExecStatus.IN_PROGRESS)

SCAN_PAGES = 2  # ListJobExecutionsForJob pages per status per cycle
PAGE_SIZE = 250  # the API's maximum
# Seconds a listed row is trusted: an older sighting says too little about now.
ROW_TTL = 10 * 60.0
QUEUED_MINUTES = 10.0  # QUEUED longer than this: the device never took it
IN_PROGRESS_MINUTES = 30.0  # IN_PROGRESS without an update for this long: silent
# Seconds: a timeout this close is worth a look after this much silence (AWS may be 60 s late).
TIMEOUT_SOON = 5 * 60.0

KINDS = ("blocked", "never_picked_up", "silent", "offline")
LABELS = {
    "blocked": "blocked by another job",
    "never_picked_up": "never picked up",
    "silent": "silent in progress",
    "offline": "offline",
}

# What GetThingConnectivityData could tell: "on", "off" (fleet indexing without connectivity),
# "denied" (no permission), or "unknown" (not asked yet).
INDEXING_STATES = ("unknown", "on", "off", "denied")


def sweep_cycles(counts: Iterable[int]) -> int:
    """Cycles a whole sweep takes for lists of these lengths (at least 1)."""
    pages = [math.ceil(max(count, 0) / PAGE_SIZE) for count in counts]
    return max([1, *(math.ceil(p / SCAN_PAGES) for p in pages)])


@dataclass(frozen=True)
class Thresholds:
    queued_minutes: float = QUEUED_MINUTES
    in_progress_minutes: float = IN_PROGRESS_MINUTES


# A summary and when the scan saw it.
Seen = tuple[JobExecutionSummary, datetime]


@dataclass
class StatusScan:
    """A rolling ListJobExecutionsForJob scan of one status: a few pages a cycle, resumed
    from `token`, so a 100,000-execution job is swept over several cycles.

    A sweep ends at the list's end, or once it has read as many rows as DescribeJob counted
    when it began: executions flowing through a big rollout join the list behind the token
    faster than a few pages a minute read, and the sweep must come back to the start, where
    the oldest (the stuck ones, if the service lists in creation order) are."""

    token: str | None = None
    current: dict[str, Seen] = field(default_factory=dict)  # this sweep so far, by thing
    last: dict[str, Seen] | None = None  # the last complete sweep
    sweeps: int = 0  # complete sweeps so far
    read: int = 0  # rows the latest cycle read
    whole: bool = False  # the latest cycle read the list from its first page to its end
    expected: int | None = None  # DescribeJob's count when this sweep began
    swept: int = 0  # rows this sweep has read
    _from_start: bool = False

    def begin(self, count: int | None = None) -> None:
        """A cycle starts reading (from the first page, or where the last one stopped);
        `count` is DescribeJob's count of this status."""
        self.read, self.whole, self._from_start = 0, False, self.token is None
        if self.token is None:
            self.expected, self.swept = count, 0

    def add(self, rows: Iterable[JobExecutionSummary], seen_at: datetime) -> None:
        for row in rows:
            self.read += 1
            self.swept += 1
            name = row.thing_name
            if not name:
                continue
            kept = self.current.get(name)
            if kept is None or (row.execution_number or 0) >= (kept[0].execution_number or 0):
                self.current[name] = (row, seen_at)

    @property
    def swept_enough(self) -> bool:
        """This sweep has read as many rows as the list held when it began."""
        return self.expected is not None and self.swept >= self.expected

    def finish(self) -> None:
        """The sweep is over: it becomes the complete one; the next starts over."""
        self.last, self.current, self.token = self.current, {}, None
        self.sweeps += 1
        self.whole = self._from_start

    def empty(self) -> None:
        """DescribeJob counts none of this status: nothing to list."""
        self.current, self.token = {}, None
        self.last, self.read, self.whole = {}, 0, True

    def restart(self) -> None:
        """The service refused our token (expired): start this sweep again."""
        self.current, self.token = {}, None

    def forget(self, thing: str) -> None:
        self.current.pop(thing, None)
        if self.last is not None:
            self.last.pop(thing, None)

    def rows(self, now: datetime | None = None, ttl: float = ROW_TTL) -> dict[str, Seen]:
        """The newest sighting of each thing over the last complete sweep and this one, if
        seen within `ttl` seconds of `now` (older ones may have moved on long ago)."""
        rows = {**(self.last or {}), **self.current}
        if now is None:
            return rows
        return {k: v for k, v in rows.items() if (now - v[1]).total_seconds() <= ttl}


@dataclass(frozen=True)
class Connectivity:
    connected: bool | None  # None: the answer did not say
    at: datetime | None = None  # the last connect or disconnect; None: never connected


@dataclass(frozen=True)
class Check:
    """What the calls for one suspect found."""

    at: datetime
    status: str | None = None  # this job's latest execution on the thing (None: not seen)
    blockers: tuple[str, ...] = ()  # other jobs with an IN_PROGRESS execution on the thing
    seconds_left: int | None = None  # approximateSecondsBeforeTimedOut, at `at`
    last_updated: datetime | None = None
    connectivity: Connectivity | None = None  # None: not asked (indexing off, or blocked)
    execution: Any = None  # DescribeJobExecution's JobExecution, for the things list


@dataclass
class TriageState:
    """Everything the triage of one job keeps between cycles (owned by the widget)."""

    job_id: str
    scans: dict[str, StatusScan] = field(
        default_factory=lambda: {status: StatusScan() for status in SCANNED}
    )
    checks: dict[str, Check] = field(default_factory=dict)
    indexing: str = "unknown"
    indexing_at: datetime | None = None  # when `indexing` was last learned

    def record(self, thing: str, check: Check) -> None:
        self.checks[thing] = check
        if check.status not in EXEC_ACTIVE and check.status is not None:
            for scan in self.scans.values():  # finished since the scan saw it
                scan.forget(thing)

    @property
    def scanned(self) -> int:
        """Executions the latest cycle read."""
        return sum(scan.read for scan in self.scans.values())

    @property
    def complete(self) -> bool:
        """The latest cycle read both lists whole."""
        return all(scan.whole for scan in self.scans.values())


@dataclass(frozen=True)
class Suspect:
    thing: str
    status: str
    since: datetime  # queuedAt (QUEUED) or the last update (IN_PROGRESS)
    seen_at: datetime
    row: JobExecutionSummary
    deadline: datetime | None = None  # startedAt + the job's in-progress timeout


def _silent(since: datetime, deadline: datetime | None, now: datetime, limits: Thresholds) -> bool:
    silence = (now - since).total_seconds()
    if silence >= limits.in_progress_minutes * 60:
        return True
    soon = deadline is not None and (deadline - now).total_seconds() <= TIMEOUT_SOON
    return soon and silence >= TIMEOUT_SOON


def find_suspects(
    state: TriageState, now: datetime, limits: Thresholds, timeout_minutes: int | None = None
) -> list[Suspect]:
    """The scanned executions past their age, oldest first (no calls)."""
    running = state.scans[ExecStatus.IN_PROGRESS].rows(now)
    out: list[Suspect] = []
    for name, (row, seen_at) in state.scans[ExecStatus.QUEUED].rows(now).items():
        if name in running or row.queued_at is None:
            continue  # moved on since (the IN_PROGRESS sighting wins), or no age to judge
        if (now - row.queued_at).total_seconds() >= limits.queued_minutes * 60:
            out.append(Suspect(name, ExecStatus.QUEUED, row.queued_at, seen_at, row))
    for name, (row, seen_at) in running.items():
        since = row.last_updated_at or row.started_at or row.queued_at
        if since is None:
            continue
        deadline = None
        if timeout_minutes and row.started_at is not None:
            deadline = row.started_at + timedelta(minutes=timeout_minutes)
        if _silent(since, deadline, now, limits):
            out.append(Suspect(name, ExecStatus.IN_PROGRESS, since, seen_at, row, deadline))
    out.sort(key=lambda s: (s.since, s.thing))
    return out


def due_for_check(
    suspects: list[Suspect],
    checks: dict[str, Check],
    now: datetime,
    limit: int,
    recheck_seconds: float,
) -> list[Suspect]:
    """At most `limit` suspects to check: never checked first (oldest first), then the
    checks older than `recheck_seconds`, oldest check first."""
    fresh: list[Suspect] = []
    stale: list[tuple[datetime, Suspect]] = []
    for suspect in suspects:
        check = checks.get(suspect.thing)
        if check is None:
            fresh.append(suspect)
        elif (now - check.at).total_seconds() >= recheck_seconds:
            stale.append((check.at, suspect))
    stale.sort(key=lambda pair: pair[0])
    return (fresh + [suspect for _, suspect in stale])[: max(limit, 0)]


def blockers_from(
    rows: Iterable[ThingExecution], job_id: str
) -> tuple[str | None, tuple[str, ...]]:
    """(this job's latest status on the thing, other jobs IN_PROGRESS on it) from
    ListJobExecutionsForThing."""
    own: ThingExecution | None = None
    others: set[str] = set()
    for row in rows:
        if row.job_id == job_id:
            if own is None or (row.execution_number or 0) >= (own.execution_number or 0):
                own = row
        elif row.job_id and row.status == ExecStatus.IN_PROGRESS:
            others.add(row.job_id)
    return (own.status if own is not None else None), tuple(sorted(others))


@dataclass(frozen=True)
class Entry:
    """One stuck execution, with its kind and what explains it."""

    thing: str
    kind: str
    status: str
    since: datetime
    checked: bool = False
    blockers: tuple[str, ...] = ()
    deadline: datetime | None = None  # when it times out (None: no timer, or not known)
    offline_since: datetime | None = None  # None with kind offline: never connected
    known: Any = None  # the freshest record: DescribeJobExecution's, else the list row


@dataclass(frozen=True)
class TriageReport:
    job_id: str
    at: datetime
    scanned: int  # QUEUED + IN_PROGRESS executions this cycle read
    complete: bool  # this cycle read both lists whole (else the sweep goes on next cycle)
    indexing: str
    entries: tuple[Entry, ...] = ()
    error: str | None = None  # checks cut short this cycle (the scan itself went through)
    # QUEUED + IN_PROGRESS executions by the DescribeJob the cycle started from: what
    # `scanned` is "of" (the job's counts now may be smaller: the rollout moved on).
    unfinished: int | None = None

    def of(self, kind: str) -> tuple[Entry, ...]:
        return tuple(entry for entry in self.entries if entry.kind == kind)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for entry in self.entries:
            counts[entry.kind] += 1
        return counts

    @property
    def checked(self) -> int:
        return sum(1 for entry in self.entries if entry.checked)

    def next_timeout(self, kind: str = "silent") -> datetime | None:
        deadlines = [e.deadline for e in self.of(kind) if e.deadline is not None]
        return min(deadlines) if deadlines else None

    def main_blocker(self) -> tuple[str, int] | None:
        """The job blocking most of the blocked ones, and how many it blocks."""
        tally: dict[str, int] = {}
        for entry in self.of("blocked"):
            for job in entry.blockers:
                tally[job] = tally.get(job, 0) + 1
        if not tally:
            return None
        job = min(tally, key=lambda name: (-tally[name], name))
        return job, tally[job]


def _entry(
    suspect: Suspect, check: Check | None, now: datetime, limits: Thresholds
) -> Entry | None:
    """The suspect's kind, or None when a check newer than the scan clears it."""
    status, since = suspect.status, suspect.since
    if check is not None and check.at >= suspect.seen_at and check.status is not None:
        if check.status != status:
            return None  # finished, or moved on, since the scan saw it
        if status == ExecStatus.IN_PROGRESS and check.last_updated is not None:
            since = max(since, check.last_updated)
            if not _silent(since, suspect.deadline, now, limits):
                return None  # the device reported since
    deadline = suspect.deadline
    if check is not None and check.seconds_left is not None:
        deadline = check.at + timedelta(seconds=check.seconds_left)
    link = check.connectivity if check is not None else None
    offline = link is not None and link.connected is False
    blockers = check.blockers if check is not None else ()
    if status == ExecStatus.QUEUED and blockers:
        kind = "blocked"
    elif offline:
        kind = "offline"
    else:
        kind = "never_picked_up" if status == ExecStatus.QUEUED else "silent"
    return Entry(
        thing=suspect.thing,
        kind=kind,
        status=status,
        since=since,
        checked=check is not None,
        blockers=blockers,
        deadline=deadline if status == ExecStatus.IN_PROGRESS else None,
        offline_since=link.at if offline and link is not None else None,
        known=check.execution if check is not None and check.execution else suspect.row,
    )


def classify(
    state: TriageState,
    suspects: list[Suspect],
    now: datetime,
    limits: Thresholds,
    error: str | None = None,
) -> TriageReport:
    entries = []
    for suspect in suspects:
        entry = _entry(suspect, state.checks.get(suspect.thing), now, limits)
        if entry is not None:
            entries.append(entry)
    wanted = {suspect.thing for suspect in suspects}
    for thing in [name for name in state.checks if name not in wanted]:
        del state.checks[thing]  # no longer a suspect: a later suspicion checks afresh
    return TriageReport(
        job_id=state.job_id,
        at=now,
        scanned=state.scanned,
        complete=state.complete,
        indexing=state.indexing,
        entries=tuple(entries),
        error=error,
    )
