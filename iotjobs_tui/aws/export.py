"""Export a set of executions: thing names, CSV, JSON, or a re-run recipe (a shell script).

Pure text (no Textual, no SDK, no files): the UI writes what these return. Thing names are
untrusted: the recipe quotes every word with `shlex.quote`, and a name AWS could not have
issued (outside `[a-zA-Z0-9:_-]{1,128}`) is left out of the names list and the recipe, and
counted, so a hostile endpoint cannot smuggle a line or a command into either.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from iotjobs_tui.aws.cli_text import command, global_options, iso_utc
from iotjobs_tui.aws.models import (
    AbortCriterion,
    Job,
    JobExecutionSummary,
    RetryCriterion,
    RolloutConfig,
)
from iotjobs_tui.common.statuses import NOTIFIED_THINGS, SUCCEEDED_THINGS

THING_NAME = re.compile(r"[a-zA-Z0-9:_-]{1,128}")
_ID_UNSAFE = re.compile(r"[^a-zA-Z0-9_-]+")
JOB_ID_MAX = 64
COLUMNS = ("thing", "status", "execution_number", "retry_attempt", "last_updated", "reason")


@dataclass(frozen=True)
class ExportRow:
    thing: str
    status: str | None = None
    execution_number: int | None = None
    retry_attempt: int | None = None
    last_updated: datetime | None = None
    # The failure reason where one was sampled (statusDetails); list rows do not carry it.
    reason: str | None = None


def rows_from_summaries(summaries: Iterable[JobExecutionSummary]) -> list[ExportRow]:
    return [
        ExportRow(
            thing=summary.thing_name or summary.thing_arn or "",
            status=summary.status,
            execution_number=summary.execution_number,
            retry_attempt=summary.retry_attempt,
            last_updated=summary.last_updated_at,
        )
        for summary in summaries
    ]


@dataclass(frozen=True)
class ExportContext:
    """What the rows are, for the JSON's header and the recipe's comments."""

    job_id: str
    exported_at: datetime
    status_filter: str | None = None  # server-side (ListJobExecutionsForJob ?status=)
    text_filter: str = ""  # the list's thing-name filter

    def describe(self) -> str:
        parts = [f"status {self.status_filter}" if self.status_filter else "any status"]
        if self.text_filter:
            parts.append(f'thing names containing "{self.text_filter}"')
        return ", ".join(parts)


def valid_things(rows: Iterable[ExportRow]) -> tuple[list[str], int]:
    """Distinct thing names in order (a retried thing has several rows), and how many rows
    were left out because their name is not one AWS issues."""
    names: dict[str, None] = {}
    skipped = 0
    for row in rows:
        if THING_NAME.fullmatch(row.thing):
            names[row.thing] = None
        else:
            skipped += 1
    return list(names), skipped


def thing_names(rows: Iterable[ExportRow]) -> str:
    names, _ = valid_things(rows)
    return "".join(f"{name}\n" for name in names)


def _cell(value: object) -> str:
    if value is None:
        return ""
    return iso_utc(value) if isinstance(value, datetime) else str(value)


def to_csv(rows: Iterable[ExportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(_cell(getattr(row, column)) for column in COLUMNS)
    return out.getvalue()


def to_json(rows: Iterable[ExportRow], context: ExportContext) -> str:
    executions = [
        {
            column: (
                iso_utc(value) if isinstance(value := getattr(row, column), datetime) else value
            )
            for column in COLUMNS
        }
        for row in rows
    ]
    document = {
        "job_id": context.job_id,
        "exported_at": iso_utc(context.exported_at),
        "filter": {"status": context.status_filter, "thing_name": context.text_filter or None},
        "count": len(executions),
        "executions": executions,
    }
    return json.dumps(document, indent=2) + "\n"


# --- the re-run recipe ----------------------------------------------------------------------


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None and value != {}}


def rollout_api(rollout: RolloutConfig) -> dict[str, Any]:
    """jobExecutionsRolloutConfig as CreateJob takes it."""
    exponential = rollout.exponential
    rate = None
    if exponential is not None:
        criteria = _compact(
            {
                NOTIFIED_THINGS: exponential.notified_threshold,
                SUCCEEDED_THINGS: exponential.succeeded_threshold,
            }
        )
        rate = _compact(
            {
                "baseRatePerMinute": exponential.base_rate_per_minute,
                "incrementFactor": exponential.increment_factor,
                "rateIncreaseCriteria": criteria,
            }
        )
    return _compact({"maximumPerMinute": rollout.maximum_per_minute, "exponentialRate": rate})


def abort_api(criteria: tuple[AbortCriterion, ...]) -> dict[str, Any]:
    return {
        "criteriaList": [
            _compact(
                {
                    "failureType": item.failure_type,
                    "action": item.action,
                    "thresholdPercentage": item.threshold_percentage,
                    "minNumberOfExecutedThings": item.min_executed,
                }
            )
            for item in criteria
        ]
    }


def retry_api(criteria: tuple[RetryCriterion, ...]) -> dict[str, Any]:
    return {
        "criteriaList": [
            _compact({"failureType": item.failure_type, "numberOfRetries": item.number_of_retries})
            for item in criteria
        ]
    }


def _stamp(when: datetime) -> str:
    return iso_utc(when.replace(microsecond=0)).replace("-", "").replace(":", "")


def rerun_names(job_id: str, exported_at: datetime) -> tuple[str, str]:
    """(thing group name, new job id): valid AWS names whatever the original id holds."""
    base = _ID_UNSAFE.sub("_", job_id) or "job"
    suffix = f"-rerun-{_stamp(exported_at)}"
    return f"rerun-{base}-{_stamp(exported_at)}"[:128], base[: JOB_ID_MAX - len(suffix)] + suffix


def _json_option(name: str, data: dict[str, Any]) -> list[str]:
    return [name, json.dumps(data, separators=(",", ":"))]


def _job_config_options(job: Job) -> list[str]:
    """The original job's configuration, as create-job options (JSON in the API's shape)."""
    words: list[str] = []
    if job.rollout is not None and rollout_api(job.rollout):
        words += _json_option("--job-executions-rollout-config", rollout_api(job.rollout))
    if job.abort:
        words += _json_option("--abort-config", abort_api(job.abort))
    if job.timeout is not None and job.timeout.in_progress_minutes is not None:
        timeout = {"inProgressTimeoutInMinutes": job.timeout.in_progress_minutes}
        words += _json_option("--timeout-config", timeout)
    if job.retry:
        words += _json_option("--job-executions-retry-config", retry_api(job.retry))
    presigned = job.presigned_url
    if presigned is not None and presigned.role_arn:
        config = _compact({"roleArn": presigned.role_arn, "expiresInSec": presigned.expires_in_sec})
        words += _json_option("--presigned-url-config", config)
    if job.namespace_id:
        words += ["--namespace-id", job.namespace_id]
    if job.destination_package_versions:
        words += ["--destination-package-versions", *job.destination_package_versions]
    return words


def rerun_recipe(
    job: Job,
    rows: Iterable[ExportRow],
    context: ExportContext,
    *,
    region: str | None,
    profile: str | None,
) -> str:
    """A shell script that makes a static thing group of these things and a snapshot job
    targeting it with the original job's document and configuration. It runs nothing by
    being written; the user reads it, edits it and runs it."""
    names, skipped = valid_things(rows)
    group, new_job = rerun_names(job.job_id, context.exported_at)
    tail = global_options(region, profile)
    document_lines, document_steps = _document(job, tail)
    out = [
        "#!/bin/sh",
        f"# Re-run recipe for job {_comment(job.job_id)}: {len(names):,} things "
        f"({_comment(context.describe())}),",
        f"# written by iotjobs-tui at {iso_utc(context.exported_at)}.",
        "#",
        "# Writing this file ran nothing, and iotjobs-tui sent none of these calls. Read it,",
        "# edit the names below if you like, then run it yourself: sh THIS_FILE",
        "# It makes a static thing group of these things, then a snapshot job targeting that",
        "# group with the original job's document and its rollout, abort, timeout and retry",
        "# configuration. One AWS CLI call a thing: slow for thousands of things.",
    ]
    if skipped:
        rows_word = "row" if skipped == 1 else "rows"
        out.append(f"# Left out: {skipped:,} {rows_word} whose thing name AWS would not accept.")
    out += [
        "set -eu",
        "",
        f"GROUP={command([group])}",
        f"JOB={command([new_job])}",
        "",
        "# 1. The static thing group, then its things.",
        "GROUP_ARN=$(" + command(["aws", "iot", "create-thing-group"])
        + ' --thing-group-name "$GROUP" --query thingGroupArn --output text'
        + _words(tail) + ")",
    ]  # fmt: skip
    add = command(["aws", "iot", "add-thing-to-thing-group"]) + ' --thing-group-name "$GROUP"'
    out += [f"{add} --thing-name {command([name])}{_words(tail)}" for name in names]
    out += ["", *document_steps]
    out += [
        "# 3. The job: a snapshot of the group (things added to it later are not targeted).",
        'aws iot create-job --job-id "$JOB" --targets "$GROUP_ARN" --target-selection SNAPSHOT'
        + " \\",
    ]
    description = f"Re-run of {job.job_id} for {len(names)} things (iotjobs-tui export)"
    options = ["--description", description, *_job_config_options(job), *tail]
    lines = [*document_lines, *_option_lines(options)]
    last = len(lines) - 1
    out += [f"  {line}" + (" \\" if index < last else "") for index, line in enumerate(lines)]
    return "\n".join(out) + "\n"


def _comment(text: str) -> str:
    """Untrusted text inside a `#` comment: a line break there would start a command."""
    return text.encode("unicode_escape").decode("ascii")


def _words(words: list[str]) -> str:
    return "".join(" " + command([word]) for word in words)


def _option_lines(words: list[str]) -> list[str]:
    """One line an option (with its values), every word quoted."""
    lines: list[list[str]] = []
    for word in words:
        if word.startswith("--") or not lines:
            lines.append([word])
        else:
            lines[-1].append(word)
    return [command(line) for line in lines]


def _document(job: Job, tail: list[str]) -> tuple[list[str], list[str]]:
    """(create-job's document option lines, the steps before create-job that they need)."""
    if job.job_template_arn and job.document_parameters:
        # A managed template with parameters: the same template, the same values.
        params = json.dumps(dict(job.document_parameters), separators=(",", ":"))
        words = ["--job-template-arn", job.job_template_arn, "--document-parameters", params]
        return _option_lines(words), [
            "# 2. The document: the original job's template and parameters.",
            "",
        ]
    if job.document_source:
        return _option_lines(["--document-source", job.document_source]), [
            "# 2. The document: the original job's document source (read when the job is made).",
            "",
        ]
    fetch = command(["aws", "iot", "get-job-document", "--job-id", job.job_id])
    return ['--document "file://$JOB.document.json"'], [
        "# 2. The document: the original job's inline document, saved beside this script.",
        f'{fetch} --query document --output text{_words(tail)} > "$JOB.document.json"',
        "",
    ]
