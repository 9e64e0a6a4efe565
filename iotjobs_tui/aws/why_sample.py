"""One job's why-sample: which executions to list and describe next, and what they show.

Pure (no I/O, no clock: callers pass a monotonic `now`); `aws.why` explains the method and
does the bucketing, `aws.why_sampler` makes the calls. The UI owns one `WhySample` per job,
plans each cycle with `due_listings` and `choose`, and feeds the answers to `take`.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from iotjobs_tui.aws.execution_models import JobExecution
from iotjobs_tui.aws.why import (
    DEFAULT_KEYS,
    STEP_KEYS,
    Bucket,
    ExecKey,
    allocate,
    exec_key,
    priority,
    summarise,
)
from iotjobs_tui.common.statuses import EXEC_FAILURES, ExecStatus

# The statuses sampled: the failures for their reasons, IN_PROGRESS for the steps.
SAMPLED = (*EXEC_FAILURES, ExecStatus.IN_PROGRESS)
SAMPLE_TARGET = 100  # failed executions described by default (config: [why] sample)
STEP_TARGET = 10  # in-progress executions described for the steps
# Describe slots a cycle kept for the steps while failures wait: in-progress executions move
# on within a minute, so their sample must be described soon after it is listed.
STEP_SLOTS = 2
PAGE = 250  # ListJobExecutionsForJob's largest page
# Listing is a sweep over cycles, resumed with nextToken: a status of 100,000 failures never
# holds a cycle (or the quota) for 400 calls at once.
PAGES_PER_CYCLE = 3  # ListJobExecutionsForJob pages a cycle, all statuses together
SWEEP_SLACK = 2  # pages past the count a sweep reads: a status growing as it is read ends
# A failure status whose count moved is listed again after this many seconds per page (one
# page: 10 s, so the first failures show at once)...
SECONDS_PER_PAGE = 10.0
RELIST_SECONDS = 60.0  # ... and at least a minute apart once it takes more than one page
# In-progress executions move on: their listing and descriptions are renewed this often, from
# the first STEP_PAGES pages listed (the steps need a rough picture, not every execution).
STEP_REFRESH_SECONDS = 60.0
STEP_PAGES = 4


Row = tuple[str, int | None]  # (thing name, execution number)
# A cycle's pages of one status: (rows read, the nextToken after them or None at the end, pages)
Pages = tuple[list[Row], str | None, int]
# Given a cycle's pages, which executions to describe (`WhySample.completed` + `choose`).
Chooser = Callable[[Mapping[str, Pages]], list[Row]]
# The listings a cycle continues: (status, nextToken or None to start, pages it may read).
Sweeps = tuple[tuple[str, str | None, int], ...]


@dataclass(frozen=True)
class Listing:
    """One whole ListJobExecutionsForJob(status=...) of the job."""

    executions: dict[ExecKey, Row]  # key -> (thing, execution number)
    at: float  # monotonic, when its last page came
    count: int | None  # the job's counter for the status when it started
    complete: bool = True  # False: cut at its page limit (in progress: STEP_PAGES)


@dataclass
class Sweep:
    """A listing under way, page by page over cycles."""

    rows: list[Row]
    token: str | None  # the next page's nextToken; None before the first page
    pages: int
    max_pages: int
    count: int | None


@dataclass
class CycleResult:
    """What one cycle brought (filled as it goes: a failed cycle keeps what it got)."""

    pages: dict[str, Pages] = field(default_factory=dict)
    expired: list[str] = field(default_factory=list)  # a nextToken refused: start over
    described: list[JobExecution] = field(default_factory=list)
    gone: list[Row] = field(default_factory=list)  # ResourceNotFound
    calls: int = 0


def _pages(count: int) -> int:
    return max(1, math.ceil(count / PAGE))


class WhySample:
    """One job's sample: its listings, the executions described, and what to do next."""

    def __init__(
        self,
        job_id: str,
        *,
        target: int = SAMPLE_TARGET,
        step_target: int = STEP_TARGET,
        keys: Sequence[str] = DEFAULT_KEYS,
        seed: int = 0,
    ) -> None:
        self.job_id = job_id
        self.target = target
        self.step_target = step_target
        self.keys = tuple(keys)
        self.seed = seed
        self.everything = False  # describe every failed execution, not a sample
        self.counts: dict[str, int] = {}  # the job's counters (DescribeJob), by status
        self.listings: dict[str, Listing] = {}
        self.sweeps: dict[str, Sweep] = {}
        self.described: dict[ExecKey, tuple[JobExecution, float]] = {}
        self.updated_at: float | None = None  # monotonic: the last cycle that brought data
        self.calls = 0  # calls made for this sample, in all
        self.version = 0  # bumped by every change: what is shown is recomputed then
        self._priorities: dict[ExecKey, int] = {}

    # --- what the job says -----------------------------------------------------------------

    def set_counts(self, counts: Mapping[str, int]) -> None:
        counts = {s: counts.get(s, 0) for s in SAMPLED}
        if counts != self.counts:
            self.counts = counts
            self.version += 1

    def describe_everything(self) -> None:
        """Describe every failed execution from now on, not a sample (`A`, after its cost)."""
        self.everything = True
        self.version += 1

    def population(self, status: str) -> int:
        """Executions in `status`: the job's counter, else the listing's size."""
        if status in self.counts:
            return self.counts[status]
        listing = self.listings.get(status)
        return len(listing.executions) if listing is not None else 0

    @property
    def failures(self) -> int:
        return sum(self.population(s) for s in EXEC_FAILURES)

    @property
    def has_work(self) -> bool:
        """Anything to sample at all (a job with no failures and nothing in progress has not)."""
        return any(self.population(s) for s in SAMPLED) or not self.counts

    # --- planning a cycle ------------------------------------------------------------------

    def due_listings(self, now: float) -> tuple[str, ...]:
        """Statuses to list again from the start: never listed; a failure status whose count
        moved, SECONDS_PER_PAGE per page after its last listing (at least RELIST_SECONDS when
        it has several); in progress every STEP_REFRESH_SECONDS. A count of 0 needs no call."""
        due: list[str] = []
        for status in SAMPLED:
            count = self.counts.get(status)
            listing = self.listings.get(status)
            if count == 0:
                self.sweeps.pop(status, None)
                if listing is None or listing.executions:
                    self.listings[status] = Listing({}, now, 0)
                    self.version += 1
                continue
            if status in self.sweeps:
                continue
            if listing is None:
                due.append(status)
            elif status == ExecStatus.IN_PROGRESS:
                if now - listing.at >= STEP_REFRESH_SECONDS:
                    due.append(status)
            elif count is not None and count != listing.count:
                pages = _pages(max(count, len(listing.executions)))
                wait = (
                    pages * SECONDS_PER_PAGE
                    if pages == 1
                    else max(RELIST_SECONDS, pages * SECONDS_PER_PAGE)
                )
                if now - listing.at >= wait:
                    due.append(status)
        return tuple(due)

    def plan(self, now: float) -> Sweeps:
        """The sweeps to continue this cycle, (status, nextToken, pages it may still read),
        after starting one for every status that is due."""
        for status in self.due_listings(now):
            count = self.counts.get(status)
            pages = _pages(count or 0) + SWEEP_SLACK
            if status == ExecStatus.IN_PROGRESS:
                pages = min(pages, STEP_PAGES)
            self.sweeps[status] = Sweep([], None, 0, pages, count)
        return tuple((s, w.token, w.max_pages - w.pages) for s, w in self.sweeps.items())

    def completed(self, pages: Mapping[str, Pages]) -> dict[str, list[Row]]:
        """The listings these pages complete (with what earlier cycles read of them)."""
        done: dict[str, list[Row]] = {}
        for status, (rows, token, count) in pages.items():
            sweep = self.sweeps.get(status)
            if sweep is not None and (token is None or sweep.pages + count >= sweep.max_pages):
                done[status] = sweep.rows + rows
        return done

    def _rank(self, key: ExecKey) -> int:
        rank = self._priorities.get(key)
        if rank is None:
            rank = self._priorities[key] = priority(self.seed, key)
        return rank

    def members(
        self, listings: Mapping[str, Mapping[ExecKey, Row]] | None = None
    ) -> dict[str, list[ExecKey]]:
        """Each status's sample: its lowest-priority listed executions, as many as allocated
        (every failed one with `everything`), lowest priority first."""
        if listings is None:
            listings = {s: listing.executions for s, listing in self.listings.items()}
        sizes: dict[str, int] = {s: len(listings[s]) for s in EXEC_FAILURES if s in listings}
        slots = dict(sizes) if self.everything else allocate(sizes, self.target)
        if ExecStatus.IN_PROGRESS in listings:
            slots[ExecStatus.IN_PROGRESS] = min(
                self.step_target, len(listings[ExecStatus.IN_PROGRESS])
            )
        return {
            status: heapq.nsmallest(size, listings[status], key=self._rank)
            for status, size in slots.items()
        }

    def choose(
        self,
        fresh: Mapping[str, Sequence[Row]],
        now: float,
        limit: int,
    ) -> list[Row]:
        """Up to `limit` executions to describe, given this cycle's `fresh` listings: sample
        members not described yet (failures first, lowest priority first; STEP_SLOTS kept for
        the steps while they wait), then in-progress members described too long ago."""
        listings: dict[str, Mapping[ExecKey, Row]] = {
            s: listing.executions for s, listing in self.listings.items()
        }
        for status, rows in fresh.items():
            listings[status] = {exec_key(t, n): (t, n) for t, n in rows}
        chosen = self.members(listings)
        failing = sorted(
            (k for s in EXEC_FAILURES for k in chosen.get(s, ()) if k not in self.described),
            key=self._rank,
        )
        steps = [k for k in chosen.get(ExecStatus.IN_PROGRESS, ()) if k not in self.described]
        steps += sorted(
            (
                k
                for k in chosen.get(ExecStatus.IN_PROGRESS, ())
                if k in self.described and now - self.described[k][1] >= STEP_REFRESH_SECONDS
            ),
            key=lambda k: self.described[k][1],
        )
        reserved = min(len(steps), STEP_SLOTS, max(1, limit // 2))
        take_failing = min(len(failing), limit - reserved)
        picked = failing[:take_failing] + steps[: limit - take_failing]
        picked += failing[take_failing : take_failing + limit - len(picked)]
        where = {k: row for held in listings.values() for k, row in held.items()}
        return [where[k] for k in picked]

    # --- taking a cycle's answers ----------------------------------------------------------

    def take(self, result: CycleResult, now: float) -> None:
        listed = False
        for status, (rows, token, count) in result.pages.items():
            sweep = self.sweeps.get(status)
            if sweep is None:
                continue
            sweep.rows.extend(rows)
            sweep.token, sweep.pages = token, sweep.pages + count
            if token is None or sweep.pages >= sweep.max_pages:
                executions = {exec_key(t, n): (t, n) for t, n in sweep.rows}
                self.listings[status] = Listing(executions, now, sweep.count, token is None)
                del self.sweeps[status]
                listed = True
        for status in result.expired:
            self.sweeps.pop(status, None)
        for thing, number in result.gone:
            key = exec_key(thing, number)
            self.described.pop(key, None)
            for status, listing in list(self.listings.items()):
                if key in listing.executions:
                    kept = {k: v for k, v in listing.executions.items() if k != key}
                    self.listings[status] = Listing(
                        kept, listing.at, listing.count, listing.complete
                    )
        for execution in result.described:
            thing = execution.thing_name or "?"
            self.described[exec_key(thing, execution.execution_number)] = (execution, now)
        self.calls += result.calls
        self.version += 1
        if listed or result.described or result.gone:
            self.updated_at = now
        if listed:  # in-progress executions come and go: forget the ranks of gone ones
            keys = {k for listing in self.listings.values() for k in listing.executions}
            self._priorities = {k: v for k, v in self._priorities.items() if k in keys}
            self.described = {k: v for k, v in self.described.items() if k in keys}

    # --- what it shows ---------------------------------------------------------------------

    def described_at(self, execution: JobExecution) -> float | None:
        """When (monotonic) `execution` was described, if it was."""
        key = exec_key(execution.thing_name or "?", execution.execution_number)
        held = self.described.get(key)
        return held[1] if held is not None else None

    def summary(self) -> WhySummary:
        """Everything the panel and the screen show, computed once per change."""
        members = self.members()

        def sampled(statuses: Sequence[str]) -> list[JobExecution]:
            # Described members whose status is still the listed one (an in-progress
            # execution that has moved on is no longer one).
            out: list[JobExecution] = []
            for status in statuses:
                for key in members.get(status, ()):
                    held = self.described.get(key)
                    if held is not None and held[0].status == status:
                        out.append(held[0])
            return out

        failed = sampled(EXEC_FAILURES)
        running = sampled((ExecStatus.IN_PROGRESS,))
        populations: dict[str, int] = {s: self.population(s) for s in EXEC_FAILURES}
        in_progress = self.population(ExecStatus.IN_PROGRESS)
        step_population: dict[str, int] = {ExecStatus.IN_PROGRESS: in_progress}
        listed = sum(
            1
            for s in EXEC_FAILURES
            if s in self.listings
            for k in self.listings[s].executions
            if k in self.described
        )
        return WhySummary(
            buckets=summarise(failed, populations, self.keys),
            steps=summarise(running, step_population, STEP_KEYS),
            sampled=len(failed),
            failures=sum(populations.values()),
            steps_sampled=len(running),
            in_progress=in_progress,
            pending=sum(
                1 for s in EXEC_FAILURES for k in members.get(s, ()) if k not in self.described
            ),
            remaining=max(0, sum(populations.values()) - listed),
            listed=all(s in self.listings for s in EXEC_FAILURES),
            steps_listed=self._steps_listed(),
            updated_at=self.updated_at,
            calls=self.calls,
            everything=self.everything,
        )

    def _steps_listed(self) -> int | None:
        """How many in-progress executions the steps were sampled from, when not all."""
        listing = self.listings.get(ExecStatus.IN_PROGRESS)
        return None if listing is None or listing.complete else len(listing.executions)


@dataclass(frozen=True)
class WhySummary:
    buckets: list[Bucket]  # failures, largest first
    steps: list[Bucket]  # in progress by step, largest first
    sampled: int  # failed executions described (in the sample)
    failures: int  # FAILED + REJECTED + TIMED_OUT executions
    steps_sampled: int
    in_progress: int
    pending: int  # sample members still to describe
    remaining: int  # failed executions not described: what `everything` would cost
    listed: bool  # every failure status has been listed (else: sampling…)
    steps_listed: int | None  # the steps come from the first N in-progress listed (None: all)
    updated_at: float | None
    calls: int
    everything: bool

    @property
    def exact(self) -> bool:
        return self.listed and self.sampled >= self.failures
