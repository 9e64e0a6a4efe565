"""Maintenance-window arithmetic for the detail pane, in UTC.

Parsing is `iotjobs_tui.common.cron` and the window arithmetic `common.maintenance_windows`,
the code the emulator uses to open and close a rollout and to compute `scheduledJobRollouts`,
so the pane's "open now / next opens" always agrees with what the service (or emulator)
reports. Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from iotjobs_tui.common import maintenance_windows
from iotjobs_tui.common.cron import CronError, CronExpression
from iotjobs_tui.common.cron import next_occurrences as next_occurrences
from iotjobs_tui.common.cron import parse as parse_cron
from iotjobs_tui.common.job_configs import MaintenanceWindow
from iotjobs_tui.common.maintenance_windows import WindowState

__all__ = [
    "CronError",
    "CronExpression",
    "WindowState",
    "next_occurrences",
    "parse_cron",
    "window_state",
]


def window_state(windows: Sequence[tuple[str, int]], now: datetime) -> WindowState | None:
    """(cron, duration minutes) windows → open/closed and the next change; None when none of
    them can be computed (no cron expression parses)."""
    usable = maintenance_windows.parse_windows(MaintenanceWindow(*window) for window in windows)
    return maintenance_windows.window_state(usable, now) if usable else None
