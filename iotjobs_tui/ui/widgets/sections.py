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
from iotjobs_tui.aws.eta import (
    LIMIT_DONE,
    LIMIT_MEASURING,
    LIMIT_STALLED,
    LIMIT_TARGETS,
    LIMIT_WINDOWS,
    SOURCE_INDEX,
    Estimate,
    TargetCount,
)
from iotjobs_tui.aws.models import (
    COUNTERS,
    AbortCriterion,
    Job,
    JobProcessDetails,
)
from iotjobs_tui.common.statuses import FAILURE_TYPE_STATUSES, FailureType
from iotjobs_tui.ui.format import (
    COUNTER_STYLES,
    format_age,
    minutes_in_words,
    number,
    relative,
    status_text,
    target_selection_text,
    when_minute,
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

    def __init__(self, label_width: int = LABEL_WIDTH) -> None:
        self.rows: list[tuple[str, Text]] = []
        self.label_width = label_width

    def add(self, label: str, value: Text | str | None) -> None:
        if value is None:
            return
        self.rows.append((label, value if isinstance(value, Text) else safe(value)))

    def __bool__(self) -> bool:
        return bool(self.rows)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Lines)
            and other.rows == self.rows
            and other.label_width == self.label_width
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def plain(self) -> str:
        width = self.label_width
        return "\n".join(f"{label:<{width}}{value.plain}" for label, value in self.rows)

    def __rich__(self) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style=LABEL_STYLE, no_wrap=True, width=self.label_width - 1)
        grid.add_column(ratio=1, overflow="fold")
        for label, value in self.rows:
            grid.add_row(label, value)
        return grid


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


ARN_HINT = "a: full ARNs"


def short_arn(arn: str) -> str:
    """The ARN without its common prefix: `…:job/meter-fw-5_2_0-us-central`.

    `arn:aws:iot:us-east-1:123456789012:` is the same for every ARN of an account and region;
    the part after it names the resource.
    """
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[5]:
        return "…:" + parts[5]
    return arn


def arn_text(arn: str, width: int | None) -> tuple[Text, bool]:
    """An ARN that never wraps mid-token, shortened to `short_arn` when wider than `width`
    (None: width unknown, keep it whole). Returns the text and whether it was shortened."""
    shortened = width is not None and len(arn) > width and short_arn(arn) != arn
    text = safe(short_arn(arn) if shortened else arn)
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text, shortened


def job_arns(job: Job) -> list[tuple[str, str]]:
    """(label, ARN) for every ARN of the job: its own, template, targets, package versions."""
    arns: list[tuple[str, str]] = []
    if job.job_arn:
        arns.append(("ARN", job.job_arn))
    if job.job_template_arn:
        arns.append(("template", job.job_template_arn))
    for i, target in enumerate(job.targets or ()):
        arns.append(("targets" if i == 0 else "", target))
    for i, arn in enumerate(job.destination_package_versions or ()):
        arns.append(("package versions" if i == 0 else "", arn))
    return arns


def summary_text(job: Job, width: int | None = None, full_arns: bool = False) -> Lines:
    """The Job section. `width`: the pane's content width, to shorten ARNs that would not
    fit (`short_arn`); with `full_arns` they are left out here for `arns_text` to show."""
    value_width = None if width is None else max(1, width - LABEL_WIDTH)
    shortened = False

    def add_arn(label: str, arn: str | None) -> None:
        nonlocal shortened
        if arn is None or full_arns:
            return
        text, short = arn_text(arn, value_width)
        shortened = shortened or short
        lines.add(label, text)

    lines = Lines()
    lines.add("job id", safe(job.job_id, "bold"))
    add_arn("ARN", job.job_arn)
    lines.add("status", status_text(job.status))
    lines.add("type", target_selection_text(job.target_selection))
    lines.add("description", job.description)
    lines.add("comment", job.comment)
    lines.add("reason code", job.reason_code)
    lines.add("force canceled", _yes_no(job.force_canceled))
    lines.add("concurrent", _yes_no(job.is_concurrent))
    lines.add("namespace", job.namespace_id)
    add_arn("template", job.job_template_arn)
    if job.targets is not None:
        for i, target in enumerate(job.targets):
            add_arn("targets" if i == 0 else "", target)
    lines.add("document source", job.document_source)
    if job.document_parameters is not None:
        for i, (key, value) in enumerate(sorted(job.document_parameters.items())):
            lines.add("doc parameters" if i == 0 else "", safe(f"{key} = {value}"))
    if job.destination_package_versions is not None:
        for i, arn in enumerate(job.destination_package_versions):
            add_arn("package versions" if i == 0 else "", arn)
    if shortened:
        lines.add("", Text(ARN_HINT, style="dim"))
    return lines


def arns_text(job: Job) -> Text | None:
    """Every ARN whole, each on its own line under its label, never wrapped: for copying."""
    arns = job_arns(job)
    if not arns:
        return None
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    for i, (label, arn) in enumerate(arns):
        if i:
            text.append("\n")
        if label:
            text.append(label, style=LABEL_STYLE)
            text.append("\n")
        text.append_text(safe(arn))
    return text


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
    process: JobProcessDetails | None = None  # every counter, for `counter_rates`


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
        self.samples.append(Sample(at, process.total, process.finished, process))
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

    def counter_rates(self) -> dict[str, float] | None:
        """Each counter's change per minute over the same window as `rates` (the abort
        radar's failure rates), or None before two samples."""
        if len(self.samples) < 2:
            return None
        first, last = self.samples[0], self.samples[-1]
        minutes = (last.at - first.at) / 60
        if minutes <= 0 or first.process is None or last.process is None:
            return None
        return {
            attr: (last.process.count(attr) - first.process.count(attr)) / minutes
            for attr, _, _ in COUNTERS
        }


RATE_LABEL_WIDTH = 9  # "assumes" and a space


def clock_time(moment: datetime, now: datetime) -> str:
    """'16:45 UTC' today, 'Jan 02 16:45 UTC' another day."""
    moment = moment.astimezone(UTC)
    if moment.date() == now.astimezone(UTC).date():
        return moment.strftime("%H:%M UTC")
    return moment.strftime("%b %d %H:%M UTC")


_UNKNOWN = {
    LIMIT_MEASURING: "measuring the finish rate (needs two refreshes)",
    LIMIT_STALLED: "no execution is finishing",
    LIMIT_WINDOWS: "no maintenance window opens in time",
}


def eta_value(estimate: Estimate | None, now: datetime, count_failed: bool = False) -> Text:
    """The ETA line's value: '≈ 16:45 UTC, in 1 h 38 min · limited by the rollout rate'."""
    if estimate is None or estimate.limited_by == LIMIT_TARGETS:
        if count_failed:
            return Text("unknown: not every target could be counted", style="dim", end="")
        return Text("unknown until the targets are counted", style="dim", end="")
    if estimate.limited_by == LIMIT_DONE:
        why = estimate.assumptions[-1] if estimate.assumptions else "nothing left to finish"
        return Text(f"done: {why}", style="dim", end="")
    if estimate.finish_at is None:
        why = _UNKNOWN.get(estimate.limited_by, f"limited by the {estimate.limited_by}")
        return Text(f"unknown: {why}", style="dim", end="")
    text = Text(end="")
    if estimate.stops_at_end is not None and estimate.finish_at == estimate.stops_at_end:
        text.append("rollout stops ")
    text.append(f"≈ {clock_time(estimate.finish_at, now)}", style="bold")
    text.append(f", {relative(estimate.finish_at, now)}")
    text.append(f" · limited by the {estimate.limited_by}", style="dim")
    return text


def eta_text(
    estimate: Estimate | None, now: datetime | None = None, count_failed: bool = False
) -> Lines:
    """The ETA line alone: the detail shows it under the progress bar, where it is seen at
    80x24 (its assumptions follow the rates, below the counters)."""
    lines = Lines(RATE_LABEL_WIDTH)
    lines.add("ETA", eta_value(estimate, now or datetime.now(UTC), count_failed))
    return lines


def rate_text(
    tracker: RateTracker,
    process: JobProcessDetails,
    estimate: Estimate | None = None,
    now: datetime | None = None,
    count_failed: bool = False,
    *,
    eta: bool = True,
) -> Lines:
    """The measured rates, and the whole rollout's ETA (unless `eta` is False: shown apart
    with `eta_text`) with what it assumes, in words.

    Rows wrap at word boundaries (never cut): the assumptions are what makes the ETA
    trustworthy, so they must be readable at any width.
    """
    lines = Lines(RATE_LABEL_WIDTH)
    rates = tracker.rates()
    if rates is None:
        lines.add("rate", Text("measuring (needs two refreshes)", style="dim"))
    else:
        created, finished = rates
        lines.add("rate", f"created {created:,.1f}/min · finished {finished:,.1f}/min")
    when = now if now is not None else datetime.now(UTC)
    if eta:
        lines.add("ETA", eta_value(estimate, when, count_failed))
    if estimate is not None and estimate.limited_by not in (LIMIT_TARGETS, LIMIT_DONE):
        for i, words in enumerate(estimate.assumptions):
            lines.add("assumes" if i == 0 else "", Text(words, style="dim"))
    return lines


def _percent_down(part: int, whole: int) -> str:
    """part/whole rounded down to 0.1 %: never "100.0 %" while one target is left."""
    tenths = part * 1000 // whole
    if tenths == 0 and part > 0:
        return "< 0.1 %"
    return f"{tenths // 10}.{tenths % 10} %"


def count_origin(count: TargetCount, age: float | None) -> str:
    """Where the target count came from and, past a minute, how old it is."""
    how = "from the fleet index" if count.source == SOURCE_INDEX else "listed"
    old = f", {format_age(age)}" if age is not None and age >= 60 else ""
    return f" · targets {how}{old}"


def targets_text(
    process: JobProcessDetails | None,
    count: TargetCount | None,
    counting: TargetCount | None = None,
    age: float | None = None,
) -> Text:
    """Executions created against the rollout's size: '1,250 of 100,000 targets notified
    (1.3 %) · 977 succeeded'. Untouched targets have no execution; this line is what says
    how much of the rollout the counters below cover."""
    process = process or JobProcessDetails()
    created = process.total
    succeeded = process.count("succeeded")
    text = Text(end="")
    known = count is not None and count.complete
    if count is not None and known:
        targets = count.things
        scope = " (members now)" if count.members_now else ""
        if targets == 0:
            text.append(f"{created:,} executions · the targets have no things{scope}")
        elif created > targets:
            text.append(f"{created:,} executions for {targets:,} targets{scope}", style="bold")
            text.append(" (retries or membership changes)", style="dim")
        else:
            text.append(f"{created:,} of {targets:,} targets{scope} notified", style="bold")
            text.append(f" ({_percent_down(created, targets)})")
        text.append(f" · {succeeded:,} succeeded")
        if counting is not None:
            text.append(f" · recounting… {counting.things:,} so far", style="dim")
        else:
            text.append(count_origin(count, age), style="dim")
        return text
    text.append(f"{created:,} executions created", style="bold")
    text.append(f" · {succeeded:,} succeeded · ")
    if counting is not None:
        text.append(f"counting targets… {counting.things:,} so far", style="dim")
    elif count is None:
        text.append("targets not counted", style="dim")
    else:
        groups = len(count.errors)
        text.append(f"targets: at least {count.things:,}", style="dim")
        if groups:
            what = "a target" if groups == 1 else f"{groups} targets"
            text.append(f"; {what} could not be counted", style="dim")
    problems = count.errors if count is not None and counting is None else ()
    for error in problems:
        text.append("\n⚠ ", style="bold red")
        text.append_text(safe(error))
    return text


def bar_counts(process: JobProcessDetails, count: TargetCount | None) -> dict[str, int]:
    """The stacked bar's segments: the executions by status and, only once the targets are
    fully counted, the targets not notified yet (a partial count would claim too much)."""
    counts = {attr: process.count(attr) for attr, _, _ in COUNTERS}
    if count is not None and count.complete:
        counts["not_notified"] = max(0, count.things - process.total)
    return counts


def _pct(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def threshold_text(threshold: float | None) -> str:
    """An abort threshold as AWS takes it (up to two decimals): '10 %', '10.99 %'."""
    return _pct(threshold).replace("%", " %") if threshold is not None else "? %"


def failure_kind(failure_type: str | None) -> str:
    """What an abort criterion counts: 'FAILED', or 'FAILED+REJECTED+TIMED_OUT' for ALL."""
    if failure_type == FailureType.ALL:
        return "+".join(FAILURE_TYPE_STATUSES[FailureType.ALL])
    return failure_type or "?"


def abort_line(abort: AbortCriterion) -> Text:
    """The criterion as configured: 'FAILED+REJECTED+TIMED_OUT ≥ 15 % → CANCEL · armed at 100
    notified'. How close it is, live, is the abort radar's (one place for those numbers)."""
    line = safe(failure_kind(abort.failure_type))
    line.append(f" ≥ {threshold_text(abort.threshold_percentage)} → ")
    line.append_text(safe(abort.action or "?"))
    if abort.min_executed is not None:
        line.append(f" · armed at {abort.min_executed:,} notified", style="dim")
    return line


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
        for i, abort in enumerate(job.abort):
            lines.add("abort" if i == 0 else "", abort_line(abort))
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
            # In the display zone like every other time; as sent only if it did not parse.
            value = Text(when_minute(parsed)) if parsed is not None else safe(raw)
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
                value.append(f", closes {when_minute(state.closes_at)} ")
                value.append(f"({relative(state.closes_at, now)})", style="dim")
            elif state.opens_at is not None:
                value = Text("closed", style="yellow")
                value.append(f", next opens {when_minute(state.opens_at)} ")
                value.append(f"({relative(state.opens_at, now)})", style="dim")
            else:
                value = Text("closed, no future opening", style="yellow")
            lines.add("window", value)
    if rollouts:
        for i, rollout in enumerate(rollouts[:7]):
            start = rollout.start
            value = (
                Text(when_minute(start)) if start is not None else safe(rollout.start_time or "?")
            )
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
