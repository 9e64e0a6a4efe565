"""The one zone every clock time on screen is shown in: UTC (AWS's own), or with
`--local-time` (or `time_zone = "local"`) the machine's. The UI's formatters and the ETA's
sentences both read it here, so a rollout's "ends ≈ 14:05" and the list's times agree."""

from __future__ import annotations

from datetime import UTC, datetime

_local_time = False


def set_local_time(local: bool) -> None:
    global _local_time
    _local_time = local


def local_time() -> bool:
    return _local_time


def to_display(value: datetime) -> datetime:
    """`value` in the display zone; a naive datetime is taken to be UTC (as AWS sends)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone() if _local_time else value.astimezone(UTC)


def zone_label(at: datetime | None = None) -> str:
    """The display zone's short name, 'UTC' or e.g. 'CET' (at `at`: 'CEST' in summer)."""
    if not _local_time:
        return "UTC"
    moment = to_display(at if at is not None else datetime.now(UTC))
    return moment.tzname() or moment.strftime("%z")


def clock(moment: datetime, now: datetime) -> str:
    """'14:05 UTC' today, else 'Dec 02 14:05 UTC' (in the display zone)."""
    shown, today = to_display(moment), to_display(now)
    zone = zone_label(shown)
    if shown.date() == today.date():
        return f"{shown:%H:%M} {zone}"
    return f"{shown:%b %d %H:%M} {zone}"
