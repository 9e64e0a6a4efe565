"""What `c` can copy for the highlighted item: its id, its ARN, its JSON, or an AWS CLI command.

No Textual here: the chooser shows these, the tests read them. A choice whose text is not
known yet (no ARN and no account seen, a record not loaded) says why instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

from iotjobs_tui.aws import cli_text
from iotjobs_tui.ui.connection import account_from_arn
from iotjobs_tui.ui.selection import Selection


@dataclass(frozen=True)
class CopyChoice:
    key: str  # "id", "arn", "json", "cli"
    title: str  # the chooser's line: "Job ARN"
    what: str  # the toast's name for it: "job ARN"
    text: str | None  # None: not available, see `note`
    note: str = ""  # why it is unavailable, or what it is not


def _region_of(arn: str | None) -> str | None:
    parts = arn.split(":", 5) if arn else []
    if len(parts) < 6:
        return None
    return parts[3] or None


def copy_choices(
    selection: Selection, *, region: str | None, account: str | None, profile: str | None
) -> list[CopyChoice]:
    """`region`: as the user gave it, else the connection's; `account`: the connection's."""
    record = selection.record
    thing_arn = getattr(record, "thing_arn", None) if record is not None else None
    account = account or account_from_arn(selection.job_arn) or account_from_arn(thing_arn)
    arn_region = _region_of(selection.job_arn) or _region_of(thing_arn) or region
    job_arn = selection.job_arn or cli_text.iot_arn("job", selection.job_id, arn_region, account)
    unknown_arn = "not known yet: no ARN and no account seen (wait for the first answer)"
    if selection.kind == "job":
        return [
            CopyChoice("id", "Job id", "job id", selection.job_id),
            CopyChoice("arn", "Job ARN", "job ARN", job_arn, "" if job_arn else unknown_arn),
            _json_choice(record, "job"),
            CopyChoice(
                "cli",
                "As an AWS CLI command",
                "describe-job command",
                cli_text.describe_job_command(selection.job_id, region=region, profile=profile),
            ),
        ]
    thing = selection.thing_name or ""
    number = selection.execution_number
    if number is None:
        number = getattr(record, "execution_number", None)  # "the latest", once loaded
    thing_arn = thing_arn or cli_text.iot_arn("thing", thing, arn_region, account)
    arns = f"{job_arn}\n{thing_arn or thing}" if job_arn else None
    label = f"execution #{number}" if number is not None else "the latest execution"
    return [
        CopyChoice("id", "Thing name", "thing name", thing, f"{label} of the job"),
        CopyChoice(
            "arn",
            "Job ARN and thing ARN",
            "job and thing ARNs",
            arns,
            "an execution has no ARN of its own" if arns else unknown_arn,
        ),
        _json_choice(record, "execution"),
        CopyChoice(
            "cli",
            "As an AWS CLI command",
            "describe-job-execution command",
            cli_text.describe_execution_command(
                selection.job_id, thing, number, region=region, profile=profile
            ),
        ),
    ]


def _json_choice(record: object | None, kind: str) -> CopyChoice:
    if record is None:
        return CopyChoice("json", "JSON", f"{kind} JSON", None, "not loaded yet")
    return CopyChoice("json", "JSON", f"{kind} JSON", cli_text.to_json(record))
