"""One execution, by thing name and execution number, refreshed while it is not terminal.

Beside it: the thing's history for this job (every execution number, to switch between
them) and the thing's other jobs. The timeout countdown moves every second from the last
measured value, so the refresh can stay slow (one DescribeJobExecution per interval).
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
from textual.widgets import DataTable, Footer, Static

from iotjobs_tui.aws.execution_models import ThingExecution
from iotjobs_tui.ui.format import status_text, when
from iotjobs_tui.ui.messages import (
    ExecutionDescribed,
    ExecutionDescribeFailed,
    ThingExecutions,
    ThingExecutionsFailed,
)
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.screens.executions import breadcrumb
from iotjobs_tui.ui.text import clean, safe
from iotjobs_tui.ui.widgets.execution_detail import ExecutionDetail

MAX_BACKOFF = 60.0


class ExecutionScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("left_square_bracket", "previous_number", "Previous #"),
        Binding("right_square_bracket", "next_number", "Next #"),
        Binding("r", "refresh", "Refresh"),
    ]

    def __init__(
        self,
        data: DataSource,
        options: ViewOptions,
        job_id: str,
        thing_name: str,
        number: int | None = None,
        trail: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.data = data
        self.options = options
        self.job_id = job_id
        self.thing_name = thing_name
        self.number = number
        self.trail = trail
        self.clock = options.clock or time.time
        self.history: list[ThingExecution] = []
        self.error: str | None = None
        self._timer: Timer | None = None
        self._delay = options.detail_interval
        self._last_status: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="breadcrumb")
        with Horizontal(id="x-panes"):
            yield ExecutionDetail(id="x-detail")
            with Vertical(id="x-side"):
                yield DataTable(id="x-history", cursor_type="row")
                yield DataTable(id="x-others", cursor_type="row")
        yield Footer()

    @property
    def detail(self) -> ExecutionDetail:
        return self.query_one(ExecutionDetail)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), tz=UTC)

    def on_mount(self) -> None:
        history = self.query_one("#x-history", DataTable)
        history.add_column("Exec#", key="number", width=6)
        history.add_column("Status", key="status", width=11)
        history.add_column("Retry", key="retry", width=5)
        history.add_column("Updated", key="updated", width=12)
        others = self.query_one("#x-others", DataTable)
        others.add_column("Job", key="job")
        others.add_column("Status", key="status", width=11)
        others.add_column("Exec#", key="number", width=6)
        history.border_title = Text("Execution numbers (Enter opens)", end="")
        others.border_title = Text("Other jobs on this thing", end="")
        self.set_interval(1.0, self._tick)
        self.detail.focus()
        self.open(self.number)
        self._fetch_history()
        self.run_worker(
            self.data.thing_executions(self, self.thing_name, None),
            name="others",
            group="x-others",
            exclusive=True,
            exit_on_error=False,
        )

    # --- loop -----------------------------------------------------------------------------

    def open(self, number: int | None) -> None:
        """Show another execution number of the same (job, thing)."""
        self.number = number
        self._last_status = None
        self._delay = self.options.detail_interval
        self.detail.show_loading(self.job_id, self.thing_name, number)
        self._update_breadcrumb()
        self.fetch()

    def fetch(self) -> None:
        self._cancel_timer()
        self.run_worker(
            self.data.describe_execution(self, self.job_id, self.thing_name, self.number),
            name="execution",
            group="x-describe",
            exclusive=True,
            exit_on_error=False,
        )

    def _fetch_history(self) -> None:
        self.run_worker(
            self.data.thing_executions(self, self.thing_name, self.job_id),
            name="history",
            group="x-history",
            exclusive=True,
            exit_on_error=False,
        )

    def _schedule(self, delay: float) -> None:
        self._cancel_timer()
        self._timer = self.set_timer(delay, self.fetch)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _matches(self, job_id: str, thing_name: str, number: int | None) -> bool:
        return job_id == self.job_id and thing_name == self.thing_name and number == self.number

    @on(ExecutionDescribed)
    def _on_described(self, message: ExecutionDescribed) -> None:
        execution = message.execution
        if execution.job_id != self.job_id or message.thing_name != self.thing_name:
            return
        if self.number is not None and execution.execution_number not in (None, self.number):
            return
        self.error = None
        if self.number is None:
            self.number = execution.execution_number
            self._update_breadcrumb()
        self.detail.show(execution, self.thing_name, message.measured_at)
        self._tick()
        self._mark_history()
        if self._last_status is not None and execution.status != self._last_status:
            self._fetch_history()  # a finished attempt may have queued a retry
        self._last_status = execution.status
        self._delay = self.options.detail_interval
        if not execution.terminal:
            self._schedule(self._delay)

    @on(ExecutionDescribeFailed)
    def _on_describe_failed(self, message: ExecutionDescribeFailed) -> None:
        if not self._matches(message.job_id, message.thing_name, message.execution_number):
            return
        first = self.error is None
        self.error = message.error
        self.detail.show_error(message.error)
        if first:
            self.notify(clean(message.error), title="Execution", severity="error", markup=False)
        self._delay = min(MAX_BACKOFF, self._delay * 2)
        self._schedule(self._delay)

    @on(ThingExecutions)
    def _on_thing_executions(self, message: ThingExecutions) -> None:
        if message.thing_name != self.thing_name:
            return
        if message.job_id is None:
            self._show_others(message.executions)
        elif message.job_id == self.job_id:
            self.history = sorted(
                (r for r in message.executions if r.execution_number is not None),
                key=lambda r: r.execution_number or 0,
            )
            self._show_history()

    @on(ThingExecutionsFailed)
    def _on_thing_failed(self, message: ThingExecutionsFailed) -> None:
        if message.thing_name != self.thing_name:
            return
        target = "#x-history" if message.job_id else "#x-others"
        text = Text("⚠ ", style="bold red", end="")
        text.append_text(safe(message.error))
        self.query_one(target, DataTable).border_title = text
        self.notify(clean(message.error), title="Thing history", severity="error", markup=False)

    def _show_history(self) -> None:
        table = self.query_one("#x-history", DataTable)
        table.clear()
        now = self._now()
        for row in self.history:
            table.add_row(
                Text(str(row.execution_number), justify="right"),
                status_text(row.status),
                Text("—" if row.retry_attempt is None else str(row.retry_attempt)),
                when(row.last_updated_at, now),
                key=str(row.execution_number),
            )
        self._mark_history()

    def _mark_history(self) -> None:
        table = self.query_one("#x-history", DataTable)
        if self.number is None or str(self.number) not in {k.value for k in table.rows}:
            return
        table.move_cursor(row=table.get_row_index(str(self.number)), animate=False)

    def _show_others(self, rows: list[ThingExecution]) -> None:
        table = self.query_one("#x-others", DataTable)
        table.clear()
        latest: dict[str, ThingExecution] = {}
        for row in rows:  # one line per job: its newest execution number
            if row.job_id is None or row.job_id == self.job_id:
                continue
            held = latest.get(row.job_id)
            if held is None or (row.execution_number or 0) > (held.execution_number or 0):
                latest[row.job_id] = row
        for job_id, row in sorted(latest.items()):
            table.add_row(
                safe(job_id),
                status_text(row.status),
                Text("—" if row.execution_number is None else str(row.execution_number)),
                key=job_id,
            )
        if not latest:
            table.border_title = Text("No other jobs on this thing", style="dim")

    def _tick(self) -> None:
        self.detail.tick(time.monotonic(), self._now())

    def _update_breadcrumb(self) -> None:
        number = "latest" if self.number is None else f"#{self.number}"
        self.query_one("#breadcrumb", Static).update(
            breadcrumb(self.job_id, *self.trail, self.thing_name, number)
        )

    # --- actions --------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#x-history")
    def _on_history_selected(self, event: DataTable.RowSelected) -> None:
        value = event.row_key.value
        if value is not None and value.isdigit() and int(value) != self.number:
            self.open(int(value))

    @on(DataTable.RowSelected, "#x-others")
    def _on_other_job_selected(self, event: DataTable.RowSelected) -> None:
        job_id = event.row_key.value
        if job_id:
            self.app.push_screen(
                ExecutionScreen(self.data, self.options, job_id, self.thing_name, trail=())
            )

    def _step(self, step: int) -> None:
        numbers = [r.execution_number for r in self.history if r.execution_number is not None]
        if not numbers or self.number is None:
            return
        if self.number not in numbers:
            self.open(numbers[-1])
            return
        index = numbers.index(self.number) + step
        if 0 <= index < len(numbers):
            self.open(numbers[index])
        else:
            self.notify("No other execution number that way.", markup=False)

    def action_previous_number(self) -> None:
        self._step(-1)

    def action_next_number(self) -> None:
        self._step(1)

    def action_refresh(self) -> None:
        self.fetch()
        self._fetch_history()

    def action_back(self) -> None:
        self.app.pop_screen()
