"""The AWS CLI's documented examples for IoT Jobs, run with the real `aws` CLI (v1).

Each test cites the page its example comes from. The expected outputs are copied from those
pages (not from our answers); `cli_examples_kit` masks timestamps, ids, version numbers and the
account/region of ARNs, and drops only members that botocore's current model shows AWS added
after the example was written. The AWS CLI reference has no examples for the job template
commands; those tests follow the Developer Guide's CLI walkthroughs instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.sim.cli_examples_kit import (
    AwsCli,
    assert_matches,
    client,
    needs_cli,
    without_later_members,
)

pytestmark = needs_cli

# The document of the examples' example-job.json, as get-job-document shows it.
EXAMPLE_JOB_JSON = '\n{\n    "operation":"customJob",\n    "otherInfo":"someValue"\n}\n'


@pytest.fixture
def cli(sim_url: str, tmp_path: Path) -> AwsCli:
    return AwsCli(sim_url, tmp_path)


@pytest.fixture
def iot(sim_url: str) -> Any:
    """boto3 in the examples' region (us-west-2), to create what an example presupposes."""
    return client("iot", sim_url)


@pytest.fixture
def jobs_data(sim_url: str) -> Any:
    return client("iot-jobs-data", sim_url)


def _job(iot: Any, job_id: str, *things: str) -> None:
    """A SNAPSHOT job like create-job's example 1, on new things."""
    iot.create_job(
        jobId=job_id,
        targets=[iot.create_thing(thingName=t)["thingArn"] for t in things],
        document=EXAMPLE_JOB_JSON,
        description="example job test",
        targetSelection="SNAPSHOT",
    )


# --- jobs ----------------------------------------------------------------------------------------


def test_create_describe_list_and_update_a_snapshot_job(cli: AwsCli, iot: Any) -> None:
    thing = iot.create_thing(thingName="MyRaspberryPi")["thingArn"]
    # https://docs.aws.amazon.com/cli/latest/reference/iot/create-job.html, example 1
    out = cli.run(
        "iot", "create-job",
        "--job-id", "example-job-01",
        "--targets", thing,
        "--document", cli.file("example-job.json", EXAMPLE_JOB_JSON),
        "--description", "example job test",
        "--target-selection", "SNAPSHOT",
    )  # fmt: skip
    assert_matches(
        out,
        {
            "jobArn": "arn:aws:iot:us-west-2:123456789012:job/example-job-01",
            "jobId": "example-job-01",
            "description": "example job test",
        },
    )
    # https://docs.aws.amazon.com/cli/latest/reference/iot/get-job-document.html
    assert cli.run("iot", "get-job-document", "--job-id", "example-job-01") == {
        "document": '\n{\n    "operation":"customJob",\n    "otherInfo":"someValue"\n}\n'
    }
    # https://docs.aws.amazon.com/cli/latest/reference/iot/describe-job.html
    described = {
        "job": {
            "jobArn": "arn:aws:iot:us-west-2:123456789012:job/example-job-01",
            "jobId": "example-job-01",
            "targetSelection": "SNAPSHOT",
            "status": "IN_PROGRESS",
            "targets": ["arn:aws:iot:us-west-2:123456789012:thing/MyRaspberryPi"],
            "description": "example job test",
            "presignedUrlConfig": {},
            "jobExecutionsRolloutConfig": {},
            "createdAt": 1560787022.733,
            "lastUpdatedAt": 1560787026.294,
            "jobProcessDetails": {
                "numberOfCanceledThings": 0,
                "numberOfSucceededThings": 0,
                "numberOfFailedThings": 0,
                "numberOfRejectedThings": 0,
                "numberOfQueuedThings": 1,
                "numberOfInProgressThings": 0,
                "numberOfRemovedThings": 0,
                "numberOfTimedOutThings": 0,
            },
            "timeoutConfig": {},
        }
    }
    out = cli.run("iot", "describe-job", "--job-id", "example-job-01")
    # The example dates from June 2019 (its createdAt); `isConcurrent` came to Job later.
    assert out["job"]["isConcurrent"] is False
    assert_matches(
        without_later_members(out, "iot", "DescribeJob", ["job.isConcurrent"]), described
    )
    # https://docs.aws.amazon.com/cli/latest/reference/iot/list-jobs.html
    out = cli.run("iot", "list-jobs")
    listed = {
        "jobs": [
            {
                "jobArn": "arn:aws:iot:us-west-2:123456789012:job/example-job-01",
                "jobId": "example-job-01",
                "targetSelection": "SNAPSHOT",
                "status": "IN_PROGRESS",
                "createdAt": 1560787022.733,
                "lastUpdatedAt": 1560787026.294,
            }
        ]
    }
    # Same June 2019 example: JobSummary's `isConcurrent` is a later addition too.
    assert_matches(without_later_members(out, "iot", "ListJobs", ["jobs.isConcurrent"]), listed)
    # https://docs.aws.amazon.com/cli/latest/reference/iot/update-job.html
    # That page's example is a copy of describe-job's (command and output). UpdateJob itself
    # answers nothing; an update that changes nothing leaves the job as that page shows it.
    assert cli.run("iot", "update-job", "--job-id", "example-job-01",
                   "--description", "example job test") is None  # fmt: skip
    out = cli.run("iot", "describe-job", "--job-id", "example-job-01")
    assert_matches(
        without_later_members(out, "iot", "DescribeJob", ["job.isConcurrent"]), described
    )


def test_executions_of_a_job_for_a_thing(cli: AwsCli, iot: Any) -> None:
    _job(iot, "example-job-01", "MyRaspberryPi")
    # https://docs.aws.amazon.com/cli/latest/reference/iot/list-job-executions-for-thing.html
    out = cli.run("iot", "list-job-executions-for-thing", "--thing-name", "MyRaspberryPi")
    documented = {
        "executionSummaries": [
            {
                "jobId": "example-job-01",
                "jobExecutionSummary": {
                    "status": "QUEUED",
                    "queuedAt": 1560787023.636,
                    "lastUpdatedAt": 1560787023.636,
                    "executionNumber": 1,
                },
            }
        ]
    }
    # A June 2019 example: `retryAttempt` came with job retry configuration later (the 2022
    # list-job-executions-for-job example below shows it).
    later = ["executionSummaries.jobExecutionSummary.retryAttempt"]
    assert out["executionSummaries"][0]["jobExecutionSummary"]["retryAttempt"] == 0
    assert_matches(
        without_later_members(out, "iot", "ListJobExecutionsForThing", later), documented
    )
    # https://docs.aws.amazon.com/cli/latest/reference/iot/describe-job-execution.html
    out = cli.run(
        "iot", "describe-job-execution",
        "--job-id", "example-job-01", "--thing-name", "MyRaspberryPi",
    )  # fmt: skip
    assert_matches(
        out,
        {
            "execution": {
                "jobId": "example-job-01",
                "status": "QUEUED",
                "statusDetails": {},
                "thingArn": "arn:aws:iot:us-west-2:123456789012:thing/MyRaspberryPi",
                "queuedAt": 1560787023.636,
                "lastUpdatedAt": 1560787023.636,
                "executionNumber": 1,
                "versionNumber": 1,
            }
        },
    )


def test_list_job_executions_for_job(cli: AwsCli, iot: Any) -> None:
    _job(iot, "my-ota-job", "my_thing")
    # https://docs.aws.amazon.com/cli/latest/reference/iot/list-job-executions-for-job.html
    # (its timestamps are in CLI v2's ISO form)
    out = cli.run("iot", "list-job-executions-for-job", "--job-id", "my-ota-job")
    assert_matches(
        out,
        {
            "executionSummaries": [
                {
                    "thingArn": "arn:aws:iot:us-east-1:123456789012:thing/my_thing",
                    "jobExecutionSummary": {
                        "status": "QUEUED",
                        "queuedAt": "2022-03-07T15:58:42.195000-08:00",
                        "lastUpdatedAt": "2022-03-07T15:58:42.195000-08:00",
                        "executionNumber": 1,
                        "retryAttempt": 0,
                    },
                }
            ]
        },
    )


def test_continuous_job_gets_more_targets_and_is_force_deleted(cli: AwsCli, iot: Any) -> None:
    dead = iot.create_thing_group(thingGroupName="DeadBulbs")["thingGroupArn"]
    bulbs = iot.create_thing_group(thingGroupName="LightBulbs")["thingGroupArn"]
    iot.create_thing(thingName="bulb7")
    iot.add_thing_to_thing_group(thingGroupName="DeadBulbs", thingName="bulb7")
    # https://docs.aws.amazon.com/cli/latest/reference/iot/create-job.html, example 2
    out = cli.run(
        "iot", "create-job",
        "--job-id", "example-job-04",
        "--targets", dead,
        "--document", cli.file("example-job.json", EXAMPLE_JOB_JSON),
        "--description", "example continuous job",
        "--target-selection", "CONTINUOUS",
    )  # fmt: skip
    created = {
        "jobArn": "arn:aws:iot:us-west-2:123456789012:job/example-job-04",
        "jobId": "example-job-04",
        "description": "example continuous job",
    }
    assert_matches(out, created)
    # https://docs.aws.amazon.com/cli/latest/reference/iot/associate-targets-with-job.html
    # (the same three members)
    out = cli.run("iot", "associate-targets-with-job",
                  "--targets", bulbs, "--job-id", "example-job-04")  # fmt: skip
    assert_matches(out, created)
    assert iot.describe_job(jobId="example-job-04")["job"]["targets"] == [dead, bulbs]
    # https://docs.aws.amazon.com/cli/latest/reference/iot/delete-job.html
    # No output; with --force an IN_PROGRESS job is deleted.
    assert iot.describe_job(jobId="example-job-04")["job"]["status"] == "IN_PROGRESS"
    assert cli.run("iot", "delete-job", "--job-id", "example-job-04", "--force") is None
    jobs = {j["jobId"]: j["status"] for j in iot.list_jobs()["jobs"]}
    assert jobs.get("example-job-04", "DELETION_IN_PROGRESS") == "DELETION_IN_PROGRESS"


def test_cancel_a_job_execution_then_the_job(cli: AwsCli, iot: Any) -> None:
    # A second target keeps the job IN_PROGRESS once MyRPi's execution is canceled.
    _job(iot, "example-job-03", "MyRPi", "MyOtherRPi")
    # https://docs.aws.amazon.com/cli/latest/reference/iot/cancel-job-execution.html
    # No output (the execution is QUEUED, so --force is not needed).
    assert cli.run("iot", "cancel-job-execution",
                   "--job-id", "example-job-03", "--thing-name", "MyRPi") is None  # fmt: skip
    execution = iot.describe_job_execution(jobId="example-job-03", thingName="MyRPi")
    assert execution["execution"]["status"] == "CANCELED"
    # https://docs.aws.amazon.com/cli/latest/reference/iot/cancel-job.html
    # The page's command says `--job-job`, a typo the CLI rejects; the option is --job-id.
    out = cli.run("iot", "cancel-job", "--job-id", "example-job-03")
    assert_matches(
        out,
        {
            "jobArn": "arn:aws:iot:us-west-2:123456789012:job/example-job-03",
            "jobId": "example-job-03",
            "description": "example job test",
        },
    )
    assert iot.describe_job(jobId="example-job-03")["job"]["status"] == "CANCELED"


def test_delete_a_finished_job_execution(cli: AwsCli, iot: Any, jobs_data: Any) -> None:
    _job(iot, "example-job-02", "MyRaspberryPi")
    for status in ("IN_PROGRESS", "SUCCEEDED"):
        jobs_data.update_job_execution(
            jobId="example-job-02", thingName="MyRaspberryPi", status=status
        )
    # https://docs.aws.amazon.com/cli/latest/reference/iot/delete-job-execution.html
    # No output.
    assert cli.run(
        "iot", "delete-job-execution",
        "--job-id", "example-job-02", "--thing-name", "MyRaspberryPi", "--execution-number", "1",
    ) is None  # fmt: skip
    summaries = iot.list_job_executions_for_job(jobId="example-job-02")["executionSummaries"]
    assert summaries == []
