"""One job execution: every DescribeJobExecution member, statusDetails as a table, and a
countdown to the timeout computed locally between refreshes.

statusDetails come from devices, so keys and values are shown literally (`safe`): no markup,
control and escape characters made visible, long values folded rather than cut.
"""

from __future__ import annotations

import math
from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from iotjobs_tui.aws.execution_models import JobExecution
from iotjobs_tui.ui.format import number, span_in_words, status_text, when_seconds
from iotjobs_tui.ui.stuck import countdown, stuck_reason
from iotjobs_tui.ui.text import safe
from iotjobs_tui.ui.widgets.field import Field
from iotjobs_tui.ui.widgets.sections import Lines, extra_text, heading


class DetailsTable(Lines):
    """statusDetails as a key/value table; compared by content, as every Lines."""

    def __init__(self, pairs: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self.rows = [(key, safe(value)) for key, value in pairs]

    @property
    def plain(self) -> str:
        return "\n".join(f"{key}  {value.plain}" for key, value in self.rows)

    def __rich__(self) -> Table:
        table = Table(box=None, show_header=True, pad_edge=False, padding=(0, 2, 0, 0))
        table.add_column("key", style="bold", overflow="fold", max_width=32)
        table.add_column("value", overflow="fold", ratio=1)
        for key, value in self.rows:
            table.add_row(safe(key), value)
        return table


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def members_text(execution: JobExecution, thing_name: str) -> Lines:
    lines = Lines()
    lines.add("job id", safe(execution.job_id, "bold"))
    lines.add("thing", safe(execution.thing_name or thing_name, "bold"))
    lines.add("status", status_text(execution.status))
    lines.add("force canceled", _yes_no(execution.force_canceled) or "—")
    lines.add("execution #", number(execution.execution_number))
    lines.add("version", number(execution.version_number))
    lines.add("thing ARN", execution.thing_arn or "—")
    lines.add("queued", when_seconds(execution.queued_at))
    lines.add("started", when_seconds(execution.started_at))
    lines.add("last updated", when_seconds(execution.last_updated_at))
    return lines


def timeout_text(
    execution: JobExecution, measured_at: float, now_monotonic: float, now: datetime
) -> Text:
    left = countdown(execution.approximate_seconds_before_timed_out, measured_at, now_monotonic)
    if left is None:
        text = Text("no timer running", style="dim")
    else:
        left = math.ceil(left)
        text = Text(f"≈ {span_in_words(left)}", style="bold")
        text.append(f" ({left} s; AWS may act up to 60 s later)", style="dim")
    reason = stuck_reason(execution.status, execution.started_at, now, left)
    if reason:
        text.append(f"  ⚠ looks stuck: {reason}", style="bold yellow")
    return text


class ExecutionDetail(VerticalScroll, can_focus=True):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.execution: JobExecution | None = None
        self.thing_name = ""
        self._measured_at = 0.0

    def compose(self) -> ComposeResult:
        yield Field(id="x-title", wrap=False)
        yield Field(id="x-message")
        yield Field(id="x-timeout-head", classes="section-head")
        yield Field(id="x-timeout", wrap=False)
        yield Field(id="x-details-head", classes="section-head")
        yield Field(id="x-details")
        yield Field(id="x-members-head", classes="section-head")
        yield Field(id="x-members")
        yield Field(id="x-extra-head", classes="section-head")
        yield Field(id="x-extra")

    def field(self, name: str) -> Field:
        return self.query_one(f"#{name}", Field)

    def show_loading(self, job_id: str, thing_name: str, number: int | None) -> None:
        self.execution = None
        self.thing_name = thing_name
        for item in self.query(Field):
            item.set(None)
        title = safe(thing_name, "bold")
        title.append(" · ")
        title.append_text(safe(job_id))
        title.append(f" · #{number}" if number is not None else " · latest")
        self.field("x-title").set(title)
        self.field("x-message").set(Text("Loading…", style="dim"))

    def show_error(self, error: str) -> None:
        text = Text("⚠ ", style="bold red", end="")
        text.append_text(safe(error))
        if self.execution is not None:
            text.append("  (showing the last good data)", style="dim")
        self.field("x-message").set(text)

    def show(self, execution: JobExecution, thing_name: str, measured_at: float) -> None:
        self.execution = execution
        self.thing_name = thing_name
        self._measured_at = measured_at
        self.field("x-message").set(None)
        title = safe(execution.thing_name or thing_name, "bold")
        title.append(" · ")
        title.append_text(safe(execution.job_id))
        title.append(f" · #{number(execution.execution_number)}  ")
        title.append_text(status_text(execution.status))
        self.field("x-title").set(title)
        details = execution.status_details
        self.field("x-details-head").set(
            heading("Status details", f"({len(details)} from the device)")
        )
        self.field("x-details").set(
            DetailsTable(details) if details else Text("none reported", style="dim")
        )
        self.field("x-members-head").set(heading("Execution"))
        self.field("x-members").set(members_text(execution, thing_name))
        extra = extra_text(execution.extra)
        self.field("x-extra-head").set(heading("Other members") if extra else None)
        self.field("x-extra").set(extra)

    def tick(self, now_monotonic: float, now: datetime) -> None:
        """Once a second: the countdown and the stuck marker move without a call."""
        execution = self.execution
        if execution is None:
            return
        if execution.terminal and execution.approximate_seconds_before_timed_out is None:
            # Finished: no timer, and the room goes to the status details.
            self.field("x-timeout-head").set(None)
            self.field("x-timeout").set(None)
            return
        self.field("x-timeout-head").set(heading("Time before timeout"))
        self.field("x-timeout").set(timeout_text(execution, self._measured_at, now_monotonic, now))
