"""Formatting shared by widgets: status colours, times, numbers. Returns Rich Text, never markup."""

from __future__ import annotations

import math
from datetime import datetime

from rich.text import Text

from iotjobs_tui.common.display_zone import set_local_time as set_local_time
from iotjobs_tui.common.display_zone import to_display
from iotjobs_tui.common.display_zone import zone_label as zone_label
from iotjobs_tui.common.statuses import ExecStatus, JobStatus, TargetSelection
from iotjobs_tui.ui.text import clean, safe

# 16-colour safe names, so they survive basic terminals; NO_COLOR strips them entirely.
# Job and execution statuses share IN_PROGRESS and CANCELED (the same strings, one style).
STATUS_STYLES: dict[str, str] = {
    JobStatus.IN_PROGRESS: "bold cyan",
    JobStatus.SCHEDULED: "magenta",
    JobStatus.COMPLETED: "green",
    JobStatus.CANCELED: "yellow",
    JobStatus.DELETION_IN_PROGRESS: "red",
    ExecStatus.QUEUED: "blue",
    ExecStatus.SUCCEEDED: "green",
    ExecStatus.FAILED: "bold red",
    ExecStatus.REJECTED: "red",
    ExecStatus.TIMED_OUT: "yellow",
    ExecStatus.REMOVED: "bright_black",
}

COUNTER_STYLES = {
    "queued": "blue",
    "in_progress": "cyan",
    "succeeded": "green",
    "failed": "bold red",
    "rejected": "red",
    "timed_out": "yellow",
    "removed": "bright_black",
    "canceled": "yellow",
    # Not a counter: targets with no execution yet (the bar's rest, sized on the target count).
    "not_notified": "dim",
}
# Distinct glyphs keep the stacked bar readable without colour (NO_COLOR).
COUNTER_GLYPHS = {
    "succeeded": "█",
    "failed": "▒",
    "rejected": "▒",
    "timed_out": "▒",
    "removed": "·",
    "canceled": "·",
    "in_progress": "▓",
    "queued": "░",
    "not_notified": "─",
}
BAR_ORDER = (
    "succeeded",
    "failed",
    "rejected",
    "timed_out",
    "removed",
    "canceled",
    "in_progress",
    "queued",
    "not_notified",
)


def status_text(status: str | None) -> Text:
    """Known statuses coloured; unknown ones shown exactly as they came."""
    if status is None:
        return Text("—", style="dim")
    return safe(status, STATUS_STYLES.get(status, ""))


_SELECTIONS = frozenset(TargetSelection)


def target_selection_text(value: str | None) -> str:
    if value is None:
        return "—"
    # An unknown value is shown as sent, escaped: an endpoint can put anything in an enum.
    return value.lower() if value in _SELECTIONS else clean(value)


# Every clock time the app prints is in one zone (common/display_zone): UTC, or with
# --local-time the machine's. Lists leave the zone out to fit 12 cells; `zone_label` says it.
_display = to_display


def when(value: datetime | None, now: datetime) -> str:
    """At most 12 cells for list columns: '12-31 23:59' within six months of now, else
    '2024-12-28'; in the display zone, which `zone_label` names."""
    if value is None:
        return "—"
    shown = _display(value)
    if abs((now - shown).total_seconds()) < 183 * 86400:
        return shown.strftime("%m-%d %H:%M")
    return shown.strftime("%Y-%m-%d")


def compact(value: int) -> str:
    """At most 5 characters: 9999, 12.3k, 123k, 1.2M."""
    if value < 10_000:
        return str(value)
    if value < 100_000:
        return f"{value / 1000:.1f}k"
    if value < 1_000_000:
        return f"{value // 1000}k"
    return f"{value / 1_000_000:.1f}M"


def when_minute(value: datetime | None) -> str:
    """A schedule's time with its zone: '2026-12-01 15:07 UTC' (AWS schedules by the minute)."""
    if value is None:
        return "—"
    shown = _display(value)
    return f"{shown:%Y-%m-%d %H:%M} {zone_label(shown)}"


def when_seconds(value: datetime | None) -> str:
    """A full clock time with its zone: '2026-12-01 15:07:33 UTC' (or 'CET' with --local-time)."""
    if value is None:
        return "—"
    shown = _display(value)
    return f"{shown:%Y-%m-%d %H:%M:%S} {zone_label(shown)}"


def number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def span_in_words(seconds: float) -> str:
    """A relative span: '45 s', '3 min', '2 h 5 min', '3 d 4 h'. The one wording of spans."""
    seconds = int(max(seconds, 0)) if math.isfinite(seconds) else 0
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def minutes_in_words(minutes: int) -> str:
    """A configured duration in minutes (timeouts, windows): '1 h 30 min'."""
    return span_in_words(max(minutes, 0) * 60)


def format_age(seconds: float | None) -> str:
    """How old a value is: 'never', '12 s ago', '3 min ago'."""
    return "never" if seconds is None else f"{span_in_words(seconds)} ago"


def relative(moment: datetime, now: datetime) -> str:
    """'in 3 min' or '3 min ago'."""
    seconds = (moment - now).total_seconds()
    return f"in {span_in_words(seconds)}" if seconds >= 0 else f"{span_in_words(-seconds)} ago"


def format_interval(seconds: float) -> str:
    """A refresh interval: '5s', '2m'."""
    return f"{seconds:g}s" if seconds < 60 else f"{seconds / 60:g}m"


def stacked_bar(counts: dict[str, int], width: int) -> Text:
    """A bar of `width` cells split in proportion to `counts` (largest-remainder rounding).

    `counts` has the eight execution counters and, optionally, `not_notified`: targets with
    no execution yet, drawn last as a thin line (─) so the bar reads without colour.
    """
    total = sum(counts.values())
    bar = Text(end="")
    if width <= 0:
        return bar
    if total <= 0:
        bar.append("░" * width, style="dim")
        return bar
    exact = [(name, counts.get(name, 0) * width / total) for name in BAR_ORDER]
    cells = {name: int(share) for name, share in exact}
    spare = width - sum(cells.values())
    for name, share in sorted(exact, key=lambda item: item[1] - int(item[1]), reverse=True):
        if spare <= 0:
            break
        if share > 0:
            cells[name] += 1
            spare -= 1
    # A single failure among thousands must still show: every non-zero count gets a cell,
    # taken from the largest segment.
    for name in BAR_ORDER:
        if counts.get(name, 0) > 0 and cells[name] == 0:
            donor = max(cells, key=lambda key: cells[key])
            if cells[donor] > 1:
                cells[donor] -= 1
                cells[name] = 1
    for name in BAR_ORDER:
        if cells[name]:
            bar.append(COUNTER_GLYPHS[name] * cells[name], style=COUNTER_STYLES[name])
    return bar
