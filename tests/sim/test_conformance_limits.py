"""Conformance: AWS's documented job limits, each at its default and each a named switch.

botocore checks `min` and required members on the client side; the `loose` clients here turn
that off so the emulator's own answers are what the test sees.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from iotjobs_tui.sim.emulator import Emulator

DOC = '{"operation": "reboot"}'
LOOSE = Config(retries={"mode": "standard", "total_max_attempts": 1}, parameter_validation=False)


def _client(service: str, url: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=LOOSE,
    )


@pytest.fixture
def loose(sim_url: str) -> Any:
    """A control-plane client without client-side validation."""
    return _client("iot", sim_url)


@pytest.fixture
def loose_device(sim_url: str) -> Any:
    return _client("iot-jobs-data", sim_url)


@pytest.fixture
def arn(iot: Any) -> str:
    return str(iot.create_thing(thingName="dev-1")["thingArn"])


def _error(call: Any, **params: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as exc:
        call(**params)
    response: Any = exc.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


# --- active and concurrent jobs -------------------------------------------------------------


def test_active_snapshot_and_continuous_jobs_stop_at_100_each(iot: Any, arn: str) -> None:
    for i in range(100):
        iot.create_job(jobId=f"s{i}", targets=[arn], document=DOC)
    code, status, message = _error(iot.create_job, jobId="s100", targets=[arn], document=DOC)
    assert (code, status) == ("LimitExceededException", 410)
    assert "100 active snapshot jobs" in message
    # A separate limit: continuous jobs still start.
    iot.create_job(jobId="c0", targets=[arn], document=DOC, targetSelection="CONTINUOUS")
    # A job that leaves IN_PROGRESS frees its place.
    iot.cancel_job(jobId="s0")
    iot.create_job(jobId="s100", targets=[arn], document=DOC)


def test_active_limits_are_switches(iot: Any, arn: str, emulator: Emulator) -> None:
    emulator.config.max_active_continuous_jobs = 1
    iot.create_job(jobId="c0", targets=[arn], document=DOC, targetSelection="CONTINUOUS")
    code, _, message = _error(
        iot.create_job, jobId="c1", targets=[arn], document=DOC, targetSelection="CONTINUOUS"
    )
    assert code == "LimitExceededException" and "1 active continuous jobs" in message
    emulator.config.max_active_continuous_jobs = None  # no limit
    iot.create_job(jobId="c1", targets=[arn], document=DOC, targetSelection="CONTINUOUS")


@pytest.fixture
def slow_group(iot: Any) -> Iterator[str]:
    """A group of three things: at maximumPerMinute 1, a job to it rolls out for two minutes."""
    group = iot.create_thing_group(thingGroupName="slow")["thingGroupArn"]
    for i in range(3):
        iot.create_thing(thingName=f"slow-{i}")
        iot.add_thing_to_thing_group(thingGroupName="slow", thingName=f"slow-{i}")
    yield str(group)


def test_concurrent_jobs_limit(iot: Any, emulator: Emulator, slow_group: str) -> None:
    assert emulator.config.max_concurrent_jobs == 100
    emulator.config.max_concurrent_jobs = 2
    slow = {"jobExecutionsRolloutConfig": {"maximumPerMinute": 1}}
    for job_id in ("a", "b"):
        iot.create_job(jobId=job_id, targets=[slow_group], document=DOC, **slow)
        assert iot.describe_job(jobId=job_id)["job"]["isConcurrent"] is True
    code, status, message = _error(
        iot.create_job, jobId="c", targets=[slow_group], document=DOC, **slow
    )
    assert (code, status) == ("LimitExceededException", 410)
    assert "job concurrency limit is 2" in message
    # A scheduled job does not roll out yet, so it is accepted.
    iot.create_job(
        jobId="later",
        targets=[slow_group],
        document=DOC,
        schedulingConfig={"startTime": "2026-01-02T00:00"},
    )
    emulator.clock.advance(180)  # both rollouts finish: no longer concurrent
    assert iot.describe_job(jobId="a")["job"]["isConcurrent"] is False
    iot.create_job(jobId="c", targets=[slow_group], document=DOC, **slow)


# --- ranges the model does not state --------------------------------------------------------


@pytest.mark.parametrize(("minutes", "ok"), [(0, False), (1, True), (10080, True), (10081, False)])
def test_in_progress_timeout_is_1_to_10080_minutes(
    loose: Any, arn: str, minutes: int, ok: bool
) -> None:
    params = {"timeoutConfig": {"inProgressTimeoutInMinutes": minutes}}
    if ok:
        loose.create_job(jobId="j", targets=[arn], document=DOC, **params)
        loose.update_job(jobId="j", **params)
        return
    code, status, message = _error(
        loose.create_job, jobId="j", targets=[arn], document=DOC, **params
    )
    assert (code, status) == ("InvalidRequestException", 400)
    assert "between 1 and 10080" in message
    loose.create_job(jobId="j", targets=[arn], document=DOC)
    assert _error(loose.update_job, jobId="j", **params)[0] == "InvalidRequestException"


@pytest.mark.parametrize(("rate", "ok"), [(0, False), (1, True), (1000, True), (5000, False)])
def test_maximum_per_minute_is_1_to_1000(loose: Any, arn: str, rate: int, ok: bool) -> None:
    params = {"jobExecutionsRolloutConfig": {"maximumPerMinute": rate}}
    if ok:
        loose.create_job(jobId="j", targets=[arn], document=DOC, **params)
        loose.update_job(jobId="j", **params)
        return
    assert _error(loose.create_job, jobId="j", targets=[arn], document=DOC, **params)[:2] == (
        "InvalidRequestException",
        400,
    )
    loose.create_job(jobId="j", targets=[arn], document=DOC)
    assert _error(loose.update_job, jobId="j", **params)[0] == "InvalidRequestException"


@pytest.mark.parametrize(
    "params",
    [
        {"jobExecutionsRolloutConfig": {"maximumPerMinute": 5000}},
        {"timeoutConfig": {"inProgressTimeoutInMinutes": 10081}},
    ],
)
def test_job_templates_keep_the_job_ranges(loose: Any, params: dict[str, Any]) -> None:
    code, status, message = _error(
        loose.create_job_template,
        jobTemplateId="t",
        description="out of range",
        document=DOC,
        **params,
    )
    assert (code, status) == ("InvalidRequestException", 400)
    assert "must be between" in message
    loose.create_job_template(jobTemplateId="t", description="in range", document=DOC)


def test_range_switches(loose: Any, arn: str, emulator: Emulator) -> None:
    emulator.config.max_rollout_per_minute = 5000
    emulator.config.in_progress_timeout_max_minutes = 20000
    loose.create_job(
        jobId="j",
        targets=[arn],
        document=DOC,
        jobExecutionsRolloutConfig={"maximumPerMinute": 5000},
        timeoutConfig={"inProgressTimeoutInMinutes": 20000},
    )


@pytest.mark.parametrize("seconds", [59, 3601])
def test_presigned_expiry_is_60_to_3600_seconds(loose: Any, arn: str, seconds: int) -> None:
    config = {"roleArn": "arn:aws:iam::123456789012:role/presign", "expiresInSec": seconds}
    params = {"targets": [arn], "document": DOC, "presignedUrlConfig": config}
    assert _error(loose.create_job, jobId="j", **params)[0] == "InvalidRequestException"


# --- the device plane -----------------------------------------------------------------------


def test_status_details_values_are_at_most_1024_characters(
    iot: Any, loose_device: Any, arn: str, emulator: Emulator
) -> None:
    iot.create_job(jobId="j", targets=[arn], document=DOC)
    update = {"jobId": "j", "thingName": "dev-1", "status": "IN_PROGRESS"}
    loose_device.update_job_execution(**update, statusDetails={"step": "x" * 1024})
    code, status, message = _error(
        loose_device.update_job_execution, **update, statusDetails={"log": "x" * 2000}
    )
    assert (code, status) == ("InvalidRequestException", 400)
    assert "maximum is 1024" in message
    # The key's length is the model's (1..128).
    assert (
        _error(loose_device.update_job_execution, **update, statusDetails={"k" * 129: "v"})[0]
        == "InvalidRequestException"
    )
    emulator.config.status_details_value_max_length = None
    loose_device.update_job_execution(**update, statusDetails={"log": "x" * 2000})


def _body_of_failed(client: Any, call: str, **params: Any) -> dict[str, Any]:
    """The raw JSON body of an error answer (botocore keeps only modeled members)."""
    seen: dict[str, Any] = {}

    def keep(http_response: Any, **_: Any) -> None:
        seen["body"] = http_response.content

    client.meta.events.register("after-call", keep)
    with pytest.raises(ClientError) as exc:
        getattr(client, call)(**params)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert exc.value.response["Error"]["Code"] == "InvalidStateTransitionException"
    return dict(json.loads(seen["body"]))


def test_409s_carry_the_execution_state(iot: Any, jobs_data: Any, arn: str) -> None:
    iot.create_job(jobId="j", targets=[arn], document=DOC)
    jobs_data.update_job_execution(
        jobId="j", thingName="dev-1", status="IN_PROGRESS", statusDetails={"step": "download"}
    )
    stale = _body_of_failed(
        jobs_data,
        "update_job_execution",
        jobId="j",
        thingName="dev-1",
        status="SUCCEEDED",
        expectedVersion=1,
    )
    assert stale["executionState"] == {
        "status": "IN_PROGRESS",
        "statusDetails": {"step": "download"},
        "versionNumber": 2,
    }
    assert "VersionMismatch" in stale["message"]
    jobs_data.update_job_execution(jobId="j", thingName="dev-1", status="SUCCEEDED")
    terminal = _body_of_failed(
        jobs_data, "update_job_execution", jobId="j", thingName="dev-1", status="IN_PROGRESS"
    )
    assert terminal["executionState"] == {
        "status": "SUCCEEDED",
        "statusDetails": {"step": "download"},
        "versionNumber": 3,
    }


# --- UpdateJob and retries ------------------------------------------------------------------


def _retries(**counts: int) -> dict[str, Any]:
    return {"criteriaList": [{"failureType": t, "numberOfRetries": n} for t, n in counts.items()]}


def test_update_job_cannot_change_the_number_of_retries(iot: Any, arn: str) -> None:
    retries = _retries(FAILED=2)
    iot.create_job(jobId="j", targets=[arn], document=DOC, jobExecutionsRetryConfig=retries)
    for counts in ({"FAILED": 3}, {"FAILED": 1}, {"FAILED": 2, "ALL": 1}):
        code, _, message = _error(
            iot.update_job, jobId="j", jobExecutionsRetryConfig=_retries(**counts)
        )
        assert code == "InvalidRequestException", counts
        assert "can only remove the retry configuration" in message
    iot.update_job(jobId="j", jobExecutionsRetryConfig=_retries(FAILED=2))  # unchanged
    iot.update_job(jobId="j", jobExecutionsRetryConfig=_retries(FAILED=0))  # removed
    assert iot.describe_job(jobId="j")["job"]["jobExecutionsRetryConfig"] == _retries(FAILED=0)
    # A job created without retries cannot gain them.
    iot.create_job(jobId="k", targets=[arn], document=DOC)
    assert (
        _error(iot.update_job, jobId="k", jobExecutionsRetryConfig=_retries(ALL=1))[0]
        == "InvalidRequestException"
    )


def test_update_retries_switch(iot: Any, arn: str, emulator: Emulator) -> None:
    iot.create_job(jobId="j", targets=[arn], document=DOC, jobExecutionsRetryConfig=_retries(ALL=4))
    emulator.config.update_retries = "no_increase"
    iot.update_job(jobId="j", jobExecutionsRetryConfig=_retries(ALL=3))
    code, _, message = _error(iot.update_job, jobId="j", jobExecutionsRetryConfig=_retries(ALL=4))
    assert code == "InvalidRequestException" and "ALL cannot be raised" in message
    emulator.config.update_retries = "any"
    iot.update_job(jobId="j", jobExecutionsRetryConfig=_retries(ALL=9))
    assert iot.describe_job(jobId="j")["job"]["jobExecutionsRetryConfig"] == _retries(ALL=9)
