"""AWS's documented CLI examples for the jobs device plane (`aws iot-jobs-data`) and for job
templates, run with the real `aws` CLI (v1); see `cli_examples_kit` for what is compared.

The iot-jobs-data examples are hand-edited: an executionNumber of 2939653338, lastUpdatedAt
before queuedAt, a thingName with a trailing space, a trailing comma in update-job-execution's
output. Their member names and statuses are compared; where they contradict the API reference
the comment says so and the test asserts the reference's behaviour. The AWS CLI reference has no
examples for the job template commands, so those tests follow the Developer Guide's CLI pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.sim.cli_examples_kit import (
    AwsCli,
    assert_matches,
    client,
    is_within,
    key_tree,
    needs_cli,
)

pytestmark = needs_cli

DOC = '{"operation": "customJob"}'
# The examples' executionNumber (2939653338) is a placeholder: AWS numbers a thing's first
# execution of a job 1 (the `aws iot` describe-job-execution and list-job-executions-for-job
# examples), so it is compared separately.
VARY = ("executionNumber",)


@pytest.fixture
def cli(sim_url: str, tmp_path: Path) -> AwsCli:
    return AwsCli(sim_url, tmp_path)


@pytest.fixture
def iot(sim_url: str) -> Any:
    """boto3 in the examples' region (us-west-2), to create what an example presupposes."""
    return client("iot", sim_url)


@pytest.fixture
def sample_job(iot: Any) -> None:
    """SampleJob, QUEUED for MotionSensor1, with an in-progress timeout (the examples show
    approximateSecondsBeforeTimedOut)."""
    iot.create_job(
        jobId="SampleJob",
        targets=[iot.create_thing(thingName="MotionSensor1")["thingArn"]],
        document=DOC,
        timeoutConfig={"inProgressTimeoutInMinutes": 10},
    )


# --- iot-jobs-data -------------------------------------------------------------------------------


@pytest.mark.usefixtures("sample_job")
def test_get_pending_job_executions(cli: AwsCli) -> None:
    # https://docs.aws.amazon.com/cli/latest/reference/iot-jobs-data/get-pending-job-executions.html
    out = cli.run("iot-jobs-data", "get-pending-job-executions", "--thing-name", "MotionSensor1")
    documented = {
        "inProgressJobs": [],
        "queuedJobs": [
            {
                "executionNumber": 2939653338,
                "jobId": "SampleJob",
                "lastUpdatedAt": 1567701875.743,
                "queuedAt": 1567701902.444,
                "versionNumber": 3,
            }
        ],
    }
    assert_matches(out, documented, vary=VARY)
    assert out["queuedJobs"][0]["executionNumber"] == 1


@pytest.mark.usefixtures("sample_job")
def test_describe_job_execution_on_the_device_plane(cli: AwsCli) -> None:
    # https://docs.aws.amazon.com/cli/latest/reference/iot-jobs-data/describe-job-execution.html
    out = cli.run(
        "iot-jobs-data", "describe-job-execution",
        "--job-id", "SampleJob", "--thing-name", "MotionSensor1",
    )  # fmt: skip
    documented = {
        "execution": {
            "approximateSecondsBeforeTimedOut": 88,
            "executionNumber": 2939653338,
            "jobId": "SampleJob",
            "lastUpdatedAt": 1567701875.743,
            "queuedAt": 1567701902.444,
            "status": "QUEUED",
            "thingName": "MotionSensor1",  # the page has "MotionSensor1 " (a stray space)
            "versionNumber": 3,
        }
    }
    execution = dict(out["execution"])
    # The example shows approximateSecondsBeforeTimedOut on a QUEUED execution; the API
    # reference says the in-progress timer starts when the execution becomes IN_PROGRESS, so
    # a QUEUED one has no estimate (start-next below shows it once the timer runs).
    assert "approximateSecondsBeforeTimedOut" not in execution
    del documented["execution"]["approximateSecondsBeforeTimedOut"]
    # The model documents includeJobDocument as "default is true", which the example does not
    # show (EmulatorConfig.describe_include_document_default).
    assert execution.pop("jobDocument") == DOC
    assert_matches({"execution": execution}, documented, vary=VARY)
    assert execution["executionNumber"] == 1


@pytest.mark.usefixtures("sample_job")
def test_start_next_pending_job_execution(cli: AwsCli) -> None:
    # https://docs.aws.amazon.com/cli/latest/reference/iot-jobs-data/start-next-pending-job-execution.html
    out = cli.run(
        "iot-jobs-data", "start-next-pending-job-execution", "--thing-name", "MotionSensor1"
    )
    documented = {
        "execution": {
            "approximateSecondsBeforeTimedOut": 88,
            "executionNumber": 2939653338,
            "jobId": "SampleJob",
            "lastUpdatedAt": 1567714853.743,
            "queuedAt": 1567701902.444,
            "startedAt": 1567714871.690,
            "status": "IN_PROGRESS",
            "thingName": "MotionSensor1",  # the page has "MotionSensor1 " (a stray space)
            "versionNumber": 3,
        }
    }
    execution = dict(out["execution"])
    # The 10-minute timer of the job has just started.
    assert execution["approximateSecondsBeforeTimedOut"] == 600
    # The MQTT API (devguide jobs-mqtt-api) sends the started execution's document, and the
    # model's JobExecution carries it; the hand-edited example leaves it out.
    assert execution.pop("jobDocument") == DOC
    assert_matches({"execution": execution}, documented, vary=VARY)


@pytest.mark.usefixtures("sample_job")
def test_update_job_execution(cli: AwsCli) -> None:
    # https://docs.aws.amazon.com/cli/latest/reference/iot-jobs-data/update-job-execution.html
    # As written, the example sets REMOVED. The API reference lets a device set only
    # IN_PROGRESS, FAILED, SUCCEEDED or REJECTED (REMOVED is the service's), so it is refused.
    error = cli.fails(
        "iot-jobs-data", "update-job-execution",
        "--job-id", "SampleJob", "--thing-name", "MotionSensor1", "--status", "REMOVED",
    )  # fmt: skip
    assert "InvalidRequestException" in error.stderr
    # Its output (executionState) only comes with --include-job-execution-state, which the
    # example's command also lacks; with both fixed, the documented members come back.
    out = cli.run(
        "iot-jobs-data", "update-job-execution",
        "--job-id", "SampleJob", "--thing-name", "MotionSensor1", "--status", "SUCCEEDED",
        "--include-job-execution-state",
    )  # fmt: skip
    state = dict(out["executionState"])
    documented = {"executionState": {"status": "SUCCEEDED", "versionNumber": 3}}
    assert_matches({"executionState": state}, documented)


@pytest.mark.usefixtures("sample_job")
def test_device_plane_leaves_out_empty_status_details(cli: AwsCli) -> None:
    out = cli.run(
        "iot-jobs-data", "describe-job-execution",
        "--job-id", "SampleJob", "--thing-name", "MotionSensor1",
    )  # fmt: skip
    assert "statusDetails" not in out["execution"]


# --- job templates -------------------------------------------------------------------------------


def test_custom_job_template_walkthrough(cli: AwsCli) -> None:
    # https://docs.aws.amazon.com/iot/latest/developerguide/job-templates-cli.html
    # ("Create a job template from scratch"): the command as documented.
    rollout = (
        '{ "exponentialRate": { "baseRatePerMinute": 50, "incrementFactor": 2, '
        '"rateIncreaseCriteria": { "numberOfNotifiedThings": 1000, '
        '"numberOfSucceededThings": 1000}}, "maximumPerMinute": 1000}'
    )
    abort = (
        '{ "criteriaList": [ { "action": "CANCEL", "failureType": "FAILED", '
        '"minNumberOfExecutedThings": 100, "thresholdPercentage": 20}, { "action": "CANCEL", '
        '"failureType": "TIMED_OUT", "minNumberOfExecutedThings": 200, '
        '"thresholdPercentage": 50}]}'
    )
    presigned = '{"roleArn":"arn:aws:iam::123456789012:role/S3DownloadRole", "expiresInSec":3600}'
    source = "https://s3.amazonaws.com/amzn-s3-demo-bucket/job-document.json"
    description = "My custom job template for updating the device firmware"
    command = [
        "iot", "create-job-template",
        "--job-template-id", "010",
        "--description", description,
        "--document-source", source,
        "--timeout-config", "inProgressTimeoutInMinutes=100",
        "--job-executions-rollout-config", rollout,
        "--abort-config", abort,
        "--presigned-url-config", presigned,
    ]  # fmt: skip
    # Its rateIncreaseCriteria sets both thresholds, where the guide's manage-job-cli page
    # says to "set one or the other of these two values"; that rule refuses it as written.
    assert "InvalidRequestException" in cli.fails(*command).stderr
    command[command.index(rollout)] = rollout.replace(', "numberOfSucceededThings": 1000', "")
    out = cli.run(*command)
    arn = "arn:aws:iot:us-west-2:123456789012:jobtemplate/010"
    assert_matches(out, {"jobTemplateArn": arn, "jobTemplateId": "010"})
    # "Get details about a job template": the page lists the output's members (values are
    # placeholders); the values here are the ones the create command gave.
    documented = {
        "abortConfig": {
            "criteriaList": [
                {
                    "action": "string",
                    "failureType": "string",
                    "minNumberOfExecutedThings": 0,
                    "thresholdPercentage": 0,
                }
            ]
        },
        "createdAt": 0,
        "description": "string",
        "document": "string",
        "documentSource": "string",
        "jobExecutionsRolloutConfig": {
            "exponentialRate": {
                "baseRatePerMinute": 0,
                "incrementFactor": 0,
                "rateIncreaseCriteria": {
                    "numberOfNotifiedThings": 0,
                    "numberOfSucceededThings": 0,
                },
            },
            "maximumPerMinute": 0,
        },
        "jobTemplateArn": "string",
        "jobTemplateId": "string",
        "presignedUrlConfig": {"expiresInSec": 0, "roleArn": "string"},
        "timeoutConfig": {"inProgressTimeoutInMinutes": 0},
    }
    expected = {
        "abortConfig": {
            "criteriaList": [
                {
                    "action": "CANCEL",
                    "failureType": "FAILED",
                    "minNumberOfExecutedThings": 100,
                    "thresholdPercentage": 20,
                },
                {
                    "action": "CANCEL",
                    "failureType": "TIMED_OUT",
                    "minNumberOfExecutedThings": 200,
                    "thresholdPercentage": 50,
                },
            ]
        },
        "createdAt": 0,
        "description": description,
        "documentSource": source,  # no `document`: the template was made from a source
        "jobExecutionsRolloutConfig": {
            "exponentialRate": {
                "baseRatePerMinute": 50,
                "incrementFactor": 2,
                "rateIncreaseCriteria": {"numberOfNotifiedThings": 1000},
            },
            "maximumPerMinute": 1000,
        },
        "jobTemplateArn": arn,
        "jobTemplateId": "010",
        "presignedUrlConfig": {
            "expiresInSec": 3600,
            "roleArn": "arn:aws:iam::123456789012:role/S3DownloadRole",
        },
        "timeoutConfig": {"inProgressTimeoutInMinutes": 100},
    }
    assert is_within(key_tree(expected), key_tree(documented))
    assert_matches(cli.run("iot", "describe-job-template", "--job-template-id", "010"), expected)
    # "List job templates"
    out = cli.run("iot", "list-job-templates")
    assert key_tree(out) == {
        "jobTemplates": [
            {"createdAt": None, "description": None, "jobTemplateArn": None, "jobTemplateId": None}
        ]
    }  # the page also lists nextToken, absent on a last page
    assert_matches(
        out,
        {
            "jobTemplates": [
                {
                    "createdAt": 0,
                    "description": description,
                    "jobTemplateArn": arn,
                    "jobTemplateId": "010",
                }
            ]
        },
    )
    # "Delete a job template": no output.
    assert cli.run("iot", "delete-job-template", "--job-template-id", "010") is None
    assert cli.run("iot", "list-job-templates") == {"jobTemplates": []}


def test_managed_job_templates(cli: AwsCli) -> None:
    # https://docs.aws.amazon.com/iot/latest/developerguide/job-template-manage-cli-create.html
    # ("List managed templates"): the page shows four entries and elides the rest ("...").
    out = cli.run("iot", "list-managed-job-templates")
    shown = {
        "AWS-Reboot": "rebooting the device.",
        "AWS-Remove-Application": "uninstalling one or more applications.",
        "AWS-Stop-Application": "stopping one or more system services.",
        "AWS-Restart-Application": "restarting one or more system services.",
    }
    listed = {t["templateName"]: t for t in out["managedJobTemplates"]}
    for name, purpose in shown.items():
        documented = {
            "templateArn": f"arn:aws:iot:region::jobtemplate/{name}:1.0",
            "templateName": name,
            "description": f"A managed job template for {purpose}",
            "environments": ["LINUX"],
            "templateVersion": "1.0",
        }
        assert_matches(listed[name], documented)
    # "Get details about managed templates": the page lists the output's members.
    documented_members = {
        "description": None,
        "document": None,
        "documentParameters": [
            {"description": None, "example": None, "key": None, "optional": None, "regex": None}
        ],
        "environments": [],
        "templateArn": None,
        "templateName": None,
        "templateVersion": None,
    }
    out = cli.run(
        "iot", "describe-managed-job-template", "--template-name", "AWS-Remove-Application"
    )
    assert key_tree(out) == documented_members
    assert (out["templateName"], out["templateVersion"]) == ("AWS-Remove-Application", "1.0")
    assert out["templateArn"].endswith("::jobtemplate/AWS-Remove-Application:1.0")
