"""The main screen: the job list pane and the live job detail pane, each on its own loop.

The detail, `d`, `e` and every action follow the highlighted row, after a filter, a sort, a
refresh or a deletion. The list's progress column is filled by a third, quiet loop: one
DescribeJob per tick for a visible row that has none or whose value has aged.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Static

from iotjobs_tui.aws.models import JobFilters
from iotjobs_tui.common import gc_pause
from iotjobs_tui.ui.format import format_age, zone_label
from iotjobs_tui.ui.messages import (
    JobDescribed,
    JobDescribeFailed,
    JobProgress,
    JobsFailed,
    JobsLoaded,
    JobsPage,
    ShowThings,
    TargetsCounted,
)
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.refresh import Failure
from iotjobs_tui.ui.screens.list_progress import ListProgress
from iotjobs_tui.ui.screens.live import LiveScreen
from iotjobs_tui.ui.selection import Selection
from iotjobs_tui.ui.text import clean, safe
from iotjobs_tui.ui.widgets import job_table
from iotjobs_tui.ui.widgets.filter_box import FilterBox
from iotjobs_tui.ui.widgets.job_detail import JobDetail
from iotjobs_tui.ui.widgets.job_table import COLUMNS, JobTable
from iotjobs_tui.ui.widgets.key_footer import KeyFooter
from iotjobs_tui.ui.widgets.status_bar import StatusBar

_CACHE_SAVE_EVERY = 300.0  # seconds: the cache is for the next launch, not a live copy
HIGHLIGHT_DEBOUNCE = 0.2  # seconds: holding j/k must not send a DescribeJob per row
GC_RELEASE_AT_THE_LATEST = 10.0  # seconds after mount, if no job rows arrived by then


class MainScreen(LiveScreen):
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("s", "sort", "Sort", id="sort"),
        Binding("S", "sort_reverse", "Reverse sort", show=False, id="sort_reverse"),
        Binding("f", "server_filters", "Server filter", id="server_filters"),
        Binding("d", "document", "Document", id="document"),
        Binding("e", "executions", "Executions", id="executions"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="clear_filter"),
        Binding("enter", "focus_detail", "Detail", show=False, id="focus_detail"),
        # Why the highlighted job's executions fail: every bucket at full size.
        Binding("w", "why", "Why they fail", show=False, id="why"),
        # Stuck triage (the detail's section): pick a kind, list exactly its things.
        Binding("t", "stuck", "Stuck executions", show=False, id="stuck"),
    ]

    def __init__(self, data: DataSource, options: ViewOptions) -> None:
        super().__init__(data, options)
        self.filters = options.filters
        self._cached_at: float | None = None  # epoch of the cached rows shown, until live ones
        self._cache_saved_at = -_CACHE_SAVE_EVERY
        self._highlight_timer: Timer | None = None
        self._pending_select: str | None = options.job_id
        self._job_count_loaded = False
        self.progress = ListProgress(self)
        self._list_title: Text | None = None  # as last set on the list pane's border
        self._gone: set[str] = set()  # marked deleted at the last refresh, dropped at the next
        # API pacing (the progress filler) runs on real time, never on the injectable
        # `monotonic`, which only drives what is displayed ("updated Ns ago", staleness).
        self.selected_at = float("-inf")
        # Held, not queried: messages still in flight during teardown (a JobDescribed
        # bubbling to the app) read it after the screen's children are removed.
        self._detail = JobDetail(id="detail")

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield FilterBox(placeholder="filter jobs (Enter keeps it, Esc clears)")
                yield Static("", id="list-message")
                yield JobTable(id="jobs", now=self.now)
            yield self._detail
        yield StatusBar(id="status")
        yield KeyFooter()

    @property
    def table(self) -> JobTable:
        return self.query_one(JobTable)

    @property
    def detail(self) -> JobDetail:
        return self._detail

    def on_mount(self) -> None:
        super().on_mount()
        options = self.options
        self.detail_loop = self.add_loop(
            "job", options.detail_interval, self._fetch_detail, self.detail
        )
        self.list_loop = self.add_loop(
            "list", options.list_interval, self._fetch_list, self.query_one("#list-pane")
        )
        job_table.STALE_AFTER[0] = options.list_interval
        self.progress_loop = self.add_loop(
            "progress", options.progress_every, self._fill_progress, shown=False
        )
        self.query_one("#list-message", Static).display = False
        self.detail.border_title = "Job"
        self._update_titles()
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
        if factory is None:
            return
        cache = factory(self.filters)
        cached = cache.load()
        if cache.warning:
            self.notify(clean(cache.warning), title="Job list cache", severity="warning")
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
        jobs = self.table.jobs
        factory(self.filters).save(jobs[key] for key in jobs if key not in self._gone)

    def _start(self) -> None:
        self.list_loop.start()
        if self.detail.job_id:
            self.detail_loop.start()
        self.progress_loop.schedule()
        self.tick()

    # --- list -----------------------------------------------------------------------------

    async def _fetch_list(self) -> Failure | None:
        return await self.data.load_jobs(self, self.filters, self.list_loop.generation)

    @on(JobsPage)
    def _on_jobs_page(self, message: JobsPage) -> None:
        if message.generation != self.list_loop.generation:
            return
        self.table.merge(message.jobs)
        self._cached_at = None  # live rows from here on (cached ones go at JobsLoaded)
        self._apply_pending_select()
        self._follow_cursor()
        self._update_titles()
        self.table.when_rows_painted(message.shown.set)
        # Start-up is over once these rows are painted (a no-op after the first page).
        self.table.when_rows_painted(gc_pause.release)

    @on(JobsLoaded)
    def _on_jobs_loaded(self, message: JobsLoaded) -> None:
        if message.generation != self.list_loop.generation:
            return
        gc_pause.release()  # if no rows were painted (an empty list)
        self._job_count_loaded = True
        self._mark_gone(message.job_ids)
        self._save_list_cache()
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
        self._follow_cursor()
        self._update_titles()

    @on(JobsFailed)
    def _on_jobs_failed(self, message: JobsFailed) -> None:
        if message.generation != self.list_loop.generation:
            return
        gc_pause.release()
        # The loop counts the failure before this message is handled: 1 is the first.
        first = self.list_loop.policy.failures <= 1
        self._set_list_message(message.error, message.permanent)
        # One toast per streak; a permanent error is shown in place (the App toasts set-up).
        if first and not message.permanent:
            self.notify(clean(message.error), title="Job list", severity="error", markup=False)
        self._update_titles()

    def _mark_gone(self, listed: frozenset[str]) -> None:
        """Jobs the refresh no longer returned: marked (with a toast) until the next refresh
        drops them, so a row never vanishes from under the user's eyes."""
        gone = [job_id for job_id in self.table.jobs if job_id not in listed]
        new = [job_id for job_id in gone if job_id not in self._gone]
        label = "deleted" if self.filters == JobFilters() else "filtered"
        for job_id in new:
            self.table.mark(job_id, label)
            what = "was deleted" if label == "deleted" else "no longer matches the server filter"
            self.notify(f"Job {clean(job_id)} {what}.", title="Job list", markup=False)
            if job_id == self.detail.job_id:
                self.detail_loop.stop()
                self.detail.show_error(job_id, f"This job {what}: ListJobs no longer returns it.")
        for job_id in self._gone & listed:
            self.table.mark(job_id, None)  # back (a transient listing gap, or re-created)
        for job_id in self.table.retain(listed | set(new)):
            self.progress.forget(job_id)
        self._gone = set(new)

    def _set_list_message(self, error: str | None, permanent: bool = False) -> None:
        widget = self.query_one("#list-message", Static)
        if error is None:
            widget.display = False
            return
        text = Text("⚠ ", style="bold red", end="")
        text.append_text(safe(error))
        if permanent:
            text.append("  Not retrying: press r once it is fixed.", style="bold")
        if self.table.row_count:
            text.append("  (showing the last good list)", style="dim")
        widget.update(text)
        widget.display = True

    def jump_to_job(self, job_id: str) -> None:
        """The palette's jump: the row if the list has it (clearing a filter that hides it),
        else the detail describes it anyway and says it is not in the list."""
        table = self.table
        if job_id in table.rows and not table.select_key(job_id):
            self.action_clear_filter()
            table.select_key(job_id)
        table.focus()
        if table.selected_job_id == job_id:
            self._follow_cursor()
            return
        self._select(job_id)
        self.notify(f"Job {clean(job_id)} is not in the job list.", markup=False)

    def _apply_pending_select(self) -> None:
        job_id = self._pending_select
        if job_id and self.table.select_key(job_id):
            self._pending_select = None

    # --- detail: always the highlighted row -------------------------------------------------

    def _follow_cursor(self) -> None:
        """The detail shows the row under the cursor, whatever moved it (filter, sort, page)."""
        job_id = self.table.selected_job_id
        if job_id is None and self._pending_select is None and self.table.row_count == 0:
            return  # nothing to follow (an empty filter result keeps the last job)
        if job_id is not None and job_id != self.detail.job_id:
            self._select(job_id)

    def _select(self, job_id: str | None) -> None:
        if job_id == self.detail.job_id:
            return
        self.detail.select(job_id)
        self.detail_loop.policy.failures = 0
        if job_id is not None:
            self.detail_loop.restart()
        else:
            self.detail_loop.stop()

    async def _fetch_detail(self) -> Failure | None:
        job_id = self.detail.job_id
        if job_id is None:
            return None
        return await self.data.describe_job(self, job_id)

    @on(JobDescribed)
    def _on_job_described(self, message: JobDescribed) -> None:
        job = message.job
        self.progress.described(job)
        if job.job_id != self.detail.job_id:
            return
        self.detail.show_job(job, self.now())
        count = self.progress.count_targets(job, self)
        if count is not None:
            self.run_worker(count, group="targets", exit_on_error=False)

    @on(TargetsCounted)
    def _on_targets_counted(self, message: TargetsCounted) -> None:
        self.progress.targets_counted(message)

    @on(JobDescribeFailed)
    def _on_job_describe_failed(self, message: JobDescribeFailed) -> None:
        if message.job_id != self.detail.job_id:
            return
        first = self.detail_loop.policy.failures <= 1  # counted already, as above
        self.detail.show_error(message.job_id, message.error)
        if first and not message.permanent:
            self.notify(clean(message.error), title="Job detail", severity="error", markup=False)

    @on(JobTable.Highlighted, "#jobs")
    def _on_row_highlighted(self, event: JobTable.Highlighted) -> None:
        self.selected_at = time.monotonic()
        if self._highlight_timer is not None:
            self._highlight_timer.stop()
        if self.detail.job_id is None:
            self._follow_cursor()  # the first selection needs no debounce
        else:
            self._highlight_timer = self.set_timer(HIGHLIGHT_DEBOUNCE, self._follow_cursor)

    @on(JobTable.Selected, "#jobs")
    def _on_row_selected(self) -> None:
        self.detail.focus()  # Enter on a job: its detail (Enter again: its executions)

    @on(JobTable.SortChanged, "#jobs")
    def _on_sort_changed(self) -> None:
        self._update_titles()

    @on(JobProgress)
    def _on_job_progress(self, message: JobProgress) -> None:
        self.progress.described(message.job)
        # A row's size, too, when the fleet index gives it in a few calls (never by listing).
        if self.detail_loop.paused:
            return
        count = self.progress.count_targets(message.job, self, index_only=True)
        if count is not None:
            row_count = self.progress.one_row_at_a_time(count)
            self.run_worker(row_count, group="targets", exit_on_error=False)

    async def _fill_progress(self) -> Failure | None:
        return await self.progress.fill(
            lambda job_id, first: self.data.job_progress(self, job_id, first=first)
        )

    # --- status ---------------------------------------------------------------------------

    def on_tick(self) -> None:
        self.detail.refresh_clock(self.now())
        self.table.refresh_ages()
        connection = self.connection
        if connection.phase == "failed" and connection.error and self.detail.job is None:
            self.detail.show_setup_error(connection.error)

    def _update_titles(self) -> None:
        table = self.table
        title = Text(f"Jobs {table.row_count:,}", end="")
        if len(table.jobs) != table.row_count:
            title.append(f" of {len(table.jobs):,}")
        if self._cached_at is not None:
            age = format_age(max(0.0, time.time() - self._cached_at))
            title.append(f" cached {age}, connecting…", style="bold yellow")
        elif not self._job_count_loaded and self.list_loop.busy:
            title.append(" loading…", style="dim")
        if self.filters.describe():
            title.append(" · ")
            title.append_text(safe(self.filters.describe()))
        if table.text_filter:
            title.append(" · /")
            title.append_text(safe(table.text_filter))
        label = next(c.label for c in COLUMNS if c.key == table.sort_column)
        title.append(f" · by {label.lower()} {'↓' if table.sort_reverse else '↑'}", style="dim")
        title.append(f" · times {zone_label()}", style="dim")
        # Setting a border title repaints the whole pane, whatever its value: at every list
        # refresh that was every row of the list again (kilobytes over SSH).
        if title != self._list_title:
            self._list_title = title
            self.query_one("#list-pane").border_title = title

    # --- actions --------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one(FilterBox).open()

    @on(FilterBox.FilterChanged)
    def _on_filter_changed(self, event: FilterBox.FilterChanged) -> None:
        self.table.set_filter(event.value)
        self._follow_cursor()
        self._update_titles()

    @on(FilterBox.FilterDone)
    def _on_filter_done(self) -> None:
        self.table.focus()

    def action_clear_filter(self) -> None:
        if self.query_one(FilterBox).clear_filter():
            self.table.focus()

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

    def selection(self) -> Selection | None:
        self._follow_cursor()
        job_id = self.table.selected_job_id or self.detail.job_id
        if job_id is None:
            return None
        job = self.detail.job if self.detail.job_id == job_id else None
        row = self.table.rows.get(job_id)
        summary = row.job if row is not None else None
        arn = job.job_arn if job is not None else summary.job_arn if summary else None
        status = job.status if job is not None else summary.status if summary else None
        count, counting = self.detail.targets(job_id)
        return Selection(
            "job",
            job_id,
            arn,
            status=status,
            job=job,
            record=job or summary,
            targets=count,
            counting=counting,
        )

    def _current_job(self) -> str | None:
        """The highlighted row's job: what `d`, `e` and every action act on."""
        self._follow_cursor()
        job_id = self.table.selected_job_id
        if job_id is None and not self.table.text_filter:
            job_id = self.detail.job_id  # --job naming a job the list does not show
        if job_id is None:
            self.notify("No job is highlighted.", markup=False)
        return job_id

    def action_executions(self) -> None:
        from iotjobs_tui.ui.screens.executions import ExecutionsScreen

        job_id = self._current_job()
        if job_id is not None:
            self.app.push_screen(ExecutionsScreen(self.data, self.options, job_id))

    def action_document(self) -> None:
        from iotjobs_tui.ui.screens.document import DocumentScreen

        job_id = self._current_job()
        if job_id is not None:
            self.app.push_screen(DocumentScreen(self.data, job_id))

    def action_why(self) -> None:
        from iotjobs_tui.ui.screens.why import open_why

        job_id = self._current_job()
        if job_id is not None:
            open_why(self, job_id)

    @on(ShowThings)
    def _on_show_things(self, message: ShowThings) -> None:
        """An insight section's list of exactly these things' executions."""
        from iotjobs_tui.ui.screens.thing_set import open_thing_set

        open_thing_set(self, message)

    def action_server_filters(self) -> None:
        from iotjobs_tui.ui.screens.filters import FilterScreen

        self.app.push_screen(FilterScreen(self.filters), self.apply_filters)

    def action_stuck(self) -> None:
        from iotjobs_tui.ui.screens.stuck_choice import choose_stuck_kind

        choose_stuck_kind(self)

    def reconnected(self) -> None:
        """Another profile or region: nothing on screen is true of it. Start over."""
        self.progress = ListProgress(self)
        self.detail.forget_all()
        self.detail_loop.stop()
        self.apply_filters(self.filters, force=True)

    def apply_filters(self, filters: JobFilters | None, force: bool = False) -> None:
        if filters is None or (filters == self.filters and not force):
            return
        self.filters = filters
        self._job_count_loaded = False
        self.table.replace_all([])
        self._select(None)  # the first row of the new list takes the detail
        self._set_list_message(None)
        self.list_loop.restart()
        self._update_titles()
