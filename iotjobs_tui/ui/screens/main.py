"""The main screen: the job list pane and the live job detail pane, each with its own loop.

Each pane has at most one fetch in flight; the next one is scheduled only after the last one
finished (success: the interval; failure: backoff), as Dolphie and k9s do.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static
from textual.widgets.data_table import RowDoesNotExist

from iotjobs_tui.aws.models import JobFilters
from iotjobs_tui.common import gc_pause
from iotjobs_tui.ui.messages import (
    Connected,
    JobDescribed,
    JobDescribeFailed,
    JobProgress,
    JobProgressFailed,
    JobsFailed,
    JobsLoaded,
    JobsPage,
    SetupFailed,
)
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.refresh import RefreshPolicy, format_age, format_interval
from iotjobs_tui.ui.text import clean, safe
from iotjobs_tui.ui.widgets.job_detail import JobDetail
from iotjobs_tui.ui.widgets.job_table import COLUMNS, JobTable
from iotjobs_tui.ui.widgets.status_bar import PaneState, StatusBar, StatusInfo

_CACHE_SAVE_EVERY = 300.0  # seconds: the cache is for the next launch, not a live copy
HIGHLIGHT_DEBOUNCE = 0.2  # seconds: holding j/k must not send a DescribeJob per row
# ListJobs carries no counters, so the list's progress column is filled by DescribeJob for
# the rows on screen, one call every `ViewOptions.progress_every` seconds (6 s: at most 10
# calls a minute): finished jobs once, active ones again after PROGRESS_MAX_AGE seconds.
PROGRESS_MAX_AGE = 60.0
FINISHED = frozenset({"COMPLETED", "CANCELED"})
GC_RELEASE_AT_THE_LATEST = 10.0  # seconds after mount, if no job rows arrived by then


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("slash", "filter", "Filter"),
        Binding("s", "sort", "Sort"),
        Binding("S", "sort_reverse", "Reverse sort", show=False),
        Binding("f", "server_filters", "Server filter"),
        Binding("d", "document", "Document"),
        Binding("e", "executions", "Executions"),
        Binding("p", "pause", "Pause"),
        Binding("r", "refresh", "Refresh"),
        Binding("plus,equals_sign", "slower", "Refresh less often", show=False),
        Binding("minus", "faster", "Refresh more often", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("enter", "focus_detail", "Detail", show=False),
    ]

    def __init__(self, data: DataSource, options: ViewOptions) -> None:
        super().__init__()
        self.data = data
        self.options = options
        self.clock = options.clock or time.time
        self.monotonic = options.monotonic or time.monotonic
        self.filters = options.filters
        self.list_policy = RefreshPolicy(options.list_interval, paused=options.start_paused)
        self.detail_policy = RefreshPolicy(options.detail_interval, paused=options.start_paused)
        self.connection_label = options.connection_label
        self._connected = False
        self.setup_error: str | None = None
        self._generation = 0
        self._cached_at: float | None = None  # epoch of the cached rows shown, until live ones
        self._cache_saved_at = -_CACHE_SAVE_EVERY
        self._list_busy = False
        self._detail_busy: str | None = None
        self._list_timer: Timer | None = None
        self._detail_timer: Timer | None = None
        self._highlight_timer: Timer | None = None
        self._list_next_at: float | None = None
        self._detail_next_at: float | None = None
        self._pending_select: str | None = options.job_id
        self._job_count_loaded = False
        self._detail_error_streak = 0
        self._list_error_streak = 0
        self._progress_busy = False
        self._progress_at: dict[str, float] = {}
        # API pacing (the progress filler) runs on real time, never on the injectable
        # `monotonic`, which only drives what is displayed ("updated Ns ago", staleness).
        self._selected_at = float("-inf")

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield Input(placeholder="filter jobs (Enter keeps it, Esc clears)", id="filter")
                yield Static("", id="list-message")
                yield JobTable(id="jobs", now=self._now)
            yield JobDetail(id="detail")
        yield StatusBar(id="status")
        yield Footer()

    @property
    def table(self) -> JobTable:
        return self.query_one(JobTable)

    @property
    def detail(self) -> JobDetail:
        return self.query_one(JobDetail)

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.query_one("#list-message", Static).display = False
        self.query_one("#detail").border_title = "Job"
        self._update_titles()
        self.set_interval(1.0, self._tick)
        self.set_timer(GC_RELEASE_AT_THE_LATEST, gc_pause.release)
        self.table.focus()
        if self._pending_select:
            self.detail.select(self._pending_select)
        self._show_cached_list()
        # Paint first; the worker imports aioboto3 (~0.4 s) only after that.
        self.call_after_refresh(self._start)

    def _show_cached_list(self) -> None:
        """The previous session's rows, marked as cached, until the first live page arrives.

        Opening the SDK takes about half a second after the first paint (longer on a slow
        link); meanwhile the user can already read and move through last session's list.
        """
        factory = self.options.job_cache
        cached = factory(self.filters).load() if factory is not None else None
        if cached is None or not cached.jobs:
            return
        self.table.merge(cached.jobs)
        self._cached_at = cached.saved_at
        self._apply_pending_select()
        self._update_titles()

    def _save_list_cache(self) -> None:
        factory = self.options.job_cache
        now = self.monotonic()
        if factory is None or now - self._cache_saved_at < _CACHE_SAVE_EVERY:
            return
        self._cache_saved_at = now
        factory(self.filters).save(self.table.jobs.values())

    def _start(self) -> None:
        self._tick()
        self.set_interval(self.options.progress_every, self._fill_progress)
        self.fetch_list()
        if self.detail.job_id:
            self.fetch_detail()

    # --- list loop ------------------------------------------------------------------------

    def fetch_list(self, restart: bool = False) -> None:
        if self._list_busy and not restart:
            return
        self._cancel_list_timer()
        self._list_busy = True
        self._generation += 1
        self.run_worker(
            self.data.load_jobs(self, self.filters, self._generation),
            name="list",
            group="list",
            exclusive=True,
            exit_on_error=False,
        )

    def _schedule_list(self) -> None:
        self._cancel_list_timer()
        if self.list_policy.paused or self.setup_error:
            return
        delay = self.list_policy.next_delay()
        self._list_next_at = self.monotonic() + delay
        self._list_timer = self.set_timer(delay, self.fetch_list)

    def _cancel_list_timer(self) -> None:
        if self._list_timer is not None:
            self._list_timer.stop()
            self._list_timer = None
        self._list_next_at = None

    @on(JobsPage)
    def _on_jobs_page(self, message: JobsPage) -> None:
        if message.generation != self._generation:
            return
        self.table.merge(message.jobs)
        self._cached_at = None  # live rows from here on (cached ones go at JobsLoaded)
        self._apply_pending_select()
        self._update_titles()
        self.table.when_rows_painted(message.shown.set)
        # Start-up is over once these rows are painted (a no-op after the first page).
        self.table.when_rows_painted(gc_pause.release)

    @on(JobsLoaded)
    def _on_jobs_loaded(self, message: JobsLoaded) -> None:
        if message.generation != self._generation:
            return
        self._list_busy = False
        gc_pause.release()  # if no rows were painted (an empty list)
        self._job_count_loaded = True
        self.table.retain(message.job_ids)
        self._save_list_cache()
        self.list_policy.succeeded(self.monotonic())
        self._list_error_streak = 0
        self._set_list_message(None)
        if self._pending_select and self._pending_select not in message.job_ids:
            # --job names a job the list does not show (deleted, or filtered out): still
            # describe it, but say so once.
            self.notify(
                f"Job {clean(self._pending_select)} is not in the job list.",
                severity="warning",
                markup=False,
            )
            self._pending_select = None
        if self.detail.job_id is None and self.table.row_count:
            self._select(self.table.selected_job_id)
        self._update_titles()
        self._schedule_list()
        self._tick()

    @on(JobsFailed)
    def _on_jobs_failed(self, message: JobsFailed) -> None:
        if message.generation != self._generation:
            return
        self._list_busy = False
        gc_pause.release()
        self.list_policy.failed(self.monotonic())
        self._set_list_message(message.error)
        if self._list_error_streak == 0:
            self.notify(clean(message.error), title="Job list", severity="error", markup=False)
        self._list_error_streak += 1
        self._schedule_list()
        self._tick()

    def _set_list_message(self, error: str | None) -> None:
        widget = self.query_one("#list-message", Static)
        if error is None:
            widget.display = False
            return
        text = Text("⚠ ", style="bold red", end="")
        text.append_text(safe(error))
        if self.table.row_count:
            text.append("  (showing the last good list)", style="dim")
        widget.update(text)
        widget.display = True

    def _apply_pending_select(self) -> None:
        job_id = self._pending_select
        if job_id and job_id in self.table.jobs:
            try:
                index = self.table.get_row_index(job_id)
            except RowDoesNotExist:
                return  # filtered out by the text filter
            self.table.move_cursor(row=index, animate=False)
            self._pending_select = None

    # --- detail loop ----------------------------------------------------------------------

    def _select(self, job_id: str | None) -> None:
        if job_id == self.detail.job_id:
            return
        self._cancel_detail_timer()
        self._detail_busy = None
        self._detail_error_streak = 0
        self.detail.select(job_id)
        if job_id is not None:
            self.fetch_detail()

    def fetch_detail(self) -> None:
        job_id = self.detail.job_id
        if job_id is None or self._detail_busy == job_id:
            return
        self._cancel_detail_timer()
        self._detail_busy = job_id
        self.run_worker(
            self.data.describe_job(self, job_id),
            name="detail",
            group="detail",
            exclusive=True,
            exit_on_error=False,
        )

    def _schedule_detail(self) -> None:
        self._cancel_detail_timer()
        if self.detail_policy.paused or self.setup_error or self.detail.job_id is None:
            return
        delay = self.detail_policy.next_delay()
        self._detail_next_at = self.monotonic() + delay
        self._detail_timer = self.set_timer(delay, self.fetch_detail)

    def _cancel_detail_timer(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        self._detail_next_at = None

    @on(JobDescribed)
    def _on_job_described(self, message: JobDescribed) -> None:
        job = message.job
        if job.job_id != self.detail.job_id:
            return
        self._detail_busy = None
        self.detail_policy.succeeded(self.monotonic())
        self._detail_error_streak = 0
        self.detail.show_job(job, self._now())
        self.table.update_job(job.summary())
        if job.process is not None:
            self.table.set_progress(job.job_id, job.process.count("succeeded"), job.process.total)
        self._schedule_detail()
        self._tick()

    @on(JobDescribeFailed)
    def _on_job_describe_failed(self, message: JobDescribeFailed) -> None:
        if message.job_id != self.detail.job_id:
            return
        self._detail_busy = None
        self.detail_policy.failed(self.monotonic())
        self.detail.show_error(message.job_id, message.error)
        if self._detail_error_streak == 0:
            self.notify(clean(message.error), title="Job detail", severity="error", markup=False)
        self._detail_error_streak += 1
        self._schedule_detail()
        self._tick()

    @on(DataTable.RowHighlighted, "#jobs")
    def _on_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # The row under the cursor now, not the event's: a sort after the event (first page,
        # --job) moves rows under a cursor that stays put, and posts no new event.
        job_id = self.table.selected_job_id or event.row_key.value
        self._selected_at = time.monotonic()
        if self._highlight_timer is not None:
            self._highlight_timer.stop()
        if self.detail.job_id is None:
            self._select(job_id)  # the first selection needs no debounce
        else:
            self._highlight_timer = self.set_timer(
                HIGHLIGHT_DEBOUNCE,
                lambda: self._select(self.table.selected_job_id or job_id),
            )

    @on(DataTable.HeaderSelected, "#jobs")
    def _on_header(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        reverse = not self.table.sort_reverse if column == self.table.sort_column else False
        self.table.set_sort(column, reverse)
        self._update_titles()

    # --- progress column ------------------------------------------------------------------

    def _progress_candidate(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        first = int(table.scroll_offset.y)
        last = min(table.row_count, first + max(1, table.size.height))
        now = time.monotonic()
        for row in table.ordered_rows[first:last]:
            job_id = row.key.value
            if job_id is None or job_id == self.detail.job_id:
                continue  # the detail pane keeps its own job's progress fresh
            seen = self._progress_at.get(job_id)
            job = table.jobs.get(job_id)
            if seen is None:
                return job_id
            if job is not None and job.status not in FINISHED and now - seen > PROGRESS_MAX_AGE:
                return job_id
        return None

    def _fill_progress(self) -> None:
        if self._progress_busy or self.detail_policy.paused or self.setup_error:
            return
        # Stay out of the way of the detail pane: its DescribeJob (the user is looking) must
        # not share a second with ours, to keep well under 5 calls/s to one operation.
        if self._detail_busy is not None or time.monotonic() - self._selected_at < 2.0:
            return
        job_id = self._progress_candidate()
        if job_id is None:
            return
        self._progress_busy = True
        self._progress_at[job_id] = time.monotonic()
        self.run_worker(
            self.data.job_progress(self, job_id),
            name="progress",
            group="progress",
            exclusive=True,
            exit_on_error=False,
        )

    @on(JobProgress)
    def _on_job_progress(self, message: JobProgress) -> None:
        self._progress_busy = False
        job = message.job
        self.table.update_job(job.summary())
        if job.process is not None:
            self.table.set_progress(job.job_id, job.process.count("succeeded"), job.process.total)

    @on(JobProgressFailed)
    def _on_job_progress_failed(self, message: JobProgressFailed) -> None:
        self._progress_busy = False

    # --- setup and connection ---------------------------------------------------------------

    @on(Connected)
    def _on_connected(self, message: Connected) -> None:
        self._connected = True
        if not self.options.demo:
            self.connection_label = message.label
        self._tick()

    @on(SetupFailed)
    def _on_setup_failed(self, message: SetupFailed) -> None:
        first = self.setup_error is None
        self.setup_error = message.error
        gc_pause.release()
        self._list_busy = False
        self._detail_busy = None
        self._cancel_list_timer()
        self._cancel_detail_timer()
        self._set_list_message(message.error)
        self.detail.show_setup_error(message.error)
        if first:
            self.notify(
                clean(message.error), title="Cannot connect", severity="error", markup=False
            )
        self._tick()

    # --- clock ----------------------------------------------------------------------------

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), tz=UTC)

    def _pane_state(self, policy: RefreshPolicy, next_at: float | None) -> PaneState:
        now = self.monotonic()
        return PaneState(
            interval=policy.interval,
            age=policy.age(now),
            stale=policy.is_stale(now),
            backing_off=policy.backing_off,
            next_in=None if next_at is None else max(0.0, next_at - now),
        )

    def _tick(self) -> None:
        stats = self.data.stats
        connection = self.connection_label
        if self.options.demo and not self._connected:
            connection += " (starting)"  # the demo's emulator loads after the first paint
        info = StatusInfo(
            connection=connection,
            demo=self.options.demo,
            paused=self.detail_policy.paused,
            detail=self._pane_state(self.detail_policy, self._detail_next_at),
            jobs=self._pane_state(self.list_policy, self._list_next_at),
            throttled=stats.throttled if stats else 0,
            calls_per_minute=stats.calls_in_last(60) if stats else None,
            not_connected=self.setup_error is not None,
        )
        self.query_one(StatusBar).show(info)
        self.detail.refresh_clock(self._now())

    def _update_titles(self) -> None:
        table = self.table
        title = Text(f"Jobs {table.row_count:,}", end="")
        if len(table.jobs) != table.row_count:
            title.append(f" of {len(table.jobs):,}")
        if self._cached_at is not None:
            age = format_age(max(0.0, time.time() - self._cached_at))
            title.append(f" cached {age}, connecting…", style="bold yellow")
        elif not self._job_count_loaded and self._list_busy:
            title.append(" loading…", style="dim")
        if self.filters.describe():
            title.append(" · ")
            title.append_text(safe(self.filters.describe()))
        if table.text_filter:
            title.append(" · /")
            title.append_text(safe(table.text_filter))
        label = next(c.label for c in COLUMNS if c.key == table.sort_column)
        title.append(f" · by {label.lower()} {'↓' if table.sort_reverse else '↑'}", style="dim")
        self.query_one("#list-pane").border_title = title

    # --- actions --------------------------------------------------------------------------

    def action_pause(self) -> None:
        paused = not self.detail_policy.paused
        self.detail_policy.paused = self.list_policy.paused = paused
        if paused:
            self._cancel_list_timer()
            self._cancel_detail_timer()
            self.notify("Paused: no more calls until you press p or r.", markup=False)
        else:
            self.notify("Live again.", markup=False)
            self.fetch_list()
            self.fetch_detail()
        self._tick()

    def action_refresh(self) -> None:
        self.setup_error = None
        self.fetch_list()
        self.fetch_detail()
        self._tick()

    def _set_interval(self, faster: bool) -> None:
        policy = self.detail_policy
        interval = policy.faster() if faster else policy.slower()
        # The list follows at three times the detail interval, never below 15 s by default.
        self.list_policy.interval = max(interval * 3, min(self.options.list_interval, 15.0))
        if self._detail_timer is not None:
            self._schedule_detail()
        self.notify(f"Job refresh every {format_interval(interval)}.", markup=False)
        self._tick()

    def action_faster(self) -> None:
        self._set_interval(True)

    def action_slower(self) -> None:
        self._set_interval(False)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def _on_filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self._update_titles()

    @on(Input.Submitted, "#filter")
    def _on_filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.display = False
        self.table.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.display or self.table.text_filter:
            box.value = ""
            box.display = False
            self.table.set_filter("")
            self.table.focus()
            self._update_titles()

    def action_sort(self) -> None:
        keys = [column.key for column in COLUMNS]
        column = keys[(keys.index(self.table.sort_column) + 1) % len(keys)]
        self.table.set_sort(column, self.table.sort_reverse)
        self._update_titles()

    def action_sort_reverse(self) -> None:
        self.table.set_sort(self.table.sort_column, not self.table.sort_reverse)
        self._update_titles()

    def action_focus_detail(self) -> None:
        self.detail.focus()

    def action_executions(self) -> None:
        from iotjobs_tui.ui.screens.executions import ExecutionsScreen

        job_id = self.detail.job_id
        if job_id is None:
            self.notify("Select a job first.", markup=False)
            return
        self.app.push_screen(ExecutionsScreen(self.data, self.options, job_id))

    def action_document(self) -> None:
        from iotjobs_tui.ui.screens.document import DocumentScreen

        job_id = self.detail.job_id
        if job_id is None:
            self.notify("Select a job first.", markup=False)
            return
        self.app.push_screen(DocumentScreen(self.data, job_id))

    def action_server_filters(self) -> None:
        from iotjobs_tui.ui.screens.filters import FilterScreen

        self.app.push_screen(FilterScreen(self.filters), self.apply_filters)

    def apply_filters(self, filters: JobFilters | None) -> None:
        if filters is None or filters == self.filters:
            return
        self.filters = filters
        self._job_count_loaded = False
        self.table.replace_all([])
        self.fetch_list(restart=True)
        self._update_titles()
