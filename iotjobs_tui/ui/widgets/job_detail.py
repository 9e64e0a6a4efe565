"""The live job detail pane: small Statics updated in place, only when their text changes."""

from __future__ import annotations

import time
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll

from iotjobs_tui.aws.eta import Estimate, TargetCount, estimate
from iotjobs_tui.aws.models import Job, JobProcessDetails
from iotjobs_tui.ui.format import stacked_bar, status_text, target_selection_text
from iotjobs_tui.ui.text import safe
from iotjobs_tui.ui.widgets.abort_radar import AbortRadar
from iotjobs_tui.ui.widgets.field import Field
from iotjobs_tui.ui.widgets.insight import InsightSection
from iotjobs_tui.ui.widgets.sections import (
    RateTracker,
    arns_text,
    bar_counts,
    counters_text,
    eta_text,
    extra_text,
    heading,
    job_arns,
    processing_text,
    rate_text,
    rollout_text,
    schedule_text,
    summary_text,
    targets_text,
    times_text,
)
from iotjobs_tui.ui.widgets.stuck_triage import StuckTriage
from iotjobs_tui.ui.widgets.timeline import Timeline
from iotjobs_tui.ui.widgets.why_panel import WhyPanel

# What the ETA is computed from: the job, its target count and the measured rates.
_EstimateInputs = tuple[Job, TargetCount | None, tuple[float, float] | None]

# Cells around the content: the border (2), the padding (2) and a vertical scrollbar (2).
_CHROME = 6


class JobDetail(VerticalScroll):
    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="scroll_down"),
        Binding("k", "scroll_up", "Up", show=False, id="scroll_up"),
        Binding("enter", "screen.executions", "Executions", id="executions"),
        Binding("G", "scroll_end", "Bottom", show=False, id="scroll_end"),
        Binding("a", "toggle_arns", "Full ARNs", id="toggle_arns"),
        # The rollout timeline's cursor, a minute a key (its own section, timeline.py).
        Binding("left", "scrub(-1)", "Timeline: earlier minute", show=False, id="timeline_back"),
        Binding("right", "scrub(1)", "Timeline: later minute", show=False, id="timeline_forward"),
    ]
    can_focus = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.job: Job | None = None
        self.job_id: str | None = None
        self._previous: JobProcessDetails | None = None
        self._rates = RateTracker()
        # job id -> (latest finished count, count under way): kept across selections.
        self._targets: dict[str, tuple[TargetCount | None, TargetCount | None]] = {}
        self.full_arns = False  # `a`: every ARN whole, on its own line
        self._sections: list[InsightSection] | None = None
        self.estimate: Estimate | None = None  # the whole rollout's, as last shown
        self._now: datetime | None = None  # the clock at the last refresh (virtual in demo)
        # (job, count, rates) the estimate was computed from.
        self._estimate_inputs: _EstimateInputs | None = None

    def compose(self) -> ComposeResult:
        yield Field(id="d-title", wrap=False)
        yield Field(id="d-message")
        # Counters first: they are what a rollout watcher looks at (and fit at 80x24).
        yield Field(id="d-counters-head", wrap=False)
        # Executions against the rollout's size; wraps (errors of the count go here too).
        yield Field(id="d-targets")
        yield Field(id="d-bar", wrap=False)
        # The whole rollout's ETA under its bar: with the targets line, what fits at 80x24.
        yield Field(id="d-eta")
        yield Field(id="d-counters", wrap=False)
        yield Field(id="d-processing", wrap=False)
        # Rates and what the ETA assumes: wrapped at words, never cut.
        yield Field(id="d-rate")
        # What no other tool answers (issue 12): will it abort, why it fails, who is stuck,
        # is it getting worse. Each section hides itself until it knows something.
        yield AbortRadar(id="d-radar")
        yield WhyPanel(id="d-why")
        yield StuckTriage(id="d-stuck")
        yield Timeline(id="d-timeline")
        yield Field(id="d-summary-head", classes="section-head")
        yield Field(id="d-summary")
        # With `a`: every ARN whole on its own line (its Text never wraps).
        yield Field(id="d-arns")
        yield Field(id="d-times")
        yield Field(id="d-config-head", classes="section-head")
        yield Field(id="d-config")
        yield Field(id="d-schedule-head", classes="section-head")
        yield Field(id="d-schedule")
        yield Field(id="d-extra-head", classes="section-head")
        yield Field(id="d-extra")

    @property
    def sections(self) -> list[InsightSection]:
        # Composed once and never replaced: found once, not by a DOM query every second.
        if not self._sections:  # (before mount the query finds none: ask again)
            self._sections = list(self.query(InsightSection))
        return self._sections

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
        self.estimate = None
        self._estimate_inputs = None
        self._rates.reset()
        for field in self.query(Field):
            if field.id not in ("d-title", "d-message"):
                field.set(None)
        title = Text(end="") if job_id is None else safe(job_id, "bold")
        self.field("d-title").set(title)
        message = "Loading…" if job_id else "No job selected."
        self.field("d-message").set(Text(message, style="dim"))
        for section in self.sections:
            section.select(job_id)
        self.scroll_home(animate=False)

    def forget_all(self) -> None:
        """Another account or region: no job and no target count shown here is true of it."""
        self.select(None)
        self._targets.clear()

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
        self._show_summary()
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
        for section in self.sections:
            section.show_job(job, now)

    def show_targets(
        self,
        count: TargetCount | None,
        counting: TargetCount | None = None,
        *,
        job_id: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """The selected job's target count (`count`: the latest finished one, None if none
        yet) and a count under way (`counting`, from `TargetCounter`'s `on_progress`).

        Kept per job id, so a job selected again shows its count at once. `job_id` (default:
        the selected job) lets a late answer for another job be stored, not shown.
        """
        key = job_id if job_id is not None else self.job_id
        if key is None:
            return
        self._targets[key] = (count, counting)
        if key == self.job_id and self.job is not None:
            self._show_progress(now or self._now)
            for section in self.sections:
                section.show_targets(count, counting)

    def targets(self, job_id: str | None = None) -> tuple[TargetCount | None, TargetCount | None]:
        """(count, counting) stored for `job_id` (default: the selected job)."""
        key = job_id if job_id is not None else self.job_id
        return self._targets.get(key or "", (None, None))

    def refresh_clock(self, now: datetime) -> None:
        """Re-evaluate time-relative text (window open/closed, 'in 3 min', the ETA)."""
        self._now = now
        for section in self.sections:
            section.tick(now)
        if self.job is None:
            return
        schedule = schedule_text(self.job, now)
        self.field("d-schedule-head").set(heading("Schedule") if schedule else None)
        self.field("d-schedule").set(schedule)
        if self.job.process is not None:
            self._show_rate(self.job.process, now)

    def _content_width(self) -> int | None:
        width = self.scrollable_content_region.width
        return width if width > 0 else None

    def _show_summary(self) -> None:
        if self.job is None:
            return
        self.field("d-summary").set(summary_text(self.job, self._content_width(), self.full_arns))
        self.field("d-arns").set(arns_text(self.job) if self.full_arns else None)
        self._fit_arns()

    def _fit_arns(self) -> None:
        """With full ARNs, widen the pane to the longest one (never past the screen): a
        mouse copy then takes it whole. The narrow layout (100 % wide) is unaffected."""
        longest = 0
        if self.full_arns and self.job is not None:
            longest = max((len(arn) for _, arn in job_arns(self.job)), default=0)
        if longest:
            self.styles.min_width = min(longest + _CHROME, max(self.app.size.width, 1))
        elif self.styles.inline.has_rule("min_width"):
            self.styles.min_width = None

    def action_scrub(self, direction: int) -> None:
        """`←`/`→`: move the timeline's cursor a minute (it says the minute's values); with
        no timeline shown they scroll sideways, as before."""
        if self.query_one(Timeline).scrub(direction):
            return
        if direction < 0:
            self.scroll_left()
        else:
            self.scroll_right()

    def action_toggle_arns(self) -> None:
        """`a`: every ARN whole on its own line, or shortened to fit the pane."""
        self.full_arns = not self.full_arns
        self._show_summary()
        if self.job is None:
            self._fit_arns()

    def _bar_width(self) -> int:
        # As if the scrollbar were shown: the insight sections below come and go, and the bar
        # must not be cut (or wrap) when their lines bring the scrollbar.
        width = self.scrollable_content_region.width or 40
        if not self.show_vertical_scrollbar:
            width -= self.styles.scrollbar_size_vertical
        return max(10, min(60, width))

    def _show_counters(
        self, process: JobProcessDetails | None, previous: JobProcessDetails | None, now: datetime
    ) -> None:
        names = (
            "d-counters-head", "d-targets", "d-bar", "d-eta", "d-counters", "d-processing",
            "d-rate",
        )  # fmt: skip
        if process is None:
            for name in names:
                self.field(name).set(None)
            return
        self._rates.add(now.timestamp(), process)
        self.field("d-counters-head").set(
            heading("Executions", "(counts of executions; retries add more)")
        )
        self.field("d-counters").set(counters_text(process, previous))
        self.field("d-processing").set(processing_text(process))
        self._show_progress()  # the ETA follows in refresh_clock

    def _show_progress(self, now: datetime | None = None) -> None:
        """The targets line, the bar and the ETA: what depends on the target count."""
        job = self.job
        if job is None or job.process is None:
            return
        count, counting = self.targets()
        age = None if count is None else time.time() - count.counted_at
        self.field("d-targets").set(targets_text(job.process, count, counting, age))
        self.field("d-bar").set(stacked_bar(bar_counts(job.process, count), self._bar_width()))
        if now is not None:
            self._show_rate(job.process, now)

    def _show_rate(self, process: JobProcessDetails, now: datetime) -> None:
        job = self.job
        if job is None:
            return
        count, _ = self.targets()
        rates = self._rates.rates()
        complete = count is not None and count.complete
        # Recomputed when its inputs change (a refresh, a count), not on every clock tick: a
        # rollout through many maintenance windows takes tens of ms to walk. Between
        # refreshes only "in 1 h 38 min" moves, rendered from the kept estimate.
        inputs = (job, count, rates)
        kept = self._estimate_inputs
        if self.estimate is None or kept is None or kept[0] is not job or kept[1:] != inputs[1:]:
            self._estimate_inputs = inputs
            self.estimate = estimate(
                targets=count.things if count is not None and complete else None,
                created=process.total,
                unfinished=process.unfinished,
                rollout=job.rollout,
                scheduling=job.scheduling,
                finish_rate=None if rates is None else rates[1],
                now=now,
                succeeded=process.count("succeeded"),
                status=job.status,
                completed_at=job.completed_at,
                members_now=count is not None and count.members_now,
            )
        failed = count is not None and not complete
        self.field("d-eta").set(eta_text(self.estimate, now, count_failed=failed))
        self.field("d-rate").set(
            rate_text(self._rates, process, self.estimate, now, count_failed=failed, eta=False)
        )

    def on_resize(self) -> None:
        if self.job is not None:
            self._show_summary()
            if self.job.process is not None:
                count, _ = self.targets()
                bar = stacked_bar(bar_counts(self.job.process, count), self._bar_width())
                self.field("d-bar").set(bar)
