"""Maintenance windows (schedulingConfig.maintenanceWindows): is one open at a moment, when
does it close, when does the next one open. In UTC, pure.

One computation for both sides: the emulator opens and closes a job's rollout with it
(sim/engine/rules/windows.py) and the app estimates the rollout's end and shows the window
state with it (aws/eta.py, the detail pane), so the two always agree. A window is open from
each start its cron expression (common.cron) names for `durationInMinutes` minutes, start
included, end excluded; windows that overlap make one longer opening.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from iotjobs_tui.common.cron import CronError, CronExpression
from iotjobs_tui.common.cron import parse as parse_cron
from iotjobs_tui.common.job_configs import MaintenanceWindow


@dataclass(frozen=True)
class Window:
    """A maintenance window ready to compute with."""

    cron: CronExpression
    duration: timedelta


def parse_windows(windows: Iterable[MaintenanceWindow]) -> tuple[Window, ...]:
    """The windows that can be computed with. One whose cron expression does not parse or
    whose duration is missing or not positive never opens, and is left out."""
    out: list[Window] = []
    for window in windows:
        if not window.start_time or not window.duration_minutes or window.duration_minutes <= 0:
            continue
        try:
            cron = parse_cron(window.start_time)
        except CronError:
            continue
        out.append(Window(cron, timedelta(minutes=window.duration_minutes)))
    return tuple(out)


@dataclass(frozen=True)
class WindowState:
    """Where a moment falls relative to a set of windows."""

    open_now: bool
    closes_at: datetime | None = None  # when open: the latest end among the windows open now
    opens_at: datetime | None = None  # the next start after the moment (None: no more)

    @property
    def next_change(self) -> datetime | None:
        """The next moment the state may change: a close, or a start (which may extend an
        opening); None when neither comes."""
        moments = [m for m in (self.closes_at, self.opens_at) if m is not None]
        return min(moments) if moments else None


def window_state(windows: Sequence[Window], at: datetime) -> WindowState:
    """Open or closed at `at` (a timezone-aware datetime), and the next close and start."""
    closes: list[datetime] = []
    opens: list[datetime] = []
    for window in windows:
        # The latest start at or before `at`: only one less than `duration` ago can be open,
        # so the look back is a day or two (durationInMinutes is at most 1,430).
        began = window.cron.previous_before(at, horizon_days=window.duration.days + 1)
        if began is not None and at < began + window.duration:
            closes.append(began + window.duration)
        upcoming = window.cron.next_after(at)
        if upcoming is not None:
            opens.append(upcoming)
    return WindowState(
        open_now=bool(closes),
        closes_at=max(closes) if closes else None,
        opens_at=min(opens) if opens else None,
    )
