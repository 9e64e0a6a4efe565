"""The job detail's abort radar (issue 12): how close each abort criterion is, from the
DescribeJob the detail already made; it makes no call of its own.

    Abort radar  DescribeJob 4 s ago
    FAILED    6.2 % of 1,480 notified executions; aborts at 10 %
              armed · threshold reached in ≈ 57 more FAILED executions / ≈ 3 min
    ALL       1.3 % of 80 notified executions; aborts at 5 %
              UNPROTECTED until 200 notified: 120 more · not at this rate

What the share divides by, and why, is `aws.abort_radar`'s docstring. A share is red from 80 %
of its threshold (the alerts' default) and yellow from half of it. The rates are measured
between this section's DescribeJobs with the detail's `RateTracker` class, on the screen's
clock (the emulator's in the demo); the age is on the status bar's clock.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult

from iotjobs_tui.aws.abort_radar import (
    BASE_WORDS,
    DUE,
    MEASURING,
    NEVER,
    Radar,
    Rates,
    Reading,
    assess,
)
from iotjobs_tui.aws.models import Job
from iotjobs_tui.common.statuses import FailureType
from iotjobs_tui.ui.format import format_age, span_in_words
from iotjobs_tui.ui.text import clean
from iotjobs_tui.ui.widgets.field import Field
from iotjobs_tui.ui.widgets.insight import InsightSection
from iotjobs_tui.ui.widgets.sections import (
    HEADING_STYLE,
    Lines,
    RateTracker,
    failure_kind,
    threshold_text,
)

RED_AT = 0.8  # share / threshold
YELLOW_AT = 0.5
UNPROTECTED = "UNPROTECTED"
UNPROTECTED_STYLE = "bold red"
NO_CONFIG = "no abort config: nothing stops this rollout automatically"
LABEL_WIDTH = 10  # "TIMED_OUT" and a space: AWS's failureType names the rows
FAILURE_TYPES = frozenset(FailureType)


def closeness_style(closeness: float | None) -> str:
    if closeness is None:
        return ""
    if closeness >= 1:
        return "bold red"
    if closeness >= RED_AT:
        return "red"
    return "yellow" if closeness >= YELLOW_AT else ""


def _share_text(reading: Reading) -> str:
    share, threshold = reading.share, reading.threshold
    if share is None:
        return "—"
    # AWS takes thresholds to two decimals: show as many as the threshold has.
    decimals = 2 if threshold is not None and round(threshold, 1) != threshold else 1
    return f"{share:.{decimals}f} %"


def _what(reading: Reading) -> str:
    return f"{clean(failure_kind(reading.criterion.failure_type))} executions"


def _label(failure_type: str | None) -> str:
    """The row's label (a grid cell reads markup: only AWS's own names go there)."""
    return failure_type if failure_type in FAILURE_TYPES else "?"


def _projection(reading: Reading) -> Text:
    projection = reading.projection
    what = _what(reading)
    text = Text(end="")
    if projection.outcome == MEASURING:
        text.append("rate: measuring (needs two refreshes)", style="dim")
        if reading.needed is not None:
            text.append(f" · {reading.needed:,} more {what} reach it")
    elif projection.outcome == DUE:
        text.append("over the threshold: the abort is due", style="bold red")
    elif projection.outcome == NEVER:
        text.append("not at this rate")
        if reading.needed is not None:
            text.append(f" ({reading.needed:,} more {what} would reach it)", style="dim")
    else:
        minutes = projection.minutes or 0.0
        when = f"≈ {span_in_words(minutes * 60)}"
        if projection.arms_first and reading.over:
            text.append(f"over the threshold: aborts when it arms, {when}", style="red")
            return text
        style = closeness_style(reading.closeness)
        more = f"≈ {projection.failures or 0:,} more {what}"
        text.append(f"threshold reached in {more} / {when}", style)
        if projection.arms_first:
            text.append(", as it arms", style)
    return text


def add_reading(lines: Lines, reading: Reading, radar: Radar, status: str | None) -> None:
    """Rows under the criterion's failure type: the share against the threshold with its
    base; then whether it is armed and the projection (wrapped under the values)."""
    share = Text(_share_text(reading), style=closeness_style(reading.closeness), end="")
    share.append(f" of {reading.base:,} {BASE_WORDS[radar.base]}", style="")
    share.append(f"; aborts at {threshold_text(reading.threshold)}", style="")
    lines.add(_label(reading.criterion.failure_type), share)
    state = Text(end="")
    if radar.aborted_by is reading:
        state.append("ABORTED: this criterion was met", style="bold red")
    elif not radar.active:
        state.append(f"did not fire (job {status or 'status unknown'})", style="dim")
    else:
        if reading.armed:
            state.append("armed", style="dim")
        else:
            state.append(UNPROTECTED, style=UNPROTECTED_STYLE)
            state.append(f" until {reading.minimum:,} notified: {reading.to_arm:,} more")
        state.append(" · ")
        state.append_text(_projection(reading))
    lines.add("", state)


def radar_text(job: Job, radar: Radar) -> Lines | Text | None:
    """The section's body; None when it has nothing to say (a finished job with no config)."""
    if radar.no_config:
        if not radar.active:
            return None
        text = Text(UNPROTECTED, style=UNPROTECTED_STYLE, end="")
        text.append(f": {NO_CONFIG}")
        return text
    if job.process is None:
        return Text("execution counts unknown: DescribeJob returned none", style="dim", end="")
    lines = Lines(LABEL_WIDTH)
    for reading in radar.readings:
        add_reading(lines, reading, radar, job.status)
    return lines


def heading_text(age: float | None, stale_after: float | None = None) -> Text:
    """'Abort radar  DescribeJob 4 s ago': how old every number below is."""
    text = Text("Abort radar", style=HEADING_STYLE, end="")
    if age is not None:
        stale = stale_after is not None and age > stale_after
        text.append(f"  DescribeJob {format_age(age)}", style="yellow" if stale else "dim")
    return text


def radar_rates(tracker: RateTracker) -> Rates | None:
    rates = tracker.rates()
    counters = tracker.counter_rates()
    if rates is None or counters is None:
        return None
    return Rates(created=rates[0], finished=rates[1], by_counter=counters)


class AbortRadar(InsightSection):
    """Hidden until the selected job's first DescribeJob; updated by each one after."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rates = RateTracker()
        self._described_at: float | None = None  # the host's monotonic clock, as the status bar
        self.radar: Radar | None = None

    def compose(self) -> ComposeResult:
        yield Field(id="radar-head", classes="section-head", wrap=False)
        yield Field(id="radar-body")

    def on_mount(self) -> None:
        self.display = False

    def select(self, job_id: str | None) -> None:
        super().select(job_id)
        self._rates.reset()
        self._described_at = None
        self.radar = None
        self.display = False

    def show_job(self, job: Job, now: datetime) -> None:
        super().show_job(job, now)
        if job.job_id != self.job_id:
            return
        if job.process is not None:
            self._rates.add(now.timestamp(), job.process)
        self._described_at = self.host.monotonic()
        self.radar = assess(job, radar_rates(self._rates))
        body = radar_text(job, self.radar)
        self.display = body is not None
        self.query_one("#radar-body", Field).set(body)
        self.tick(now)

    def tick(self, now: datetime) -> None:
        if self._described_at is None or not self.display:
            return
        age = max(0.0, self.host.monotonic() - self._described_at)
        # RefreshPolicy.is_stale's rule, on the detail's interval.
        stale_after = 2 * self.host.options.detail_interval + 5
        self.query_one("#radar-head", Field).set(heading_text(age, stale_after))
