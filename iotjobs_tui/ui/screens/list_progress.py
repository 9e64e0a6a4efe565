"""The job list's Succeeded column and the rollout sizes behind it, for the main screen.

ListJobs carries no counters, so the column is filled by DescribeJob for the rows on screen: up
to FILL_BURST rows a round, FILL_SPACING apart, a round a second, while any still shows `…` (a
screenful of 40 in about 12 s: 20 in 5 s, a 1 s pause, 20 more), then the one active row whose
value aged most, after PROGRESS_MAX_AGE. Over a minute that stays under one DescribeJob a
second, a tenth of AWS's default quota. A row's first value is on screen as `…` until it comes,
so it goes at the foreground pace (`aws.pacer`: 5 a second per operation) and is charged to the
background total, which background work pays back: the background budget alone (1 a second,
shared with target counts, the why sample and the stuck scan) would take 40 s and more for a
screenful. Refreshing aged values is background work.

A value is succeeded of the job's counted targets where known (the same meaning as the
detail), else of the executions created so far. Rows are sized from the fleet index (a few
calls each), one row at a time: 27 rows queued at once would put 80 calls ahead of the why
panel's sample in the background budget.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from textual.message_pump import MessagePump

from iotjobs_tui.aws.models import Job
from iotjobs_tui.common.statuses import JobStatus, TargetSelection
from iotjobs_tui.ui.messages import TargetsCounted
from iotjobs_tui.ui.protocols import DataSource
from iotjobs_tui.ui.refresh import Failure, RefreshLoop
from iotjobs_tui.ui.widgets.job_detail import JobDetail
from iotjobs_tui.ui.widgets.job_table import JobTable

PROGRESS_MAX_AGE = 60.0
TARGETS_RECOUNT = 600.0  # seconds: as the counter's cache; a rollout's groups rarely change
FILL_BURST = 20  # rows described per round (a round a second) while some still show `…`
FILL_SPACING = 0.25  # 4 a second, so the detail's own DescribeJob fits under the 5/s cap
FINISHED = frozenset({JobStatus.COMPLETED, JobStatus.CANCELED})


class JobsView(Protocol):
    """What the bookkeeping reads from the main screen."""

    data: DataSource
    detail_loop: RefreshLoop
    selected_at: float  # time.monotonic() of the last cursor move

    @property
    def table(self) -> JobTable: ...

    @property
    def detail(self) -> JobDetail: ...

    def now(self) -> Any: ...


class ListProgress:
    def __init__(self, view: JobsView) -> None:
        self.view = view
        self.described_at: dict[str, float] = {}  # job id → time.monotonic() of its DescribeJob
        self.counting: set[str] = set()  # jobs whose targets are being counted
        self._row_counts = asyncio.Lock()  # one list row's count at a time

    def forget(self, job_id: str) -> None:
        self.described_at.pop(job_id, None)

    # --- a DescribeJob arrived --------------------------------------------------------------

    def described(self, job: Job) -> None:
        view = self.view
        view.table.update_job(job.summary())
        if job.process is not None:
            self.show(job.job_id, job.process.count("succeeded"), job.process.total)
        self.described_at[job.job_id] = time.monotonic()

    def show(self, job_id: str, succeeded: int, executions: int) -> None:
        """Succeeded of the counted targets where known, else of the executions ("ex")."""
        view = self.view
        count, _ = view.detail.targets(job_id)
        if count is not None and count.complete and not count.members_now:
            view.table.set_progress(job_id, succeeded, count.things, True)
        else:
            view.table.set_progress(job_id, succeeded, executions)

    # --- the rollout's size -----------------------------------------------------------------

    def count_targets(
        self, job: Job, target: MessagePump, index_only: bool = False
    ) -> Coroutine[Any, Any, Any] | None:
        """The count to run for `job` (once per job: the counter caches groups for 10
        minutes), or None. Run it as a plain worker, not an exclusive one: a count cut off
        mid-group would be wasted, and selecting another job must not cancel one nearly done."""
        view = self.view
        count, _ = view.detail.targets(job.job_id)
        if job.targets is None or job.job_id in self.counting:
            return None
        if count is not None and time.time() - count.counted_at < TARGETS_RECOUNT:
            return None
        self.counting.add(job.job_id)
        continuous = job.target_selection == TargetSelection.CONTINUOUS
        if index_only:
            return view.data.count_targets_by_index(target, job.job_id, job.targets, continuous)
        return view.data.count_targets(target, job.job_id, job.targets, continuous)

    async def one_row_at_a_time(self, count: Coroutine[Any, Any, Any]) -> Any:
        """Run a list row's count after the others (see the module's docstring)."""
        started = False
        try:
            async with self._row_counts:
                started = True
                return await count
        finally:
            if not started:  # cancelled while waiting: the count never ran
                count.close()

    def targets_counted(self, message: TargetsCounted) -> None:
        view = self.view
        if message.count is not None or message.counting is None:
            self.counting.discard(message.job_id)
        if message.count is None and message.counting is None:
            return
        previous, _ = view.detail.targets(message.job_id)
        count = message.count or previous
        view.detail.show_targets(count, message.counting, job_id=message.job_id, now=view.now())
        progress = view.table.progress.get(message.job_id)
        if message.count is not None and progress is not None:
            self.show(message.job_id, progress[0], progress[1])

    # --- the filler -------------------------------------------------------------------------

    def candidates(self) -> list[str]:
        """Visible rows with no value yet (all at once), else one active row that aged."""
        view = self.view
        now = time.monotonic()
        missing: list[str] = []
        aged: list[str] = []
        for job_id in view.table.visible_keys():
            if job_id == view.detail.job_id:
                continue  # the detail pane keeps its own job's progress fresh
            seen = self.described_at.get(job_id)
            job = view.table.jobs.get(job_id)
            if seen is None:
                missing.append(job_id)
            elif job is not None and job.status not in FINISHED and now - seen > PROGRESS_MAX_AGE:
                aged.append(job_id)
        return missing[:FILL_BURST] if missing else aged[:1]

    async def fill(self, describe: Callable[[str, bool], Any]) -> Failure | None:
        """One round of the filler loop (once a second)."""
        view = self.view
        if view.detail_loop.paused:
            return None
        for n, job_id in enumerate(self.candidates()):
            # The detail's DescribeJob (the user is looking) goes first.
            if view.detail_loop.busy or time.monotonic() - view.selected_at < 1.0:
                return None
            if n:
                await asyncio.sleep(FILL_SPACING)
            first = job_id not in self.described_at
            self.described_at[job_id] = time.monotonic()
            failure: Failure | None = await describe(job_id, first)
            if failure is not None:
                return failure
        return None
