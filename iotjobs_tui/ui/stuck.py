"""When does an execution look stuck? Pure functions, so the list and the detail agree."""

from __future__ import annotations

from datetime import datetime

from iotjobs_tui.aws.stuck import IN_PROGRESS_MINUTES, TIMEOUT_SOON
from iotjobs_tui.common.statuses import ExecStatus

# One definition with the stuck triage (aws/stuck.py): the list's ⚠, the execution pane and
# the triage call the same execution stuck. IN_PROGRESS longer than this looks stuck; fewer
# seconds than TIMEOUT_SOON before the timeout is "about to time out".
STUCK_AFTER = IN_PROGRESS_MINUTES * 60.0


def in_progress_for(status: str | None, started_at: datetime | None, now: datetime) -> float | None:
    """Seconds an IN_PROGRESS execution has been running, else None."""
    if status != ExecStatus.IN_PROGRESS or started_at is None:
        return None
    return max(0.0, (now - started_at).total_seconds())


def countdown(measured: int | None, measured_at: float, now: float) -> float | None:
    """approximateSecondsBeforeTimedOut counted down locally between refreshes."""
    if measured is None:
        return None
    return max(0.0, measured - (now - measured_at))


def stuck_reason(
    status: str | None,
    started_at: datetime | None,
    now: datetime,
    seconds_left: float | None = None,
    stuck_after: float = STUCK_AFTER,
) -> str | None:
    """A short reason when the execution looks stuck, else None."""
    if status != ExecStatus.IN_PROGRESS:
        return None
    if seconds_left is not None and seconds_left < TIMEOUT_SOON:
        return "about to time out"
    running = in_progress_for(status, started_at, now)
    if running is not None and running > stuck_after:
        return f"in progress for {int(running // 60)} min"
    return None
