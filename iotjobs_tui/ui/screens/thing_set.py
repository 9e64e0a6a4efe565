"""Exactly these things' executions of one job: what `ShowThings` opens (a why bucket, a stuck
kind).

The rows come at once from what the poster already described (`known`, with its age); a loop
(`things`, every detail interval) then re-describes them, background-paced: first the things
never described, then the unfinished ones, then the oldest, `PER_CYCLE` at a time. Rows are
keyed by thing and execution number, so a retry shows as a new row. `Enter` opens one
execution, `Esc` goes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from iotjobs_tui.aws.execution_models import JobExecution
from iotjobs_tui.aws.models import JobExecutionSummary, summary_key
from iotjobs_tui.common.statuses import EXEC_ACTIVE
from iotjobs_tui.ui.format import format_age, zone_label
from iotjobs_tui.ui.messages import ShowThings, ThingsDescribed
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.refresh import Failure
from iotjobs_tui.ui.screens.live import LiveScreen
from iotjobs_tui.ui.selection import Selection
from iotjobs_tui.ui.text import safe
from iotjobs_tui.ui.widgets.breadcrumb import Breadcrumb
from iotjobs_tui.ui.widgets.execution_list import ExecutionList, row_key
from iotjobs_tui.ui.widgets.key_footer import KeyFooter
from iotjobs_tui.ui.widgets.status_bar import StatusBar

PER_CYCLE = 5  # DescribeJobExecution calls a cycle (one cycle every detail interval)


def as_summary(thing: str, value: Any) -> JobExecutionSummary | None:
    """A `known` value as a list row: a JobExecution, a JobExecutionSummary, or either paired
    with the time it was fetched."""
    if isinstance(value, tuple) and value:
        value = value[0]
    if isinstance(value, JobExecutionSummary):
        return value
    if isinstance(value, JobExecution):
        return JobExecutionSummary(
            thing_arn=value.thing_arn or thing,  # a bare name reads as its own thing name
            status=value.status,
            execution_number=value.execution_number,
            queued_at=value.queued_at,
            started_at=value.started_at,
            last_updated_at=value.last_updated_at,
        )
    return None


def fetched_at(value: Any) -> float | None:
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], int | float):
        return float(value[1])
    return None


def open_thing_set(screen: LiveScreen, message: ShowThings) -> None:
    """The one handler of ShowThings (the main screen's and the why screen's)."""
    message.stop()
    screen.app.push_screen(
        ThingSetScreen(
            screen.data,
            screen.options,
            message.job_id,
            message.title,
            message.things,
            message.known,
        )
    )


class ThingSetScreen(LiveScreen):
    BINDINGS = [Binding("escape", "back", "Back", id="back")]

    def __init__(
        self,
        data: DataSource,
        options: ViewOptions,
        job_id: str,
        title: str,
        things: tuple[str, ...],
        known: Mapping[str, Any],
    ) -> None:
        super().__init__(data, options)
        self.job_id = job_id
        self.title_text = title
        self.things = tuple(dict.fromkeys(things))
        self.known = dict(known)
        self.fetched: dict[str, float] = {}  # thing -> monotonic time of its last description
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Breadcrumb(self.job_id, self.title_text, id="breadcrumb")
        yield Static("", id="x-progress")
        yield ExecutionList(id="executions", now=self.now)
        yield StatusBar(id="status")
        yield KeyFooter()

    @property
    def table(self) -> ExecutionList:
        return self.query_one(ExecutionList)

    def on_mount(self) -> None:
        super().on_mount()
        now = self.monotonic()
        rows: list[JobExecutionSummary] = []
        for thing in self.things:
            value = self.known.get(thing)
            summary = as_summary(thing, value) if value is not None else None
            if summary is None:
                rows.append(JobExecutionSummary(thing_arn=thing, status=None))  # until described
                continue
            rows.append(summary)
            self.fetched[thing] = fetched_at(value) or now
        self.table.add(rows)
        self.loop = self.add_loop("things", self.options.detail_interval, self._fetch, self.table)
        self.table.focus()
        self._update_progress()
        self.loop.start()

    # --- refreshing -----------------------------------------------------------------------

    def due(self) -> tuple[str, ...]:
        """The next things to describe: never described, then unfinished, then the oldest."""
        latest: dict[str, str] = {}
        for row in self.table.rows.values():
            latest[row.thing] = row.status
        never = [t for t in self.things if t not in self.fetched]
        running = [t for t in self.things if t in self.fetched and latest.get(t) in EXEC_ACTIVE]
        rest = sorted(
            (t for t in self.things if t in self.fetched and t not in running),
            key=lambda t: self.fetched[t],
        )
        return tuple(dict.fromkeys([*never, *running, *rest]))[:PER_CYCLE]

    async def _fetch(self) -> Failure | None:
        things = self.due()
        if not things:
            return None
        return await self.data.describe_things(self, self.job_id, things)

    @on(ThingsDescribed)
    def _on_described(self, message: ThingsDescribed) -> None:
        if message.job_id != self.job_id:
            return
        now = self.monotonic()
        result = message.result
        rows: list[JobExecutionSummary] = []
        for execution in result.described:
            thing = execution.thing_name or "?"
            self.fetched[thing] = now
            summary = as_summary(thing, execution)
            if summary is not None:
                # DescribeJobExecution has no retryAttempt: keep the one a list row had.
                held = self.table.rows.get(summary_key(summary))
                if held is not None and held.summary.retry_attempt is not None:
                    summary = replace(summary, retry_attempt=held.summary.retry_attempt)
                rows.append(summary)
        self.table.remove_rows(row_key(summary.thing_name or "?", None) for summary in rows)
        self.table.add(rows)
        for thing, _number in result.gone:  # the thing has no execution of the job (any more)
            self.fetched[thing] = now
            self.table.remove_rows(
                [key for key, row in self.table.rows.items() if row.thing == thing]
            )
        self.error = message.error
        self._update_progress()

    def on_tick(self) -> None:
        self._update_progress()

    def _update_progress(self) -> None:
        if not self.is_mounted:
            return
        table = self.table
        text = Text(end="")
        text.append(f"{len(self.things):,} things", style="bold")
        text.append(" · ")
        text.append_text(safe(self.title_text))
        described = [self.fetched[t] for t in self.things if t in self.fetched]
        now = self.monotonic()
        text.append(f" · {len(described):,} described", style="dim")
        if described:
            text.append(f", the oldest {format_age(max(0.0, now - min(described)))}", style="dim")
        if self.error:
            text.append("  ⚠ ", style="bold red")
            text.append_text(safe(self.error, "dim"))
        self.query_one("#x-progress", Static).update(text)
        title = Text(f"Executions {table.row_count:,}", end="")
        title.append(f" · times {zone_label()}", style="dim")
        table.border_title = title

    # --- actions --------------------------------------------------------------------------

    def selection(self) -> Selection | None:
        row = self.table.selected
        if row is None:
            return Selection("job", self.job_id, None)
        number = row.number if row.number >= 0 else None
        return Selection(
            "execution", self.job_id, None, row.thing, number, row.status, None, row.summary
        )

    @on(ExecutionList.Selected)
    def _on_selected(self, event: ExecutionList.Selected) -> None:
        from iotjobs_tui.ui.screens.execution import ExecutionScreen

        row = event.row
        number = row.number if row.number >= 0 else None
        screen: Screen[None] = ExecutionScreen(
            self.data, self.options, self.job_id, row.thing, number, trail=(self.title_text,)
        )
        self.app.push_screen(screen)

    def action_back(self) -> None:
        self.app.pop_screen()
