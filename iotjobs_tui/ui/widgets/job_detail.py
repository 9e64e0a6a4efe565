"""The live job detail pane: small Statics updated in place, only when their text changes."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from iotjobs_tui.aws.models import COUNTERS, Job, JobProcessDetails
from iotjobs_tui.ui.format import stacked_bar, status_text, target_selection_text
from iotjobs_tui.ui.text import safe
from iotjobs_tui.ui.widgets.sections import (
    Lines,
    RateTracker,
    counters_text,
    extra_text,
    heading,
    processing_text,
    rate_text,
    rollout_text,
    schedule_text,
    summary_text,
    times_text,
)


def _shape(value: Text | Lines) -> tuple[int, ...]:
    """What decides the rendered height: the line count of an unwrapped Text, or every
    value's length in a grid (same lengths wrap the same way)."""
    if isinstance(value, Text):
        if value.no_wrap:
            return (value.plain.count("\n"),)
        return (-1, *(len(line) for line in value.plain.split("\n")))
    return (-2, *(len(label) * 1000 + len(text.plain) for label, text in value.rows))


class Field(Static):
    """A Static that repaints only when given different text (fewer bytes over SSH).

    With `wrap=False` its Text never wraps (long lines end in an ellipsis), so its height is
    its line count and an update of the same height skips the layout pass: a layout
    repaints every scrollbar on screen, kilobytes per refresh over SSH.
    """

    def __init__(self, *, id: str | None = None, classes: str = "", wrap: bool = True) -> None:
        super().__init__("", id=id, classes=classes)
        self._value: Text | Lines | None = None
        self._wrap = wrap

    def set(self, value: Text | Lines | None) -> None:
        if value is None:
            if self.display:
                self.display = False
            self._value = None
            return
        if not self.display:
            self.display = True
        if isinstance(value, Text) and not self._wrap:
            value.no_wrap = True
            value.overflow = "ellipsis"
        if value != self._value:
            same_shape = self._value is not None and _shape(self._value) == _shape(value)
            self._value = value
            self.update(value, layout=not same_shape)

    @property
    def plain(self) -> str:
        return "" if self._value is None else self._value.plain


class JobDetail(VerticalScroll):
    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("enter", "screen.executions", "Executions"),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]
    can_focus = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.job: Job | None = None
        self.job_id: str | None = None
        self._previous: JobProcessDetails | None = None
        self._rates = RateTracker()

    def compose(self) -> ComposeResult:
        yield Field(id="d-title", wrap=False)
        yield Field(id="d-message")
        # Counters first: they are what a rollout watcher looks at (and fit at 80x24).
        yield Field(id="d-counters-head", wrap=False)
        yield Field(id="d-bar", wrap=False)
        yield Field(id="d-counters", wrap=False)
        yield Field(id="d-processing", wrap=False)
        yield Field(id="d-rate", wrap=False)
        yield Field(id="d-summary-head", classes="section-head")
        yield Field(id="d-summary")
        yield Field(id="d-times")
        yield Field(id="d-config-head", classes="section-head")
        yield Field(id="d-config")
        yield Field(id="d-schedule-head", classes="section-head")
        yield Field(id="d-schedule")
        yield Field(id="d-extra-head", classes="section-head")
        yield Field(id="d-extra")

    def on_mount(self) -> None:
        for field in self.query(Field):
            if field.id not in ("d-title", "d-message"):
                field.display = False
        self.field("d-message").set(Text("Select a job to see its details.", style="dim"))

    def field(self, name: str) -> Field:
        return self.query_one(f"#{name}", Field)

    def select(self, job_id: str | None) -> None:
        """A different job was highlighted: clear everything job-specific."""
        if job_id == self.job_id:
            return
        self.job_id = job_id
        self.job = None
        self._previous = None
        self._rates.reset()
        for field in self.query(Field):
            if field.id not in ("d-title", "d-message"):
                field.set(None)
        title = Text(end="") if job_id is None else safe(job_id, "bold")
        self.field("d-title").set(title)
        message = "Loading…" if job_id else "No job selected."
        self.field("d-message").set(Text(message, style="dim"))
        self.scroll_home(animate=False)

    def show_error(self, job_id: str, error: str) -> None:
        if job_id != self.job_id:
            return
        text = Text("⚠ ", style="bold red", end="")
        text.append_text(safe(error))
        if self.job is not None:
            text.append("  (showing the last good data)", style="dim")
        self.field("d-message").set(text)

    def show_setup_error(self, error: str) -> None:
        self.field("d-message").set(Text("⚠ ", style="bold red", end="") + safe(error))

    def show_job(self, job: Job, now: datetime) -> None:
        if job.job_id != self.job_id:
            return
        previous = self.job.process if self.job is not None else None
        self.job = job
        self.field("d-message").set(None)
        title = safe(job.job_id, "bold")
        title.append("  ")
        title.append_text(status_text(job.status))
        title.append(f"  {target_selection_text(job.target_selection)}", style="dim")
        self.field("d-title").set(title)
        self.field("d-summary-head").set(heading("Job"))
        self.field("d-summary").set(summary_text(job))
        self.field("d-times").set(times_text(job))
        self._show_counters(job.process, previous, now)
        config = rollout_text(job)
        self.field("d-config-head").set(
            heading("Rollout, abort, timeout, retry") if config else None
        )
        self.field("d-config").set(config)
        self.refresh_clock(now)
        extra = extra_text(job.extra)
        self.field("d-extra-head").set(heading("Other members") if extra else None)
        self.field("d-extra").set(extra)

    def refresh_clock(self, now: datetime) -> None:
        """Re-evaluate time-relative text (window open/closed, 'in 3 min')."""
        if self.job is None:
            return
        schedule = schedule_text(self.job, now)
        self.field("d-schedule-head").set(heading("Schedule") if schedule else None)
        self.field("d-schedule").set(schedule)

    def _show_counters(
        self, process: JobProcessDetails | None, previous: JobProcessDetails | None, now: datetime
    ) -> None:
        names = ("d-counters-head", "d-bar", "d-counters", "d-processing", "d-rate")
        if process is None:
            for name in names:
                self.field(name).set(None)
            return
        self._rates.add(now.timestamp(), process)
        self.field("d-counters-head").set(
            heading("Executions", "(counts of executions; retries add more)")
        )
        width = max(10, min(60, self.scrollable_content_region.width or 40))
        counts = {attr: process.count(attr) for attr, _, _ in COUNTERS}
        self.field("d-bar").set(stacked_bar(counts, width))
        self.field("d-counters").set(counters_text(process, previous))
        self.field("d-processing").set(processing_text(process))
        self.field("d-rate").set(rate_text(self._rates, process))

    def on_resize(self) -> None:
        if self.job is not None and self.job.process is not None:
            width = max(10, min(60, self.scrollable_content_region.width or 40))
            counts = {attr: self.job.process.count(attr) for attr, _, _ in COUNTERS}
            self.field("d-bar").set(stacked_bar(counts, width))
