"""`error` faults: a chosen error code for chosen operations, as AWS sends it (restJson1).

Also per-operation latency, which is scoped the same way.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.sim.api.registry import CONTROL, DEVICE
from iotjobs_tui.sim.server import SimServer
from iotjobs_tui.sim.wire.faults.error_codes import CODES, fault_error, resolve_error_code
from iotjobs_tui.sim.wire.faults.injector import FaultConfig
from tests.sim.fault_kit import admin, create_job, outcome, set_rules


@pytest.mark.parametrize(
    ("code", "iot_status", "data_status", "message"),
    [
        ("AccessDeniedException", 403, 403, "User is not authorized to perform: iot:DescribeJob"),
        (
            "UnrecognizedClientException",
            403,
            403,
            "The security token included in the request is invalid.",
        ),
        (
            "ExpiredTokenException",
            403,
            403,
            "The security token included in the request is expired",
        ),
        ("ResourceNotFoundException", 404, 404, "The specified resource does not exist."),
        ("InvalidRequestException", 400, 400, "The request is not valid."),
        ("ThrottlingException", 400, 429, "Rate exceeded"),  # each model's own status
        (
            "ServiceUnavailableException",
            503,
            503,
            "Service Unavailable. Please try again later.",
        ),
    ],
)
def test_each_code_reaches_botocore_as_aws_sends_it(
    sim_server: SimServer,
    iot: Any,
    jobs_data: Any,
    code: str,
    iot_status: int,
    data_status: int,
    message: str,
) -> None:
    create_job(iot)
    set_rules(sim_server.base_url, deny={"fault": "error", "code": code})
    with pytest.raises(ClientError) as exc:
        iot.describe_job(jobId="j1")
    error: Any = exc.value.response
    assert error["Error"] == {"Code": code, "Message": message}
    assert error["ResponseMetadata"]["HTTPStatusCode"] == iot_status
    assert error["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == code
    assert outcome(lambda: jobs_data.get_pending_job_executions(thingName="t1")) == (
        code,
        data_status,
    )


def test_the_body_is_a_rest_json_error(sim_server: SimServer) -> None:
    set_rules(sim_server.base_url, deny={"fault": "error", "code": "access-denied"})
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(f"{sim_server.base_url}/jobs", timeout=5)
    assert exc.value.code == 403
    assert exc.value.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    assert exc.value.headers["Content-Type"] == "application/json"
    assert json.loads(exc.value.read()) == {
        "message": "User is not authorized to perform: iot:ListJobs"
    }


def test_modeled_codes_raise_the_modeled_class_on_any_operation(
    sim_server: SimServer, iot: Any, jobs_data: Any
) -> None:
    set_rules(sim_server.base_url, e={"fault": "error", "code": "ResourceNotFound"})
    with pytest.raises(iot.exceptions.ResourceNotFoundException):
        iot.list_jobs()  # a list call AWS would never answer 404, as asked
    set_rules(sim_server.base_url, e={"fault": "error", "code": "ThrottlingException"})
    with pytest.raises(jobs_data.exceptions.ThrottlingException):
        jobs_data.update_job_execution(thingName="t", jobId="j", status="IN_PROGRESS")
    # The device plane's IAM actions are iotjobsdata:*.
    set_rules(sim_server.base_url, e={"fault": "error", "code": "AccessDenied"})
    with pytest.raises(ClientError, match="iotjobsdata:GetPendingJobExecutions"):
        jobs_data.get_pending_job_executions(thingName="t")


def test_scoped_to_operations_and_switched_off(sim_server: SimServer, iot: Any) -> None:
    create_job(iot)
    url = sim_server.base_url
    state = set_rules(
        url, deny={"fault": "error", "code": "AccessDenied", "operations": ["describe-job"]}
    )
    assert state["rules"] == {
        "deny": {
            "fault": "error",
            "operations": ["iot:DescribeJob"],
            "share": 1.0,
            "code": "AccessDeniedException",
        }
    }
    assert outcome(lambda: iot.describe_job(jobId="j1")) == ("AccessDeniedException", 403)
    assert outcome(iot.list_jobs) == ("ok", 200)
    assert outcome(lambda: iot.get_job_document(jobId="j1")) == ("ok", 200)
    assert outcome(lambda: iot.describe_job(jobId="nope"))[0] == "AccessDeniedException"
    # Null removes the rule: normal answers again.
    assert set_rules(url, deny=None)["rules"] == {}
    assert outcome(lambda: iot.describe_job(jobId="j1")) == ("ok", 200)
    assert outcome(lambda: iot.describe_job(jobId="nope")) == ("ResourceNotFoundException", 404)
    assert admin(url)[1]["injected"]["rules"] == {"deny": 2}


def test_a_share_is_drawn_per_request_and_seeded(sim_server: SimServer, iot: Any) -> None:
    url = sim_server.base_url
    rule = {"fault": "error", "code": "ServiceUnavailable", "share": 0.5, "operations": "ListJobs"}

    def run() -> list[str]:
        admin(url, {"seed": 7, "rules": {"half": rule}})  # a change re-seeds the draws
        return [outcome(iot.list_jobs)[0] for _ in range(40)]

    first = run()
    assert first == run()
    assert 8 < first.count("ServiceUnavailableException") < 32
    assert set(first) == {"ok", "ServiceUnavailableException"}


def test_message_override_and_order(sim_server: SimServer, iot: Any) -> None:
    url = sim_server.base_url
    # The first error rule drawn answers; an error rule comes before the rate limits.
    admin(url, {"tps": {"ListJobs": 0}})
    set_rules(
        url,
        first={"fault": "error", "code": "InvalidRequest", "message": "no such filter"},
        second={"fault": "error", "code": "AccessDenied"},
    )
    with pytest.raises(iot.exceptions.InvalidRequestException, match="no such filter"):
        iot.list_jobs()
    set_rules(url, first=None, second=None)
    assert outcome(iot.list_jobs) == ("ThrottlingException", 400)  # the bucket again


def test_codes_and_helpers() -> None:
    assert resolve_error_code("expired-token") == "ExpiredTokenException"
    assert resolve_error_code("Throttling") == "ThrottlingException"
    with pytest.raises(ValueError, match="unknown error code 'Oops'"):
        resolve_error_code("Oops")
    assert set(CODES) >= {
        "AccessDeniedException",
        "UnrecognizedClientException",
        "ExpiredTokenException",
        "ResourceNotFoundException",
        "InvalidRequestException",
        "ThrottlingException",
        "ServiceUnavailableException",
    }
    error = fault_error(DEVICE, "GetPendingJobExecutions", "ThrottlingException")
    assert (error.code, error.status) == ("ThrottlingException", 429)
    assert fault_error(CONTROL, "ListJobs", "AccessDeniedException", "no").message == "no"


# -- per-operation latency ---------------------------------------------------------------------


def timed(call: Any) -> float:
    started = time.monotonic()
    call()
    return time.monotonic() - started


def test_latency_per_operation_adds_to_the_global_one(sim_server: SimServer, iot: Any) -> None:
    url = sim_server.base_url
    # Delays far apart, so a loaded CI machine cannot blur them: 1 s per operation, 0.4 s global.
    set_rules(url, slow={"fault": "latency", "ms": 1000, "operations": ["ListJobs"]})
    assert timed(iot.list_jobs) >= 1.0
    assert timed(iot.list_job_templates) < 0.8
    admin(url, {"latency_ms": 400})
    assert timed(iot.list_jobs) >= 1.4
    assert 0.4 <= timed(iot.list_job_templates) < 1.2
    admin(url, {"latency_ms": None, "rules": {"slow": None}})
    assert timed(iot.list_jobs) < 0.8
    assert admin(url)[1]["injected"]["rules"] == {"slow": 2}


def test_latency_share_and_jitter_are_seeded() -> None:
    from iotjobs_tui.sim.wire.faults.injector import FaultInjector

    rule = {"fault": "latency", "ms": 100, "jitter_ms": 50, "share": 0.5}

    def draws() -> list[float]:
        faults = FaultInjector(FaultConfig(seed=3, rules={"r": rule}))
        return [faults.latency(CONTROL, "ListJobs") for _ in range(30)]

    first = draws()
    assert first == draws()
    assert {d == 0.0 for d in first} == {True, False}
    assert all(d == 0.0 or 0.1 <= d <= 0.15 for d in first)
