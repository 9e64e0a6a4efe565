"""A job's executions: loaded once politely, then kept current by cheap refresh cycles.

Two loops:
- **executions**: the first round loads every ListJobExecutionsForJob page (paced by
  ViewOptions.executions_page_pause, so a 100k-device job costs 400 calls at <= 2 calls/s);
  each later round is one `aws.execution_sync` cycle (a handful of calls, whatever the size):
  new executions appear, changed statuses change in place, the cursor stays on its row;
- **counts**: DescribeJob every detail interval, the service's own per-status counts, shown
  with their age beside what the list holds.
Leaving the screen (Esc) ends both with it.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from iotjobs_tui.aws.models import Job, JobProcessDetails, summary_key
from iotjobs_tui.common import gc_pause
from iotjobs_tui.common.statuses import EXEC_FAILURES, ExecStatus
from iotjobs_tui.ui.format import format_age, status_text, zone_label
from iotjobs_tui.ui.messages import (
    ExecutionsCounted,
    ExecutionsFailed,
    ExecutionsLoaded,
    ExecutionsPage,
    ExecutionsSynced,
)
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.refresh import Failure
from iotjobs_tui.ui.screens.live import LiveScreen
from iotjobs_tui.ui.selection import Selection
from iotjobs_tui.ui.text import clean, safe
from iotjobs_tui.ui.widgets.breadcrumb import Breadcrumb
from iotjobs_tui.ui.widgets.execution_list import SORT_LABELS, ExecutionList
from iotjobs_tui.ui.widgets.filter_box import FilterBox
from iotjobs_tui.ui.widgets.key_footer import KeyFooter
from iotjobs_tui.ui.widgets.status_bar import StatusBar

GC_FREEZE_ROWS = 20_000
FILTERS: tuple[str | None, ...] = (None, *ExecStatus)


class ExecutionsScreen(LiveScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("slash", "filter", "Filter things", id="filter"),
        Binding("f", "status_filter", "Status filter", id="status_filter"),
        Binding(
            "F", "status_filter_back", "Status filter back", show=False, id="status_filter_back"
        ),
        Binding("n", "next_failure", "Next failure", id="next_failure"),
        Binding("s", "sort", "Sort", id="sort"),
        Binding("S", "sort_reverse", "Reverse sort", show=False, id="sort_reverse"),
        # The rows shown (after both filters) to a file: names, CSV, JSON or a re-run recipe.
        Binding("x", "export", "Export", show=False, id="export"),
    ]

    def __init__(self, data: DataSource, options: ViewOptions, job_id: str) -> None:
        super().__init__(data, options)
        self.job_id = job_id
        self.status: str | None = None
        self.loading_done = False
        self.job: Job | None = None  # the last DescribeJob (counts loop)
        self.error: str | None = None
        self._loaded = 0
        self._process: JobProcessDetails | None = None
        self._counted_at: float | None = None
        self._last_cycle_calls: int | None = None

    def compose(self) -> ComposeResult:
        yield Breadcrumb(self.job_id, "executions", id="breadcrumb")
        yield FilterBox(placeholder="filter by thing name (Enter keeps it, Esc clears)")
        yield Static("", id="x-progress")
        yield Static("", id="x-error")
        yield ExecutionList(id="executions", now=self.now)
        yield StatusBar(id="status")
        yield KeyFooter()

    @property
    def table(self) -> ExecutionList:
        return self.query_one(ExecutionList)

    def on_mount(self) -> None:
        super().on_mount()
        self.rows_loop = self.add_loop(
            "executions", self.options.list_interval, self._fetch_rows, self.table
        )
        self.counts_loop = self.add_loop("counts", self.options.detail_interval, self._count)
        self.query_one("#x-error", Static).display = False
        self.table.focus()
        self.rows_loop.start()
        self.counts_loop.start()

    def on_unmount(self) -> None:
        super().on_unmount()
        for table in self.query(ExecutionList):
            table.clear()  # rows are acyclic: reference counting frees them before the thaw
        gc_pause.thaw(self)

    # --- loading and refreshing -------------------------------------------------------------

    async def _fetch_rows(self) -> Failure | None:
        generation = self.rows_loop.generation
        pause = self.options.executions_page_pause
        if not self.loading_done:
            self._loaded = 0  # a failed load starts again; rows already in are updated
            return await self.data.load_executions(
                self, self.job_id, self.status, generation, pause
            )
        return await self.data.sync_executions(
            self, self.job_id, self.table, self.status, generation, pause
        )

    async def _count(self) -> Failure | None:
        return await self.data.count_executions(self, self.job_id)

    def reload(self, clear: bool = True) -> None:
        """Load every page again (a new server-side filter, or `r` after a failed load)."""
        self._loaded = 0
        self.loading_done = False
        self.error = None
        if clear:
            self.table.clear()
        self._show_error(None)
        self.rows_loop.restart()
        self._update_progress()

    @on(ExecutionsPage)
    def _on_page(self, message: ExecutionsPage) -> None:
        if message.generation != self.rows_loop.generation:
            return
        self._loaded += len(message.executions)
        self.table.add(message.executions)
        self._show_error(None)
        self._update_progress()

    @on(ExecutionsLoaded)
    def _on_loaded(self, message: ExecutionsLoaded) -> None:
        if message.generation != self.rows_loop.generation:
            return
        self.loading_done = True
        if len(self.table.rows) >= GC_FREEZE_ROWS:
            # 100k rows are ~1M objects that live until the screen closes: a full collection
            # scanning them pauses the UI for 100+ ms (textual-perf.md §3b).
            gc_pause.freeze_while_shown(self)
        self._update_progress()

    @on(ExecutionsSynced)
    def _on_synced(self, message: ExecutionsSynced) -> None:
        if message.generation != self.rows_loop.generation:
            return
        result = message.result
        self._last_cycle_calls = result.calls
        rows = self.table.rows
        # DescribeJobExecution (the fallback for rows on screen) has no retryAttempt: keep
        # the one the list had rather than show "—".
        self.table.add(
            replace(summary, retry_attempt=rows[key].summary.retry_attempt)
            if summary.retry_attempt is None and (key := summary_key(summary)) in rows
            else summary
            for summary in result.updated
        )
        if result.inferred:
            self.table.add(
                replace(rows[key].summary, status=status)
                for key, status in result.inferred.items()
                if key in rows
            )
        if result.process is not None:
            self._process = result.process
            self._counted_at = self.monotonic()
        self._show_error(None)
        self._update_progress()

    @on(ExecutionsCounted)
    def _on_counted(self, message: ExecutionsCounted) -> None:
        if message.job.job_id != self.job_id:
            return
        self.job = message.job
        self._process = message.job.process
        self._counted_at = self.monotonic()
        self._update_progress()

    @on(ExecutionsFailed)
    def _on_failed(self, message: ExecutionsFailed) -> None:
        if message.generation != self.rows_loop.generation:
            return
        first = self.error is None
        self.error = message.error
        self._show_error(message.error)
        if first:
            self.notify(clean(message.error), title="Executions", severity="error", markup=False)
        self._update_progress()

    def _show_error(self, error: str | None) -> None:
        widget = self.query_one("#x-error", Static)
        widget.display = error is not None
        if error is not None:
            text = Text("⚠ ", style="bold red", end="")
            text.append_text(safe(error))
            if self.table.rows:
                text.append("  (the rows loaded so far are kept)", style="dim")
            widget.update(text)

    def on_tick(self) -> None:
        self._update_progress()

    def _update_progress(self) -> None:
        if not self.is_mounted:
            return
        table = self.table
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        process = self._process
        if self.loading_done:
            text.append(f"{len(table.rows):,} executions in the list", style="bold")
        else:
            text.append(f"loading… {self._loaded:,}")
            if process is not None and self.status is None:
                text.append(f" of {process.total:,}")
        if self.status:
            text.append(" · status=")
            text.append_text(safe(self.status))
            text.append(" (server)", style="dim")
        if process is not None and self._counted_at is not None:
            age = format_age(max(0.0, self.monotonic() - self._counted_at))
            text.append(f" · service counts, {age}:", style="dim")
            for counted in ExecStatus:
                count = process.status_count(counted)
                if count:
                    text.append(" ")
                    text.append_text(status_text(counted))
                    text.append(f" {count:,}")
        else:
            for status, count in sorted(table.counts.items(), key=lambda item: -item[1]):
                if count:
                    text.append(" · ")
                    text.append_text(status_text(status or "?"))
                    text.append(f" {count:,}")
        if self._last_cycle_calls is not None:
            text.append(f" · last refresh {self._last_cycle_calls} calls", style="dim")
        self.query_one("#x-progress", Static).update(text)
        title = Text(f"Executions {table.row_count:,}", end="")
        if table.text_filter:
            title.append(f" of {len(table.rows):,} · /")
            title.append_text(safe(table.text_filter))
        label = SORT_LABELS[table.sort_column]
        title.append(f" · by {label} {'↓' if table.sort_reverse else '↑'}", style="dim")
        title.append(f" · times {zone_label()}", style="dim")
        table.border_title = title

    # --- actions --------------------------------------------------------------------------

    def selection(self) -> Selection | None:
        row = self.table.selected
        job = self.job
        arn = job.job_arn if job is not None else None
        if row is None:
            return Selection("job", self.job_id, arn, status=job.status if job else None, job=job)
        number = row.number if row.number >= 0 else None
        return Selection(
            "execution", self.job_id, arn, row.thing, number, row.status, job, row.summary
        )

    @on(ExecutionList.Selected)
    def _on_selected(self, event: ExecutionList.Selected) -> None:
        from iotjobs_tui.ui.screens.execution import ExecutionScreen

        row = event.row
        number = row.number if row.number >= 0 else None
        self.app.push_screen(
            ExecutionScreen(
                self.data, self.options, self.job_id, row.thing, number, trail=("executions",)
            )
        )

    def action_back(self) -> None:
        if self.query_one(FilterBox).clear_filter():
            self.table.focus()
            return
        self.app.pop_screen()

    def action_filter(self) -> None:
        self.query_one(FilterBox).open()

    @on(FilterBox.FilterChanged)
    def _on_filter_changed(self, event: FilterBox.FilterChanged) -> None:
        self.table.set_filter(event.value)
        self._update_progress()

    @on(FilterBox.FilterDone)
    def _on_filter_done(self) -> None:
        self.table.focus()

    def _step_status(self, step: int) -> None:
        self.status = FILTERS[(FILTERS.index(self.status) + step) % len(FILTERS)]
        self.reload()  # a server-side filter restarts the loading
        self.notify(f"Status filter: {self.status or 'any status'}.", markup=False)

    def action_status_filter(self) -> None:
        self._step_status(1)

    def action_status_filter_back(self) -> None:
        self._step_status(-1)

    def action_next_failure(self) -> None:
        if not self.table.next_matching(frozenset(EXEC_FAILURES)):
            self.notify("No failed, timed-out or rejected execution loaded.", markup=False)

    def action_export(self) -> None:
        from iotjobs_tui.aws.export import ExportContext
        from iotjobs_tui.ui.screens.export import offer_export

        table = self.table
        offer_export(
            self,
            job=self.job,
            summaries=[row.summary for row in table.visible_rows],
            context=ExportContext(self.job_id, self.now(), self.status, table.text_filter),
            options=self.options,
            connection=self.connection,
            partial=not self.loading_done,
        )

    def action_sort(self) -> None:
        self.table.cycle_sort()
        self._update_progress()

    def action_sort_reverse(self) -> None:
        self.table.set_sort(self.table.sort_column, not self.table.sort_reverse)
        self._update_progress()

    def action_refresh(self) -> None:
        # Rows are keyed: a reload updates them in place and the cursor stays on its row.
        if self.error is not None and not self.loading_done:
            self.reload(clear=False)
        super().action_refresh()
