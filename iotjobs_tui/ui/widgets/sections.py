"""Pure builders for the job detail sections: model in, Rich Text out (never markup)."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.table import Table
from rich.text import Text

from iotjobs_tui.aws.cron import CronError, parse_cron, window_state
from iotjobs_tui.aws.models import COUNTERS, Job, JobProcessDetails
from iotjobs_tui.ui.format import (
    COUNTER_STYLES,
    minutes_in_words,
    number,
    relative,
    span_in_words,
    status_text,
    target_selection_text,
    when_seconds,
)
from iotjobs_tui.ui.text import safe

LABEL_WIDTH = 16
LABEL_STYLE = "dim"
HEADING_STYLE = "bold"


def heading(title: str, note: str = "") -> Text:
    text = Text(title, style=HEADING_STYLE, end="")
    if note:
        text.append(f"  {note}", style="dim")
    return text


class Lines:
    """'label  value' rows. Rendered as a two-column grid so long values (ARNs) wrap under
    their value column; compared by content so unchanged sections are not repainted."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, Text]] = []

    def add(self, label: str, value: Text | str | None) -> None:
        if value is None:
            return
        self.rows.append((label, value if isinstance(value, Text) else safe(value)))

    def __bool__(self) -> bool:
        return bool(self.rows)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lines) and other.rows == self.rows

    __hash__ = None  # type: ignore[assignment]

    @property
    def plain(self) -> str:
        return "\n".join(f"{label:<{LABEL_WIDTH}}{value.plain}" for label, value in self.rows)

    def __rich__(self) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style=LABEL_STYLE, no_wrap=True, width=LABEL_WIDTH - 1)
        grid.add_column(ratio=1, overflow="fold")
        for label, value in self.rows:
            grid.add_row(label, value)
        return grid


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def summary_text(job: Job) -> Lines:
    lines = Lines()
    lines.add("job id", safe(job.job_id, "bold"))
    lines.add("ARN", job.job_arn)
    lines.add("status", status_text(job.status))
    lines.add("type", target_selection_text(job.target_selection))
    lines.add("description", job.description)
    lines.add("comment", job.comment)
    lines.add("reason code", job.reason_code)
    lines.add("force canceled", _yes_no(job.force_canceled))
    lines.add("concurrent", _yes_no(job.is_concurrent))
    lines.add("namespace", job.namespace_id)
    lines.add("template", job.job_template_arn)
    if job.targets is not None:
        for i, target in enumerate(job.targets):
            lines.add("targets" if i == 0 else "", target)
    lines.add("document source", job.document_source)
    if job.document_parameters is not None:
        for i, (key, value) in enumerate(sorted(job.document_parameters.items())):
            lines.add("doc parameters" if i == 0 else "", safe(f"{key} = {value}"))
    if job.destination_package_versions is not None:
        for i, arn in enumerate(job.destination_package_versions):
            lines.add("package versions" if i == 0 else "", arn)
    return lines


def times_text(job: Job) -> Lines:
    """Kept apart from the summary: `last updated` changes on every refresh of a live job,
    and a separate widget means only these lines are repainted."""
    lines = Lines()
    lines.add("created", when_seconds(job.created_at))
    lines.add("last updated", when_seconds(job.last_updated_at))
    lines.add("completed", when_seconds(job.completed_at) if job.completed_at else None)
    return lines


def _delta(value: int) -> Text:
    if value == 0:
        return Text("", end="")
    sign = "+" if value > 0 else "-"
    return Text(f"{sign}{abs(value):,}", style="bold" if value > 0 else "dim")


def counters_text(process: JobProcessDetails, previous: JobProcessDetails | None) -> Text:
    """Two columns of the eight counters, each with its change since the last refresh."""
    text = Text(end="")
    cells = []
    for attr, _, label in COUNTERS:
        count = getattr(process, attr)
        cell = Text(end="")
        cell.append(f"{label:<11}", style=COUNTER_STYLES[attr])
        cell.append(f"{number(count):>8}")
        delta = _delta(process.count(attr) - previous.count(attr)) if previous else Text("")
        cell.append(" ")
        cell.append_text(delta)
        cell.pad_right(max(0, 28 - cell.cell_len))
        cells.append(cell)
    for i in range(0, len(cells), 2):
        if i:
            text.append("\n")
        text.append_text(cells[i])
        text.append_text(cells[i + 1])
    total_line = Text(f"\n{'total':<11}{process.total:>8,}", end="")
    if previous:
        total_line.append(" ")
        total_line.append_text(_delta(process.total - previous.total))
    text.append_text(total_line)
    return text


def processing_text(process: JobProcessDetails) -> Text:
    targets = process.processing_targets
    if not targets:
        return Text("processing targets: none", style="dim", end="")
    text = Text(f"processing targets ({len(targets)}): ", style="dim", end="")
    shown = [target.rsplit(":", 1)[-1] for target in targets[:3]]
    text.append_text(safe(", ".join(shown)))
    if len(targets) > 3:
        text.append(f" and {len(targets) - 3} more", style="dim")
    return text


@dataclass(frozen=True)
class Sample:
    at: float  # wall-clock seconds (the emulator's clock in demo)
    total: int
    finished: int


class RateTracker:
    """Executions per minute and an ETA from measured deltas between refreshes."""

    WINDOW = 600.0  # seconds of history used for the rate

    def __init__(self) -> None:
        self.samples: deque[Sample] = deque(maxlen=200)

    def reset(self) -> None:
        self.samples.clear()

    def add(self, at: float, process: JobProcessDetails) -> None:
        if self.samples and at <= self.samples[-1].at:
            # Same instant (a frozen clock, or two quick refreshes): keep the latest numbers.
            self.samples.pop()
        self.samples.append(Sample(at, process.total, process.finished))
        while len(self.samples) > 2 and at - self.samples[0].at > self.WINDOW:
            self.samples.popleft()

    def rates(self) -> tuple[float, float] | None:
        """(created per minute, finished per minute), or None before two samples."""
        if len(self.samples) < 2:
            return None
        first, last = self.samples[0], self.samples[-1]
        minutes = (last.at - first.at) / 60
        if minutes <= 0:
            return None
        return (last.total - first.total) / minutes, (last.finished - first.finished) / minutes


def rate_text(tracker: RateTracker, process: JobProcessDetails) -> Text:
    rates = tracker.rates()
    if rates is None:
        return Text("rate   measuring (needs two refreshes)\nETA    —", style="dim", end="")
    created, finished = rates
    text = Text(f"rate   created {created:,.1f}/min · finished {finished:,.1f}/min\n", end="")
    remaining = process.unfinished
    if remaining == 0:
        text.append("ETA    nothing left to finish", style="dim")
    elif finished > 0:
        eta = remaining / finished * 60
        text.append(f"ETA    {span_in_words(eta)} for {remaining:,} unfinished executions")
        if process.processing_targets:
            # Targets not rolled out yet have no execution, so they are not in this ETA.
            text.append(" (rollout continues)", style="dim")
    else:
        text.append(f"ETA    unknown: {remaining:,} unfinished, none finishing", style="dim")
    return text


def _pct(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def rollout_text(job: Job) -> Lines | None:
    lines = Lines()
    rollout = job.rollout
    if rollout is not None:
        exp = rollout.exponential
        if exp is not None:
            criterion = "?"
            if exp.notified_threshold is not None:
                criterion = f"every {exp.notified_threshold:,} notified"
            elif exp.succeeded_threshold is not None:
                criterion = f"every {exp.succeeded_threshold:,} succeeded"
            described = (
                f"exponential: {number(exp.base_rate_per_minute)}/min, "
                f"x{exp.increment_factor if exp.increment_factor is not None else '?'} {criterion}"
            )
            if rollout.maximum_per_minute is not None:
                described += f", at most {rollout.maximum_per_minute:,}/min"
            lines.add("rollout", described)
        elif rollout.maximum_per_minute is not None:
            lines.add("rollout", f"constant: at most {rollout.maximum_per_minute:,}/min")
        else:
            lines.add("rollout", Text("default (no rate set)", style="dim"))
    if job.abort:
        process = job.process or JobProcessDetails()
        executed = process.total
        for i, abort in enumerate(job.abort):
            line = Text(end="")
            threshold = abort.threshold_percentage
            line.append_text(safe(abort.failure_type or "?"))
            line.append(f" ≥ {_pct(threshold) if threshold is not None else '?'}")
            line.append(f" after {number(abort.min_executed)} executed → ")
            line.append_text(safe(abort.action or "?"))
            failures = abort.failures(process)
            share = failures / executed * 100 if executed else 0.0
            over = threshold is not None and executed > 0 and share >= threshold
            line.append("  now ")
            line.append(_pct(share), style="bold red" if over else "")
            line.append(f" ({failures:,} of {executed:,})", style="dim")
            if abort.min_executed is not None and executed < abort.min_executed:
                line.append(" · minimum not reached", style="dim")
            lines.add("abort" if i == 0 else "", line)
    if job.timeout is not None and job.timeout.in_progress_minutes is not None:
        minutes = job.timeout.in_progress_minutes
        lines.add("timeout", f"{minutes_in_words(minutes)} in progress")
    if job.retry:
        for i, retry in enumerate(job.retry):
            retries = f"{retry.failure_type or '?'}: {number(retry.number_of_retries)} retries"
            lines.add("retry" if i == 0 else "", safe(retries))
    url = job.presigned_url
    if url is not None and (url.role_arn is not None or url.expires_in_sec is not None):
        presigned = safe(url.role_arn or "no role")
        if url.expires_in_sec is not None:
            presigned.append(f", URLs valid {url.expires_in_sec:,} s")
        lines.add("presigned URLs", presigned)
    return lines if lines else None


def _window_line(expression: str | None, minutes: int | None) -> Text:
    text = safe(expression or "?")
    if minutes is not None:
        text.append(f" for {minutes_in_words(minutes)}")
    if expression:
        try:
            parse_cron(expression)
        except CronError as exc:
            text.append(f"  (not understood: {exc})", style="dim")
    return text


def schedule_text(job: Job, now: datetime) -> Lines | None:
    scheduling = job.scheduling
    rollouts = job.scheduled_rollouts
    if scheduling is None and not rollouts:
        return None
    lines = Lines()
    if scheduling is not None:
        for label, raw, parsed in (
            ("start", scheduling.start_time, scheduling.start),
            ("end", scheduling.end_time, scheduling.end),
        ):
            if raw is None:
                continue
            value = safe(raw)
            if parsed is not None:
                value.append(f"  ({relative(parsed, now)})", style="dim")
            lines.add(label, value)
        lines.add("end behavior", scheduling.end_behavior)
        windows = scheduling.maintenance_windows
        for i, window in enumerate(windows):
            lines.add(
                "windows" if i == 0 else "",
                _window_line(window.start_time, window.duration_minutes),
            )
        usable = [
            (w.start_time, w.duration_minutes)
            for w in windows
            if w.start_time and w.duration_minutes is not None
        ]
        state = window_state(usable, now) if usable else None
        if state is not None:
            if state.open_now and state.closes_at is not None:
                value = Text("open now", style="bold green")
                value.append(f", closes {when_seconds(state.closes_at)} ")
                value.append(f"({relative(state.closes_at, now)})", style="dim")
            elif state.opens_at is not None:
                value = Text("closed", style="yellow")
                value.append(f", next opens {when_seconds(state.opens_at)} ")
                value.append(f"({relative(state.opens_at, now)})", style="dim")
            else:
                value = Text("closed, no future opening", style="yellow")
            lines.add("window", value)
    if rollouts:
        for i, rollout in enumerate(rollouts[:7]):
            value = safe(rollout.start_time or "?")
            if rollout.start is not None:
                value.append(f"  ({relative(rollout.start, now)})", style="dim")
            lines.add("next rollouts" if i == 0 else "", value)
    return lines


def extra_text(extra: Mapping[str, object]) -> Lines | None:
    """Members this version does not know, shown as JSON rather than dropped."""
    if not extra:
        return None
    lines = Lines()
    for key, value in sorted(extra.items()):
        lines.add(key, json.dumps(value, default=str, sort_keys=True))
    return lines


def utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)
