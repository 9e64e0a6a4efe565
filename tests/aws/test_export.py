"""Copy and export text: ARNs, AWS CLI commands, JSON of records, CSV, JSON and the recipe."""

from __future__ import annotations

import csv
import io
import json
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from iotjobs_tui.aws import cli_text, export
from iotjobs_tui.aws.models import JobExecutionSummary, parse_describe_job

# Harmless if it ever ran: the recipe test runs the script with a stub `aws` and checks.
HOSTILE = "x'; touch pwned1 #$(touch pwned2)"
WHEN = datetime(2026, 1, 1, 0, 1, 30, tzinfo=UTC)
JOB = parse_describe_job(
    {
        "documentSource": None,
        "job": {
            "jobId": "fw-2-4-1",
            "jobArn": "arn:aws:iot:us-east-1:123456789012:job/fw-2-4-1",
            "jobExecutionsRolloutConfig": {
                "maximumPerMinute": 50,
                "exponentialRate": {
                    "baseRatePerMinute": 2,
                    "incrementFactor": 2.0,
                    "rateIncreaseCriteria": {"numberOfNotifiedThings": 4},
                },
            },
            "abortConfig": {
                "criteriaList": [
                    {
                        "failureType": "ALL",
                        "action": "CANCEL",
                        "thresholdPercentage": 15,
                        "minNumberOfExecutedThings": 10,
                    }
                ]
            },
            "timeoutConfig": {"inProgressTimeoutInMinutes": 45},
            "jobExecutionsRetryConfig": {
                "criteriaList": [{"failureType": "FAILED", "numberOfRetries": 2}]
            },
        },
    }
)


def rows() -> list[export.ExportRow]:
    return [
        export.ExportRow("fleet-003", "FAILED", 1, 0, WHEN),
        export.ExportRow("fleet-011", "FAILED", 2, 1, None, 'CHECKSUM, "bad"\nline'),
        export.ExportRow(HOSTILE, "FAILED", 1),
        export.ExportRow("fleet-003", "QUEUED", 2, 1),  # a retry: the same thing again
    ]


def test_arns_and_partitions() -> None:
    assert cli_text.iot_arn("job", "j", "us-east-1", "123456789012") == (
        "arn:aws:iot:us-east-1:123456789012:job/j"
    )
    assert cli_text.iot_arn("job", "j", "cn-north-1", "1").startswith("arn:aws-cn:iot:")  # type: ignore[union-attr]
    assert cli_text.iot_arn("thing", "t", "us-gov-west-1", "1").startswith("arn:aws-us-gov:")  # type: ignore[union-attr]
    assert cli_text.iot_arn("job", "j", None, "1") is None
    assert cli_text.iot_arn("job", "j", "us-east-1", None) is None


def test_cli_commands_quote_a_hostile_thing_name() -> None:
    text = cli_text.describe_execution_command(
        "fw", HOSTILE, 3, region="eu-west-1", profile="my prof"
    )
    assert shlex.split(text) == [
        "aws", "iot", "describe-job-execution", "--job-id", "fw", "--thing-name", HOSTILE,
        "--execution-number", "3", "--region", "eu-west-1", "--profile", "my prof",
    ]  # fmt: skip
    assert "touch pwned1" in text and "'" in text  # still there, but one quoted word
    latest = cli_text.describe_execution_command("fw", "t", None, region=None, profile=None)
    assert latest == "aws iot describe-job-execution --job-id fw --thing-name t"
    assert cli_text.describe_job_command("fw", region="us-east-1", profile=None) == (
        "aws iot describe-job --job-id fw --region us-east-1"
    )


def test_json_of_a_record_has_iso_utc_times() -> None:
    summary = JobExecutionSummary("arn:aws:iot:r:1:thing/t", "FAILED", 2, 1, WHEN)
    data = json.loads(cli_text.to_json(summary))
    assert data["queued_at"] == "2026-01-01T00:01:30Z"
    assert data["execution_number"] == 2 and data["started_at"] is None
    job = json.loads(cli_text.to_json(JOB))
    assert job["abort"][0]["threshold_percentage"] == 15.0
    assert job["rollout"]["exponential"]["increment_factor"] == 2.0
    assert "\u202e" not in cli_text.to_json({"x": "a\u202eb"})  # ASCII: no bidi once pasted


def test_thing_names_once_each_and_only_valid_ones() -> None:
    assert export.thing_names(rows()) == "fleet-003\nfleet-011\n"
    assert export.valid_things(rows()) == (["fleet-003", "fleet-011"], 1)


def test_csv_and_json_hold_every_row() -> None:
    parsed = list(csv.DictReader(io.StringIO(export.to_csv(rows()))))
    assert [row["thing"] for row in parsed] == ["fleet-003", "fleet-011", HOSTILE, "fleet-003"]
    assert parsed[0]["last_updated"] == "2026-01-01T00:01:30Z"
    assert parsed[1]["reason"] == 'CHECKSUM, "bad"\nline'
    assert parsed[2]["execution_number"] == "1" and parsed[2]["retry_attempt"] == ""
    context = export.ExportContext("fw", WHEN, "FAILED", "fleet")
    data = json.loads(export.to_json(rows(), context))
    assert data["count"] == 4 and data["filter"] == {"status": "FAILED", "thing_name": "fleet"}
    assert data["executions"][1] == {
        "thing": "fleet-011",
        "status": "FAILED",
        "execution_number": 2,
        "retry_attempt": 1,
        "last_updated": None,
        "reason": 'CHECKSUM, "bad"\nline',
    }


def _commands(script: str) -> list[list[str]]:
    """The script's commands as words (comments dropped, continuations joined)."""
    joined = script.replace("\\\n", " ")
    return [
        shlex.split(line, comments=True)
        for line in joined.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def test_recipe_makes_a_group_and_a_job_like_the_original() -> None:
    context = export.ExportContext("fw-2-4-1", WHEN, "FAILED", "a\nb")
    script = export.rerun_recipe(JOB, rows(), context, region="us-east-1", profile="prod")
    assert script.startswith("#!/bin/sh\n") and "runs nothing" not in script.split("\n")[0]
    assert "Writing this file ran nothing" in script
    assert "Left out: 1 row whose thing name" in script
    commands = _commands(script)
    adds = [c for c in commands if c[:3] == ["aws", "iot", "add-thing-to-thing-group"]]
    assert [c[c.index("--thing-name") + 1] for c in adds] == ["fleet-003", "fleet-011"]
    assert all(c[-4:] == ["--region", "us-east-1", "--profile", "prod"] for c in adds)
    assert HOSTILE not in script and "pwned" not in script
    create = next(c for c in commands if c[:3] == ["aws", "iot", "create-job"])
    option = {c: create[i + 1] for i, c in enumerate(create) if c.startswith("--")}
    assert json.loads(option["--abort-config"]) == {
        "criteriaList": [
            {
                "failureType": "ALL",
                "action": "CANCEL",
                "thresholdPercentage": 15.0,
                "minNumberOfExecutedThings": 10,
            }
        ]
    }
    assert json.loads(option["--job-executions-rollout-config"])["exponentialRate"] == {
        "baseRatePerMinute": 2,
        "incrementFactor": 2.0,
        "rateIncreaseCriteria": {"numberOfNotifiedThings": 4},
    }
    assert json.loads(option["--timeout-config"]) == {"inProgressTimeoutInMinutes": 45}
    assert json.loads(option["--job-executions-retry-config"])["criteriaList"][0] == {
        "failureType": "FAILED",
        "numberOfRetries": 2,
    }
    # An inline document: fetched once with get-job-document, then passed as a file.
    assert option["--document"] == "file://$JOB.document.json"
    assert any(c[:3] == ["aws", "iot", "get-job-document"] for c in commands)
    assert "GROUP=rerun-fw-2-4-1-20260101T000130Z" in script
    assert "JOB=fw-2-4-1-rerun-20260101T000130Z" in script
    # The user's text filter is in a comment: its newline cannot start a command.
    assert 'containing "a\\nb"' in script


def test_recipe_with_a_document_source_and_long_hostile_id() -> None:
    job = parse_describe_job(
        {"documentSource": "https://s3.amazonaws.com/b/doc.json", "job": {"jobId": "j" * 64}}
    )
    context = export.ExportContext(job.job_id, WHEN)
    script = export.rerun_recipe(job, rows()[:1], context, region=None, profile=None)
    create = next(c for c in _commands(script) if c[:3] == ["aws", "iot", "create-job"])
    assert create[create.index("--document-source") + 1] == "https://s3.amazonaws.com/b/doc.json"
    assert "get-job-document" not in script and "--abort-config" not in script
    group, new_job = export.rerun_names("evil\n$(x)/../id", WHEN)
    assert export.THING_NAME.fullmatch(group)
    assert len(new_job) <= 64 and new_job.endswith("-rerun-20260101T000130Z")
    assert all(ch.isalnum() or ch in "_-" for ch in new_job)


STUB = """#!{python}
import json, os, sys
with open(os.environ["AWS_LOG"], "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
if "create-thing-group" in sys.argv:
    print("arn:aws:iot:us-east-1:123456789012:thinggroup/g")
elif "get-job-document" in sys.argv:
    print("{{}}")
"""


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_recipe_runs_only_aws_commands_whatever_the_names(tmp_path: Path) -> None:
    """Run the recipe with a stub `aws` that logs its words: hostile names stay words."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub = bin_dir / "aws"
    stub.write_text(STUB.format(python=sys.executable))
    stub.chmod(0o700)
    hostile_job = parse_describe_job({"job": {"jobId": "a\ntouch pwned3; $(touch pwned4)"}})
    hostile_rows = [*rows(), export.ExportRow("ok-1\ntouch pwned5")]
    for job in (JOB, hostile_job):
        context = export.ExportContext(job.job_id, WHEN, None, "$(touch pwned6)\n")
        script = export.rerun_recipe(job, hostile_rows, context, region=None, profile="p q")
        (tmp_path / "recipe.sh").write_text(script)
        subprocess.run(
            ["sh", "recipe.sh"],
            cwd=tmp_path,
            env={"PATH": f"{bin_dir}:/usr/bin:/bin", "AWS_LOG": str(tmp_path / "log")},
            check=True,
        )
    assert not list(tmp_path.glob("pwned*"))
    calls = [json.loads(line) for line in (tmp_path / "log").read_text().splitlines()]
    assert [call[1] for call in calls[:5]] == [
        "create-thing-group",
        "add-thing-to-thing-group",
        "add-thing-to-thing-group",
        "get-job-document",
        "create-job",
    ]
    # The hostile job id reaches get-job-document as one word; the new job's id is sanitized.
    assert calls[8][calls[8].index("--job-id") + 1] == "a\ntouch pwned3; $(touch pwned4)"
    assert calls[9][calls[9].index("--job-id") + 1].startswith("a_touch_pwned3_touch_pwned4_-")
    create = calls[4]
    assert (
        create[create.index("--targets") + 1] == "arn:aws:iot:us-east-1:123456789012:thinggroup/g"
    )
    assert create[create.index("--profile") + 1] == "p q"
    assert (
        json.loads((tmp_path / "fw-2-4-1-rerun-20260101T000130Z.document.json").read_text()) == {}
    )
