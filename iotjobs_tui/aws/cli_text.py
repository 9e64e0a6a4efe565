"""Text for "copy": ARNs built from what is known, AWS CLI commands, records as JSON.

Pure functions (no Textual, no SDK), so the copy chooser and the export share them and the
tests check them without a terminal. Every name that came from AWS is untrusted: commands
quote each word with `shlex.quote`, so pasting one into a shell runs only that command.
"""

from __future__ import annotations

import dataclasses
import json
import shlex
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def partition(region: str) -> str:
    """The ARN partition of a region (AWS China and GovCloud have their own)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"


def iot_arn(kind: str, name: str, region: str | None, account: str | None) -> str | None:
    """arn:aws:iot:REGION:ACCOUNT:KIND/NAME, or None when the region or account is unknown."""
    if not region or not account:
        return None
    return f"arn:{partition(region)}:iot:{region}:{account}:{kind}/{name}"


def global_options(region: str | None, profile: str | None) -> list[str]:
    """The AWS CLI's --region/--profile words, for what the user (or the SDK) chose."""
    words: list[str] = []
    if region:
        words += ["--region", region]
    if profile:
        words += ["--profile", profile]
    return words


def command(words: list[str]) -> str:
    """One shell command line, every word quoted where it needs to be."""
    return " ".join(shlex.quote(word) for word in words)


def describe_job_command(job_id: str, *, region: str | None, profile: str | None) -> str:
    return command(
        ["aws", "iot", "describe-job", "--job-id", job_id, *global_options(region, profile)]
    )


def describe_execution_command(
    job_id: str,
    thing_name: str,
    execution_number: int | None,
    *,
    region: str | None,
    profile: str | None,
) -> str:
    """Without a number, DescribeJobExecution answers with the latest execution."""
    words = ["aws", "iot", "describe-job-execution", "--job-id", job_id]
    words += ["--thing-name", thing_name]
    if execution_number is not None:
        words += ["--execution-number", str(execution_number)]
    return command(words + global_options(region, profile))


def iso_utc(value: datetime) -> str:
    """ISO-8601 in UTC with a Z: 2026-01-01T00:01:30Z (microseconds only when present)."""
    text = value.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def jsonable(value: object) -> Any:
    """A model dataclass (or what it holds) as JSON-ready values; datetimes as ISO-8601 UTC."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            item.name: jsonable(getattr(value, item.name)) for item in dataclasses.fields(value)
        }
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # anything else a fake or a future SDK sends: shown, never a crash


def to_json(record: object) -> str:
    # ASCII only: untrusted text keeps no bidi or invisible character once pasted.
    return json.dumps(jsonable(record), indent=2)
