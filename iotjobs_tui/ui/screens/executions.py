"""A job's executions: every ListJobExecutionsForJob page, loaded politely, in a virtual list.

Loading is one worker that pauses between pages (ViewOptions.executions_page_pause), so a
100k-device job costs 400 calls at <= 2 calls/s and leaves the account's quota to others.
The first page shows as soon as it arrives. Leaving the screen (Esc) ends the worker with it.
"""

from __future__ import annotations

import gc
import time
from datetime import UTC, datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from iotjobs_tui.aws.execution_models import EXECUTION_STATUSES, FAILURE_STATUSES
from iotjobs_tui.ui.format import STATUS_STYLES
from iotjobs_tui.ui.messages import ExecutionsFailed, ExecutionsLoaded, ExecutionsPage
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.text import clean, safe
from iotjobs_tui.ui.widgets.execution_list import SORT_LABELS, ExecutionList

GC_FREEZE_ROWS = 20_000
FILTERS: tuple[str | None, ...] = (None, *EXECUTION_STATUSES)


def breadcrumb(*parts: str) -> Text:
    text = Text("Jobs", style="dim", end="")
    for part in parts:
        text.append(" ▸ ", style="dim")
        text.append_text(safe(part))
    return text


class ExecutionsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "filter", "Filter things"),
        Binding("f", "status_filter", "Status filter"),
        Binding("F", "status_filter_back", "Status filter back", show=False),
        Binding("n", "next_failure", "Next failure"),
        Binding("s", "sort", "Sort"),
        Binding("S", "sort_reverse", "Reverse sort", show=False),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, data: DataSource, options: ViewOptions, job_id: str) -> None:
        super().__init__()
        self.data = data
        self.options = options
        self.job_id = job_id
        self.clock = options.clock or time.time
        self.status: str | None = None
        self.loading_done = False
        self.error: str | None = None
        self._generation = 0
        self._loaded = 0
        self._frozen = False

    def compose(self) -> ComposeResult:
        yield Static(breadcrumb(self.job_id, "executions"), id="breadcrumb")
        yield Input(placeholder="filter by thing name (Enter keeps it, Esc clears)", id="x-filter")
        yield Static("", id="x-progress")
        yield Static("", id="x-error")
        yield ExecutionList(id="executions", now=self._now)
        yield Footer()

    @property
    def table(self) -> ExecutionList:
        return self.query_one(ExecutionList)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), tz=UTC)

    def on_mount(self) -> None:
        self.query_one("#x-filter", Input).display = False
        self.query_one("#x-error", Static).display = False
        self.table.focus()
        self.load()

    # --- loading --------------------------------------------------------------------------

    def load(self, clear: bool = True) -> None:
        self._generation += 1
        self._loaded = 0
        self.loading_done = False
        self.error = None
        if clear:
            self.table.clear()
        self._show_error(None)
        self.run_worker(
            self.data.load_executions(
                self, self.job_id, self.status, self._generation, self.options.executions_page_pause
            ),
            name="executions",
            group="executions",
            exclusive=True,
            exit_on_error=False,
        )
        self._update_progress()

    @on(ExecutionsPage)
    def _on_page(self, message: ExecutionsPage) -> None:
        if message.generation != self._generation:
            return
        self._loaded += len(message.executions)
        self.table.add(message.executions)
        self._update_progress()

    @on(ExecutionsLoaded)
    def _on_loaded(self, message: ExecutionsLoaded) -> None:
        if message.generation != self._generation:
            return
        self.loading_done = True
        if len(self.table.rows) >= GC_FREEZE_ROWS and not self._frozen:
            # 100k rows are ~1M objects that live until the screen closes: a full collection
            # scanning them pauses the UI for 100+ ms (notes textual-perf.md §3b).
            gc.freeze()
            self._frozen = True
        self._update_progress()

    def on_unmount(self) -> None:
        if self._frozen:
            gc.unfreeze()

    @on(ExecutionsFailed)
    def _on_failed(self, message: ExecutionsFailed) -> None:
        if message.generation != self._generation:
            return
        self.loading_done = True
        self.error = message.error
        self._show_error(message.error)
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

    def _update_progress(self) -> None:
        table = self.table
        text = Text(end="")
        state = "loaded" if self.loading_done else "loading…"
        text.append(f"{state} {self._loaded:,}", style="bold" if self.loading_done else "")
        if self.status:
            text.append(f" · status={self.status} (server)", style="bold")
        for status, count in sorted(table.counts.items(), key=lambda item: -item[1]):
            if count:
                text.append(" · ")
                text.append(f"{status or '?'} {count:,}", style=STATUS_STYLES.get(status, ""))
        self.query_one("#x-progress", Static).update(text)
        title = Text(f"Executions {table.row_count:,}", end="")
        if table.text_filter:
            title.append(f" of {len(table.rows):,} · /")
            title.append_text(safe(table.text_filter))
        label = SORT_LABELS[table.sort_column]
        title.append(f" · by {label} {'↓' if table.sort_reverse else '↑'}", style="dim")
        table.border_title = title

    # --- actions --------------------------------------------------------------------------

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
        box = self.query_one("#x-filter", Input)
        if box.display or self.table.text_filter:
            box.value = ""
            box.display = False
            self.table.set_filter("")
            self.table.focus()
            self._update_progress()
            return
        self.app.pop_screen()

    def action_filter(self) -> None:
        box = self.query_one("#x-filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#x-filter")
    def _on_filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self._update_progress()

    @on(Input.Submitted, "#x-filter")
    def _on_filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.display = False
        self.table.focus()

    def _step_status(self, step: int) -> None:
        self.status = FILTERS[(FILTERS.index(self.status) + step) % len(FILTERS)]
        self.load()  # a server-side filter restarts the loading
        self.notify(f"Status filter: {self.status or 'any status'}.", markup=False)

    def action_status_filter(self) -> None:
        self._step_status(1)

    def action_status_filter_back(self) -> None:
        self._step_status(-1)

    def action_next_failure(self) -> None:
        if not self.table.next_matching(FAILURE_STATUSES):
            self.notify("No failed, timed-out or rejected execution loaded.", markup=False)

    def action_sort(self) -> None:
        self.table.cycle_sort()
        self._update_progress()

    def action_sort_reverse(self) -> None:
        self.table.set_sort(self.table.sort_column, not self.table.sort_reverse)
        self._update_progress()

    def action_reload(self) -> None:
        # Rows are keyed: a reload updates them in place and the cursor stays on its row.
        self.load(clear=False)
