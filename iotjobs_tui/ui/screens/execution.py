"""One execution, by thing name and execution number, refreshed while it is not terminal.

Beside it: the thing's history for this job (every execution number, to switch between
them) and the thing's other jobs, each on its own loop. The timeout countdown moves every
second from the last measured value, so the refresh can stay slow (one DescribeJobExecution
per interval); a finished execution is final and stops refreshing.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical

from iotjobs_tui.aws.execution_models import ThingExecution
from iotjobs_tui.ui.messages import (
    ExecutionDescribed,
    ExecutionDescribeFailed,
    ThingExecutions,
    ThingExecutionsFailed,
)
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.refresh import Failure
from iotjobs_tui.ui.screens.live import LiveScreen
from iotjobs_tui.ui.selection import Selection
from iotjobs_tui.ui.text import clean, safe
from iotjobs_tui.ui.widgets.breadcrumb import Breadcrumb
from iotjobs_tui.ui.widgets.execution_detail import ExecutionDetail
from iotjobs_tui.ui.widgets.history_table import HistoryTable, OtherJobsTable
from iotjobs_tui.ui.widgets.key_footer import KeyFooter
from iotjobs_tui.ui.widgets.status_bar import StatusBar
from iotjobs_tui.ui.widgets.table import KeyedTable

HISTORY_TITLE = Text("Execution numbers (Enter opens)", end="")
OTHERS_TITLE = Text("Other jobs on this thing", end="")
NO_OTHERS_TITLE = Text("No other jobs on this thing", style="dim", end="")


class ExecutionScreen(LiveScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("left_square_bracket", "previous_number", "Previous #", id="previous_number"),
        Binding("right_square_bracket", "next_number", "Next #", id="next_number"),
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
        super().__init__(data, options)
        self.job_id = job_id
        self.thing_name = thing_name
        self.number = number
        self.trail = trail
        self.history: list[ThingExecution] = []
        self.error: str | None = None
        self._last_status: str | None = None

    def compose(self) -> ComposeResult:
        yield Breadcrumb(id="breadcrumb")
        with Horizontal(id="x-panes"):
            yield ExecutionDetail(id="x-detail")
            with Vertical(id="x-side"):
                yield HistoryTable(id="x-history", now=self.now)
                yield OtherJobsTable(id="x-others", now=self.now)
        yield StatusBar(id="status")
        yield KeyFooter()

    @property
    def detail(self) -> ExecutionDetail:
        return self.query_one(ExecutionDetail)

    def on_mount(self) -> None:
        super().on_mount()
        history = self.query_one(HistoryTable)
        others = self.query_one(OtherJobsTable)
        history.border_title = HISTORY_TITLE
        others.border_title = OTHERS_TITLE
        interval = self.options.detail_interval
        self.execution_loop = self.add_loop("execution", interval, self._fetch, self.detail)
        slow = self.options.list_interval
        self.history_loop = self.add_loop("history", slow, self._fetch_history, history)
        self.others_loop = self.add_loop("other jobs", slow, self._fetch_others, others)
        self.detail.focus()
        self.open(self.number)
        self.history_loop.start()
        self.others_loop.start()

    # --- loops ----------------------------------------------------------------------------

    def open(self, number: int | None) -> None:
        """Show another execution number of the same (job, thing)."""
        self.number = number
        self._last_status = None
        self.error = None
        self.detail.show_loading(self.job_id, self.thing_name, number)
        self._update_breadcrumb()
        self.execution_loop.policy.failures = 0
        self.execution_loop.restart()

    async def _fetch(self) -> Failure | None:
        return await self.data.describe_execution(self, self.job_id, self.thing_name, self.number)

    async def _fetch_history(self) -> Failure | None:
        return await self.data.thing_executions(self, self.thing_name, self.job_id)

    async def _fetch_others(self) -> Failure | None:
        return await self.data.thing_executions(self, self.thing_name, None)

    def selection(self) -> Selection | None:
        execution = self.detail.execution
        return Selection(
            "execution",
            self.job_id,
            None,
            self.thing_name,
            self.number,
            execution.status if execution is not None else None,
            record=execution,
        )

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
        self.on_tick()
        self._mark_history()
        if self._last_status is not None and execution.status != self._last_status:
            self.history_loop.refresh_now()  # a finished attempt may have queued a retry
        self._last_status = execution.status
        if execution.terminal:
            self.execution_loop.finish()

    @on(ExecutionDescribeFailed)
    def _on_describe_failed(self, message: ExecutionDescribeFailed) -> None:
        if not self._matches(message.job_id, message.thing_name, message.execution_number):
            return
        first = self.error is None
        self.error = message.error
        self.detail.show_error(message.error)
        if first:
            self.notify(clean(message.error), title="Execution", severity="error", markup=False)

    @on(ThingExecutions)
    def _on_thing_executions(self, message: ThingExecutions) -> None:
        message.stop()  # this screen's own answer: the App's palette lookup is not waiting
        if message.thing_name != self.thing_name:
            return
        if message.job_id is None:
            others = self.query_one(OtherJobsTable)
            shown = others.show(message.executions, skip_job=self.job_id)
            others.border_title = OTHERS_TITLE if shown else NO_OTHERS_TITLE
        elif message.job_id == self.job_id:
            self.history = sorted(
                (r for r in message.executions if r.execution_number is not None),
                key=lambda r: r.execution_number or 0,
            )
            history = self.query_one(HistoryTable)
            history.show(self.history)
            history.border_title = HISTORY_TITLE
            self._mark_history()

    @on(ThingExecutionsFailed)
    def _on_thing_failed(self, message: ThingExecutionsFailed) -> None:
        message.stop()
        if message.thing_name != self.thing_name:
            return
        target = "#x-history" if message.job_id else "#x-others"
        table = self.query_one(target, KeyedTable)
        text = Text("⚠ ", style="bold red", end="")
        text.append_text(safe(message.error))
        table.border_title = text  # the loop retries; the status bar shows when

    def _mark_history(self) -> None:
        self.query_one(HistoryTable).select_number(self.number)

    def on_tick(self) -> None:
        self.detail.tick(time.monotonic(), self.now())

    def _update_breadcrumb(self) -> None:
        number = "latest" if self.number is None else f"#{self.number}"
        self.query_one(Breadcrumb).show(self.job_id, *self.trail, self.thing_name, number)

    # --- actions --------------------------------------------------------------------------

    @on(HistoryTable.Selected, "#x-history")
    def _on_history_selected(self, event: HistoryTable.Selected) -> None:
        value = event.key
        if value is not None and value.isdigit() and int(value) != self.number:
            self.open(int(value))

    @on(OtherJobsTable.Selected, "#x-others")
    def _on_other_job_selected(self, event: OtherJobsTable.Selected) -> None:
        job_id = event.key
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

    def action_back(self) -> None:
        self.app.pop_screen()
