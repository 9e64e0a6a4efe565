"""The rollout timeline's recorder: per-minute buckets from successive DescribeJob counters.

Pure (no I/O, no clock of its own): the job detail feeds it every DescribeJob it already
gets, with the app's clock, and a tick once a second that closes finished minutes.

What a minute holds, all counted in executions (retries add executions):
- notified: executions created, the rise of the eight counters' sum;
- succeeded, failed: the rise of SUCCEEDED, and of FAILED + REJECTED + TIMED_OUT;
- in progress: a level, IN_PROGRESS at the minute's last refresh.

A change is put in the minute of the refresh that saw it, when the refresh before was in
the same minute or the one before. Longer silences (the app closed, the job not shown, the
refresh paused) stay gaps: nothing is spread over them. The minute after a gap starts from
a new baseline (`partial`), and keeps what changed across the gap as a total (`gap`); until
a second refresh in it, its rises are unknown (`measured` False), never 0.

Counters can fall: deleting an execution removes it from them. A fall is never subtracted
from a minute (that would hide what else happened); it counts as 0 and the minute records
that it fell (`fell`), so its numbers read "at least".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

MINUTE = 60
# Seven days of minutes: what is kept in memory and on disk per job.
KEEP_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class Counts:
    """One DescribeJob's counters, as the timeline reads them (executions)."""

    total: int  # every counter summed: executions created so far
    succeeded: int
    failed: int  # FAILED + REJECTED + TIMED_OUT
    in_progress: int


@dataclass(frozen=True)
class Change:
    """What rose between two refreshes (never negative), and by how much a counter fell."""

    notified: int = 0
    succeeded: int = 0
    failed: int = 0
    fell: int = 0  # the largest fall of any counter: at least this many executions left

    def __add__(self, other: Change) -> Change:
        return Change(
            self.notified + other.notified,
            self.succeeded + other.succeeded,
            self.failed + other.failed,
            self.fell + other.fell,
        )


def change(before: Counts, after: Counts) -> Change:
    rises = (
        after.total - before.total,
        after.succeeded - before.succeeded,
        after.failed - before.failed,
    )
    notified, succeeded, failed = (max(0, rise) for rise in rises)
    return Change(notified, succeeded, failed, fell=max(0, *(-rise for rise in rises)))


@dataclass(frozen=True)
class Gap:
    """The silence before a minute: how many minutes had no refresh, and what changed."""

    minutes: int
    change: Change


@dataclass(frozen=True)
class Bucket:
    """One minute (`minute`: minutes since the epoch, UTC)."""

    minute: int
    notified: int = 0
    succeeded: int = 0
    failed: int = 0
    in_progress: int | None = None  # at the minute's last refresh
    fell: int = 0  # see Change.fell: the minute's rises are then lower bounds
    partial: bool = False  # started from a baseline mid-minute (first refresh, or after a gap)
    gap: Gap | None = None
    # False while the minute has a single refresh after a gap: its rises are not known (not
    # 0), only its in-progress level. Refreshes further apart than a minute leave only these.
    measured: bool = True

    @property
    def start(self) -> int:
        """Epoch seconds of the minute's start."""
        return self.minute * MINUTE

    def plus(self, delta: Change, in_progress: int) -> Bucket:
        return replace(
            self,
            notified=self.notified + delta.notified,
            succeeded=self.succeeded + delta.succeeded,
            failed=self.failed + delta.failed,
            fell=self.fell + delta.fell,
            in_progress=in_progress,
            measured=True,
        )


def minute_of(epoch: float) -> int:
    return int(epoch // MINUTE)


@dataclass
class Recorder:
    """The buckets of one job. `closed` minutes are final; `open` is the minute under way."""

    closed: dict[int, Bucket] = field(default_factory=dict)
    open: Bucket | None = None
    _last: tuple[float, Counts] | None = None  # the latest refresh: (epoch seconds, counters)

    def add(self, at: float, counts: Counts) -> list[Bucket]:
        """Record one refresh at epoch `at`; returns the minutes this closed (to persist)."""
        if self._last is not None and at < self._last[0]:
            return []  # an answer older than one already recorded: it says nothing new
        minute = minute_of(at)
        closed = self.close_before(minute)
        last = self._last
        self._last = (at, counts)
        if self.open is not None and self.open.minute == minute:
            assert last is not None
            self.open = self.open.plus(change(last[1], counts), counts.in_progress)
        elif last is not None and minute_of(last[0]) == minute - 1:
            self.open = Bucket(minute).plus(change(last[1], counts), counts.in_progress)
        else:
            gap = None
            if last is not None:
                gap = Gap(minute - minute_of(last[0]) - 1, change(last[1], counts))
            self.open = Bucket(
                minute, in_progress=counts.in_progress, partial=True, gap=gap, measured=False
            )
        return closed

    def close_before(self, minute: int) -> list[Bucket]:
        """Close the open bucket if its minute is over (the clock says `minute` now)."""
        if self.open is None or self.open.minute >= minute:
            return []
        bucket, self.open = self.open, None
        self.closed[bucket.minute] = bucket
        self._prune(bucket.minute)
        return [bucket]

    def flush(self) -> list[Bucket]:
        """The open bucket as it stands (the app is closing): to persist, still open here."""
        return [] if self.open is None else [self.open]

    def merge(self, history: list[Bucket]) -> None:
        """Minutes loaded from disk. What this session recorded wins a minute both have."""
        for bucket in history:
            if bucket.minute not in self.closed and (
                self.open is None or bucket.minute != self.open.minute
            ):
                self.closed[bucket.minute] = bucket
        if self.closed:
            self._prune(max(self.closed))

    def _prune(self, newest: int) -> None:
        # Once a minute at most (a minute closing, history merged): a scan of 10k keys.
        cutoff = newest - KEEP_MINUTES
        for minute in [m for m in self.closed if m <= cutoff]:
            del self.closed[minute]

    @property
    def started(self) -> float | None:
        """When the first refresh of this session was recorded, if any."""
        return None if self._last is None else self._last[0]

    def latest(self) -> int | None:
        """The newest closed minute, if any."""
        return max(self.closed) if self.closed else None

    def window(self, end: int, width: int) -> list[Bucket | None]:
        """The closed minutes end-width+1 … end, oldest first; None where nothing was recorded."""
        return [self.closed.get(minute) for minute in range(end - width + 1, end + 1)]

    def step(self, cursor: int, direction: int, width: int) -> int:
        """The cursor's next minute: one minute on, but a gap wider than the view is crossed
        in one step (to the next recorded minute), so days of history stay a few keys away."""
        target = cursor + direction
        if target in self.closed:
            return target
        recorded = sorted(self.closed)
        if direction < 0:
            before = [m for m in recorded if m < target]
            if before and target - before[-1] >= width:
                return before[-1]
        else:
            after = [m for m in recorded if m > target]
            if after and after[0] - target >= width:
                return after[0]
        return target
