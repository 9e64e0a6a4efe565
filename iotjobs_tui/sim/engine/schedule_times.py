"""schedulingConfig validation: StringDateTime parsing and the documented time rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from iotjobs_tui.common import cron
from iotjobs_tui.sim.wire.errors import invalid_request

_YEAR = 365 * 86400.0
_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


def parse_datetime(text: str, member: str) -> float:
    """StringDateTime ("YYYY-MM-DDTHH:MM", seconds and a trailing Z optional) in UTC."""
    value = text.strip().removesuffix("Z")
    for fmt in _FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC).timestamp()
        except ValueError:
            continue
    raise invalid_request(f"schedulingConfig.{member} {text!r} is not a valid date and time.")


def validate(config: dict[str, Any], now: float, min_lead: float) -> tuple[float | None, bool]:
    """Check the documented rules; return (startTime epoch or None, whether the job waits).

    startTime: >= 30 min ahead and <= 1 year ahead. endTime: >= 30 min ahead, <= 2 years ahead,
    30 min to 2 years after startTime. A job waits (SCHEDULED) when startTime is in the future
    or it has maintenance windows.
    """
    start = end = None
    if config.get("startTime") is not None:
        start = parse_datetime(config["startTime"], "startTime")
        if start < now + min_lead:
            raise invalid_request("schedulingConfig.startTime must be at least 30 minutes ahead.")
        if start > now + _YEAR:
            raise invalid_request("schedulingConfig.startTime must be within one year.")
    if config.get("endTime") is not None:
        end = parse_datetime(config["endTime"], "endTime")
        if end < now + min_lead:
            raise invalid_request("schedulingConfig.endTime must be at least 30 minutes ahead.")
        if end > now + 2 * _YEAR:
            raise invalid_request("schedulingConfig.endTime must be within two years.")
        if start is not None and not (min_lead <= end - start <= 2 * _YEAR):
            raise invalid_request(
                "schedulingConfig.endTime must be 30 minutes to two years after startTime."
            )
    for window in config.get("maintenanceWindows") or []:
        try:
            cron.parse(str(window["startTime"]))
        except cron.CronError as exc:
            raise invalid_request(
                f"maintenanceWindows startTime {window['startTime']!r} is not a valid cron "
                f"expression: {exc}"
            ) from None
    waits = start is not None or bool(config.get("maintenanceWindows"))
    return start, waits
