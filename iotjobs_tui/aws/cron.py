"""Maintenance-window arithmetic for the detail pane, in UTC.

Parsing is `iotjobs_tui.common.cron`, the same parser the emulator uses to compute
`scheduledJobRollouts`, so the pane's "open now / next opens" always agrees with the rollouts
the service (or emulator) reports. Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from iotjobs_tui.common.cron import CronError, CronExpression
from iotjobs_tui.common.cron import next_occurrences as next_occurrences
from iotjobs_tui.common.cron import parse as parse_cron

__all__ = [
    "CronError",
    "CronExpression",
    "WindowState",
    "next_occurrences",
    "parse_cron",
    "window_state",
]


@dataclass(frozen=True)
class WindowState:
    """Where `now` falls relative to a set of maintenance windows."""

    open_now: bool
    closes_at: datetime | None = None  # when open
    opens_at: datetime | None = None  # the next opening, when closed


def window_state(windows: Sequence[tuple[str, int]], now: datetime) -> WindowState | None:
    """(cron, duration minutes) windows → open/closed and the next change. None if unparseable."""
    closes: list[datetime] = []
    opens: list[datetime] = []
    parsed_any = False
    for expression, duration in windows:
        try:
            cron = parse_cron(expression)
        except CronError:
            continue
        parsed_any = True
        span = timedelta(minutes=duration)
        # A start within the last `duration` minutes means the window is open now.
        for start in cron.occurrences(now - span, inclusive=False):
            if start > now:
                opens.append(start)
                break
            if start + span > now:
                closes.append(start + span)
                break
    if not parsed_any:
        return None
    if closes:
        return WindowState(open_now=True, closes_at=max(closes))
    return WindowState(open_now=False, opens_at=min(opens) if opens else None)
