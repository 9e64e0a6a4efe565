"""Tolerant readers of JSON members as the IoT APIs send them (or a fake, or an older or newer
service): each returns the member if it has the expected type, else None, and never raises.

AWS adds enum values and members over time and botocore validates neither, so the parsers in
`aws.models` and `common.job_configs` read every member through these.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

# Epoch values above this are milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973.
_MS_THRESHOLD = 1e11


def parse_timestamp(value: object) -> datetime | None:
    """A timezone-aware UTC datetime from any form AWS or a fake may send, else None: a
    datetime, epoch seconds or milliseconds, or an ISO-8601 string (a StringDateTime such as
    "2026-01-02T03:04" is read as UTC)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= _MS_THRESHOLD else float(value)
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return parse_timestamp(float(text))
        except ValueError:
            pass
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        return parse_timestamp(parsed)
    return None


def get_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def get_int(data: Mapping[str, Any], key: str) -> int | None:
    """An int, a whole float or a numeric string (boto3 may hand either)."""
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None


def get_float(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def get_bool(data: Mapping[str, Any], key: str) -> bool | None:
    value = data.get(key)
    return value if isinstance(value, bool) else None


def get_map(data: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = data.get(key)
    return value if isinstance(value, Mapping) else None


def get_maps(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """The list's objects; a missing list or a member that is not an object is skipped."""
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def get_strs(data: Mapping[str, Any], key: str) -> tuple[str, ...] | None:
    value = data.get(key)
    if not isinstance(value, list):
        return None
    return tuple(item for item in value if isinstance(item, str))
