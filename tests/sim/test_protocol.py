"""The REST-JSON protocol, the HTTP server and the `sim` runner, seen through boto3 and raw HTTP.

Handlers here are throwaway stand-ins patched into the server's handler table for one test
(monkeypatch restores the real table afterwards), so these tests exercise the protocol, not
emulator semantics.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from iotjobs_tui.sim.api.registry import CONTROL, DEVICE, RequestContext
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.server import UNKNOWN, FaultInjector, SimServer
from iotjobs_tui.sim.wire import model
from iotjobs_tui.sim.wire.errors import ServiceError
from iotjobs_tui.sim.wire.patterns import compile_java
from iotjobs_tui.sim.wire.protocol import protocol_for

T0 = 1_767_225_600.0
AUTH = (
    "AWS4-HMAC-SHA256 Credential=testing/20260101/{region}/{service}/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0000"
)

Calls = list[tuple[RequestContext, dict[str, Any]]]


@pytest.fixture
def register(monkeypatch: pytest.MonkeyPatch, sim_server: SimServer) -> Callable[..., Calls]:
    """Patch a handler into the registry for this test; returns the list of calls it saw."""

    def install(service: str, operation: str, result: Any = None) -> Calls:
        calls: Calls = []

        def handler(ctx: RequestContext, params: dict[str, Any]) -> Any:
            calls.append((ctx, params))
            if isinstance(result, BaseException):
                raise result
            return result(ctx, params) if callable(result) else result

        monkeypatch.setitem(sim_server.handlers, (service, operation), handler)
        return calls

    return install


def raw(
    url: str,
    method: str,
    path: str,
    *,
    service: str | None = CONTROL,
    region: str = "us-east-1",
    body: bytes | None = None,
    host: str | None = None,
) -> tuple[int, dict[str, str], Any]:
    """One HTTP request; returns (status, headers, parsed JSON body)."""
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname or "", parsed.port, timeout=10)
    headers: dict[str, str] = {}
    if service is not None:
        headers["Authorization"] = AUTH.format(region=region, service=service)
    if host is not None:
        headers["Host"] = host
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), json.loads(data) if data else None
    finally:
        conn.close()


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response: Any = exc.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


# -- the models ------------------------------------------------------------------------------


@pytest.mark.parametrize("service", model.SERVICES)
def test_every_model_pattern_compiles(service: str) -> None:
    patterns = {
        s.metadata["pattern"] for s in model.iter_shapes(service) if "pattern" in s.metadata
    }
    assert patterns
    for pattern in patterns:
        compile_java(pattern)


def test_java_character_classes_keep_their_meaning() -> None:
    no_control = compile_java(r"[^\p{C}]+")
    assert no_control.fullmatch("Firmware update, stage 2 (é, 日本)")
    assert not no_control.fullmatch("tab\there")
    assert not no_control.fullmatch("zero\u200bwidth")  # Cf is in C
    upper_digit = compile_java(r"[\p{Upper}\p{Digit}_]+")
    assert upper_digit.fullmatch("AWS_REBOOT_1")
    assert not upper_digit.fullmatch("Aws")
    assert not upper_digit.fullmatch("É")  # Java POSIX classes are ASCII-only
    tags = compile_java(r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$")
    assert tags.fullmatch("Grüße 42")
    assert not tags.fullmatch("a;b")
    assert not compile_java(r"[\w.-]+").fullmatch("ü")  # Java \w is ASCII-only too


@pytest.mark.parametrize("service", model.SERVICES)
def test_every_operation_routes_to_itself(service: str) -> None:
    protocol = protocol_for(service)
    for name in model.operation_names(service):
        http = model.operation_model(service, name).http
        path = http["requestUri"].partition("?")[0]
        sample = "/".join("sample" if part.startswith("{") else part for part in path.split("/"))
        assert protocol.route(http["method"], sample)[0] == name, (name, sample)


# -- routing ---------------------------------------------------------------------------------


def test_shared_paths_route_by_signing_service(
    register: Callable[..., Calls], iot: Any, jobs_data: Any
) -> None:
    control = register(CONTROL, "ListJobExecutionsForThing", {"executionSummaries": []})
    device = register(DEVICE, "GetPendingJobExecutions", {"queuedJobs": []})
    assert iot.list_job_executions_for_thing(thingName="t1")["executionSummaries"] == []
    assert jobs_data.get_pending_job_executions(thingName="t1")["queuedJobs"] == []
    assert [(c.service, c.operation, p) for c, p in control] == [
        (CONTROL, "ListJobExecutionsForThing", {"thingName": "t1"})
    ]
    assert [(c.service, c.operation, p) for c, p in device] == [
        (DEVICE, "GetPendingJobExecutions", {"thingName": "t1"})
    ]


def test_next_encoded_and_literal_and_colon_thing_names(
    register: Callable[..., Calls], jobs_data: Any
) -> None:
    describe = register(DEVICE, "DescribeJobExecution", {})
    start_next = register(DEVICE, "StartNextPendingJobExecution", {})
    update = register(DEVICE, "UpdateJobExecution", {})
    # botocore sends GET /things/my%3Athing/jobs/%24next?... for this one ...
    jobs_data.describe_job_execution(
        thingName="my:thing", jobId="$next", executionNumber=3, includeJobDocument=False
    )
    # ... and a literal PUT /things/my%3Athing/jobs/$next for this one.
    jobs_data.start_next_pending_job_execution(thingName="my:thing", stepTimeoutInMinutes=5)
    jobs_data.update_job_execution(thingName="my:thing", jobId="job-1", status="IN_PROGRESS")
    assert describe[0][1] == {
        "thingName": "my:thing",
        "jobId": "$next",
        "executionNumber": 3,
        "includeJobDocument": False,
    }
    assert start_next[0][1] == {"thingName": "my:thing", "stepTimeoutInMinutes": 5}
    assert update[0][1] == {"thingName": "my:thing", "jobId": "job-1", "status": "IN_PROGRESS"}


def test_query_booleans_and_body_members(register: Callable[..., Calls], iot: Any) -> None:
    cancel = register(CONTROL, "CancelJob", {"jobId": "j1"})
    iot.cancel_job(jobId="j1", force=True, reasonCode="BAD", comment="stop it")
    assert cancel[0][1] == {"jobId": "j1", "force": True, "reasonCode": "BAD", "comment": "stop it"}


def test_body_timestamps_arrive_as_floats(register: Callable[..., Calls], iot: Any) -> None:
    create = register(CONTROL, "CreateJob", {"jobId": "j1"})
    iot.create_job(
        jobId="j1",
        targets=["arn:aws:iot:us-east-1:123456789012:thing/t1"],
        document="{}",
        schedulingConfig={"startTime": "2026-01-01T10:00", "endBehavior": "STOP_ROLLOUT"},
        jobExecutionsRolloutConfig={
            "exponentialRate": {
                "baseRatePerMinute": 5,
                "incrementFactor": 1.5,
                "rateIncreaseCriteria": {"numberOfSucceededThings": 10},
            }
        },
    )
    params = create[0][1]
    assert params["targets"] == ["arn:aws:iot:us-east-1:123456789012:thing/t1"]
    assert params["jobExecutionsRolloutConfig"]["exponentialRate"]["incrementFactor"] == 1.5
    assert isinstance(
        params["jobExecutionsRolloutConfig"]["exponentialRate"]["baseRatePerMinute"], int
    )


def test_unknown_route_is_unknown_operation_404(sim_url: str, sim_server: SimServer) -> None:
    status, headers, body = raw(sim_url, "GET", "/no/such/thing")
    assert status == 404
    assert headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert "GET /no/such/thing" in body["message"]
    assert sim_server.stats.count(CONTROL, UNKNOWN) == 1


def test_unimplemented_operation_is_501_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, iot: Any, sim_server: SimServer
) -> None:
    monkeypatch.delitem(sim_server.handlers, (CONTROL, "ListThings"), raising=False)
    with pytest.raises(ClientError) as exc:
        iot.list_things()
    assert error_of(exc) == (
        501,
        "NotImplementedException",
        "The emulator does not implement iot ListThings",
    )


# -- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda iot: iot.list_jobs(maxResults=251),
            "1 validation error detected: Value '251' at 'maxResults' failed to satisfy "
            "constraint: Member must have value less than or equal to 250",
        ),
        (
            lambda iot: iot.list_jobs(status="BOGUS"),
            "1 validation error detected: Value 'BOGUS' at 'status' failed to satisfy "
            "constraint: Member must satisfy enum value set: "
            "[IN_PROGRESS, CANCELED, COMPLETED, DELETION_IN_PROGRESS, SCHEDULED]",
        ),
        (
            lambda iot: iot.describe_job(jobId="bad id!"),
            "1 validation error detected: Value 'bad id!' at 'jobId' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+",
        ),
        (
            lambda iot: iot.describe_job(jobId="j" * 65),
            f"1 validation error detected: Value '{'j' * 65}' at 'jobId' failed to satisfy "
            "constraint: Member must have length less than or equal to 64",
        ),
        (
            lambda iot: iot.list_jobs(status="BOGUS", maxResults=251),
            "2 validation errors detected: Value 'BOGUS' at 'status' failed to satisfy "
            "constraint: Member must satisfy enum value set: "
            "[IN_PROGRESS, CANCELED, COMPLETED, DELETION_IN_PROGRESS, SCHEDULED]; "
            "Value '251' at 'maxResults' failed to satisfy constraint: "
            "Member must have value less than or equal to 250",
        ),
    ],
)
def test_invalid_input_is_invalid_request_400(
    register: Callable[..., Calls], iot: Any, call: Callable[[Any], Any], message: str
) -> None:
    calls = register(CONTROL, "ListJobs", {"jobs": []})
    calls += register(CONTROL, "DescribeJob", {})
    with pytest.raises(iot.exceptions.InvalidRequestException) as exc:
        call(iot)
    assert error_of(exc) == (400, "InvalidRequestException", message)
    assert calls == []  # the handler never ran


def test_nested_constraints_are_checked(register: Callable[..., Calls], iot: Any) -> None:
    register(CONTROL, "CreateJob", {})
    with pytest.raises(iot.exceptions.InvalidRequestException) as exc:
        iot.create_job(
            jobId="j1",
            targets=["t"] * 2,
            document="{}",
            abortConfig={
                "criteriaList": [
                    {
                        "failureType": "NOPE",
                        "action": "CANCEL",
                        "thresholdPercentage": 101,
                        "minNumberOfExecutedThings": 1,
                    }
                ]
            },
        )
    status, code, message = error_of(exc)
    assert (status, code) == (400, "InvalidRequestException")
    assert message.startswith("2 validation errors detected: ")
    assert "at 'abortConfig.criteriaList.1.member.failureType'" in message
    assert "at 'abortConfig.criteriaList.1.member.thresholdPercentage'" in message


def test_missing_required_member(register: Callable[..., Calls], sim_url: str) -> None:
    calls = register(DEVICE, "UpdateJobExecution", {})
    status, headers, body = raw(
        sim_url, "POST", "/things/t1/jobs/j1", service=DEVICE, body=b'{"expectedVersion": 2}'
    )
    assert status == 400
    assert headers["x-amzn-ErrorType"] == "InvalidRequestException"
    assert body["message"] == (
        "1 validation error detected: Value null at 'status' failed to satisfy constraint: "
        "Member must not be null"
    )
    assert calls == []


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/things/t1/jobs/j1", b"{not json", "not valid JSON"),
        ("/things/t1/jobs/j1", b"[1, 2]", "must be a JSON object"),
        ("/things/t1/jobs/j1", b'{"status": 5}', "'status': expected a string"),
        ("/things/t1/jobs/j1", b'{"status": "QUEUED", "expectedVersion": "x"}', "expectedVersion"),
        ("/things/t1/jobs/j1?executionNumber=three", None, "'three' is not an integer"),
        ("/things/t1/jobs/j1?includeJobDocument=maybe", None, "not true or false"),
    ],
)
def test_malformed_input_is_invalid_request(
    register: Callable[..., Calls], sim_url: str, path: str, body: bytes | None, fragment: str
) -> None:
    calls = register(DEVICE, "UpdateJobExecution", {})
    calls += register(DEVICE, "DescribeJobExecution", {})
    status, headers, answer = raw(
        sim_url, "POST" if body is not None else "GET", path, service=DEVICE, body=body
    )
    assert (status, headers["x-amzn-ErrorType"]) == (400, "InvalidRequestException")
    assert fragment in answer["message"]
    assert "Traceback" not in answer["message"]
    assert calls == []


# -- serialization ---------------------------------------------------------------------------


def test_output_drops_unmodeled_members_and_none(
    register: Callable[..., Calls], sim_url: str, iot: Any
) -> None:
    register(
        CONTROL,
        "DescribeJob",
        {
            "documentSource": None,
            "secretInternalState": {"x": 1},
            "job": {
                "jobId": "j1",
                "status": "IN_PROGRESS",
                "comment": None,
                "_engine": object(),
                "createdAt": T0 + 0.1234,
                "lastUpdatedAt": datetime(2026, 1, 1, 0, 1, tzinfo=UTC),
                "jobProcessDetails": {"numberOfQueuedThings": 3.0, "bogus": True},
                "targets": ["a", None, "b"],
            },
        },
    )
    status, _, body = raw(sim_url, "GET", "/jobs/j1")
    assert status == 200
    assert body == {
        "job": {
            "jobId": "j1",
            "status": "IN_PROGRESS",
            "createdAt": 1767225600.123,
            "lastUpdatedAt": 1767225660.0,
            "jobProcessDetails": {"numberOfQueuedThings": 3},
            "targets": ["a", "b"],
        }
    }
    job = iot.describe_job(jobId="j1")["job"]
    assert job["createdAt"].timestamp() == pytest.approx(T0 + 0.123)
    assert job["lastUpdatedAt"].timestamp() == T0 + 60


def test_device_plane_longs_are_ints(register: Callable[..., Calls], jobs_data: Any) -> None:
    register(
        DEVICE,
        "DescribeJobExecution",
        {
            "execution": {
                "jobId": "j1",
                "thingName": "t1",
                "status": "QUEUED",
                "queuedAt": T0 + 0.7,
                "versionNumber": 1,
                "executionNumber": 1,
                "statusDetails": {"stage": "download", "skip": None},
            }
        },
    )
    execution = jobs_data.describe_job_execution(thingName="t1", jobId="j1")["execution"]
    assert execution["queuedAt"] == int(T0)
    assert isinstance(execution["queuedAt"], int)
    assert execution["statusDetails"] == {"stage": "download"}
    assert "startedAt" not in execution


def test_empty_output_is_empty_object(register: Callable[..., Calls], sim_url: str) -> None:
    register(CONTROL, "DeleteJob", None)
    status, headers, body = raw(sim_url, "DELETE", "/jobs/j1?force=true")
    assert (status, body) == (200, {})
    assert headers["x-amzn-RequestId"]


# -- errors ----------------------------------------------------------------------------------


def test_modeled_error_with_extra_members(register: Callable[..., Calls], iot: Any) -> None:
    register(
        CONTROL,
        "CreateJob",
        ServiceError(
            "ResourceAlreadyExistsException",
            "Job j1 already exists",
            resourceId="j1",
            resourceArn="arn:aws:iot:us-east-1:123456789012:job/j1",
            notModeled="dropped",
        ),
    )
    with pytest.raises(iot.exceptions.ResourceAlreadyExistsException) as exc:
        iot.create_job(jobId="j1", targets=["t"], document="{}")
    response: Any = exc.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert response["resourceId"] == "j1"
    assert response["resourceArn"] == "arn:aws:iot:us-east-1:123456789012:job/j1"
    assert "notModeled" not in response


def test_throttling_status_follows_each_model(
    register: Callable[..., Calls], iot: Any, jobs_data: Any
) -> None:
    register(CONTROL, "ListJobs", ServiceError("ThrottlingException", "Rate exceeded"))
    register(
        DEVICE, "GetPendingJobExecutions", ServiceError("ThrottlingException", "Rate exceeded")
    )
    with pytest.raises(iot.exceptions.ThrottlingException) as control:
        iot.list_jobs()
    with pytest.raises(jobs_data.exceptions.ThrottlingException) as device:
        jobs_data.get_pending_job_executions(thingName="t1")
    assert error_of(control) == (400, "ThrottlingException", "Rate exceeded")
    assert error_of(device) == (429, "ThrottlingException", "Rate exceeded")


def test_status_override_and_device_plane_errors(
    register: Callable[..., Calls], jobs_data: Any
) -> None:
    register(DEVICE, "DescribeJobExecution", ServiceError("TerminalStateException", "done"))
    register(
        DEVICE,
        "UpdateJobExecution",
        ServiceError("InvalidStateTransitionException", "stale", status=409, executionState={}),
    )
    with pytest.raises(jobs_data.exceptions.TerminalStateException) as terminal:
        jobs_data.describe_job_execution(thingName="t1", jobId="j1")
    with pytest.raises(jobs_data.exceptions.InvalidStateTransitionException) as stale:
        jobs_data.update_job_execution(thingName="t1", jobId="j1", status="SUCCEEDED")
    assert error_of(terminal) == (410, "TerminalStateException", "done")
    assert error_of(stale) == (409, "InvalidStateTransitionException", "stale")


def test_handler_crash_is_internal_failure_without_traceback(
    register: Callable[..., Calls], sim_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    register(CONTROL, "DescribeJob", RuntimeError("secret internals"))
    with caplog.at_level("ERROR", logger="iotjobs_tui.sim.server"):
        status, headers, body = raw(sim_url, "GET", "/jobs/j1")
    assert status == 500
    assert headers["x-amzn-ErrorType"] == "InternalFailureException"
    assert headers["x-amzn-RequestId"]
    assert body == {"message": "An unexpected error has occurred."}
    assert "secret internals" in caplog.text  # logged server-side only


# -- server: services, regions, stats, faults, admin -----------------------------------------


def test_unsigned_requests_fall_back_to_host(register: Callable[..., Calls], sim_url: str) -> None:
    control = register(CONTROL, "ListJobExecutionsForThing", {})
    device = register(DEVICE, "GetPendingJobExecutions", {})
    raw(sim_url, "GET", "/things/t1/jobs", service=None)
    raw(
        sim_url,
        "GET",
        "/things/t1/jobs",
        service=None,
        host="data.jobs.iot.eu-west-1.amazonaws.com",
    )
    raw(sim_url, "GET", "/things/t1/jobs", service=None, host="iot.ap-south-1.amazonaws.com")
    assert [c.region for c, _ in control] == ["us-east-1", "ap-south-1"]
    assert [(c.service, c.region) for c, _ in device] == [(DEVICE, "eu-west-1")]


def test_region_and_context_come_from_the_request(
    register: Callable[..., Calls], sim_url: str, emulator: Emulator
) -> None:
    calls = register(CONTROL, "DescribeJob", {})
    client = boto3.client(
        "iot",
        endpoint_url=sim_url,
        region_name="eu-west-1",
        aws_access_key_id="any",
        aws_secret_access_key="thing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    client.describe_job(jobId="j1")
    ctx = calls[0][0]
    assert (ctx.region, ctx.service, ctx.operation) == ("eu-west-1", CONTROL, "DescribeJob")
    assert ctx.emulator is emulator
    assert ctx.account_id == emulator.config.account_id
    assert ctx.base_url == sim_url


def test_every_request_is_counted(
    register: Callable[..., Calls], sim_server: SimServer, iot: Any
) -> None:
    register(CONTROL, "ListJobs", {"jobs": []})
    iot.list_jobs()
    with pytest.raises(ClientError):
        iot.list_jobs(maxResults=251)
    with pytest.raises(ClientError):
        iot.cancel_job(jobId="bad id!")
    stats = sim_server.stats
    assert stats.count(CONTROL, "ListJobs") == 2
    assert stats.count(CONTROL, "CancelJob") == 1
    assert stats.count(CONTROL, "DeleteJob") == 0
    assert stats.count(CONTROL) == 3
    assert stats.snapshot() == {CONTROL: {"CancelJob": 1, "ListJobs": 2}}
    stats.reset()
    assert stats.snapshot() == {}


def test_fault_injector_answers_before_dispatch(
    register: Callable[..., Calls], sim_server: SimServer, jobs_data: Any
) -> None:
    calls = register(DEVICE, "GetPendingJobExecutions", {})

    class Throttle(FaultInjector):
        def before_request(self, service: str, operation: str) -> ServiceError | None:
            return ServiceError("ThrottlingException", "Rate exceeded")

        def latency(self, service: str, operation: str) -> float:
            return 0.05

    sim_server.faults = Throttle()
    started = time.monotonic()
    with pytest.raises(jobs_data.exceptions.ThrottlingException) as exc:
        jobs_data.get_pending_job_executions(thingName="t1")
    assert time.monotonic() - started >= 0.05
    assert error_of(exc)[0] == 429
    assert calls == []
    assert sim_server.stats.count(DEVICE, "GetPendingJobExecutions") == 1


def test_admin_endpoints(sim_url: str, sim_server: SimServer, emulator: Emulator) -> None:
    assert raw(sim_url, "GET", "/_sim/health", service=None)[2]["ok"] is True
    raw(sim_url, "GET", "/jobs", service=CONTROL)
    status, _, stats = raw(sim_url, "GET", "/_sim/stats", service=None)
    assert status == 200
    assert stats["total"] == 1
    assert stats["requests"] == {CONTROL: {"ListJobs": 1}}
    timing = stats["latency_ms"][CONTROL]["ListJobs"]
    assert timing["count"] == 1
    assert 0 < timing["median"] == timing["p95"] == timing["max"] < 1000
    assert raw(sim_url, "GET", "/_sim/clock")[2] == {"now": T0, "speed": 0.0}
    assert raw(sim_url, "POST", "/_sim/clock", body=b'{"advance": 90}')[2]["now"] == T0 + 90
    assert raw(sim_url, "POST", "/_sim/clock", body=b'{"set": 1767230000}')[2]["now"] == 1767230000
    assert emulator.clock.now() == 1767230000
    assert raw(sim_url, "POST", "/_sim/clock", body=b'{"speed": 60}')[2]["speed"] == 60
    assert emulator.clock.speed == 60
    assert raw(sim_url, "POST", "/_sim/clock", body=b'{"advance": -1}')[0] == 400
    assert raw(sim_url, "POST", "/_sim/clock", body=b'{"rewind": 1}')[0] == 400
    assert raw(sim_url, "POST", "/_sim/clock", body=b"nope")[0] == 400
    assert raw(sim_url, "GET", "/_sim/nothing")[0] == 404
    assert raw(sim_url, "POST", "/_sim/stats/reset")[2] == {"total": 0, "requests": {}}
    assert sim_server.stats.total() == 0  # admin calls are not counted


def test_handlers_run_under_the_lock_after_advance(
    register: Callable[..., Calls], iot: Any, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    monkeypatch.setattr(emulator, "advance", lambda: events.append("advance"), raising=False)

    def handler(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        # RLock: acquiring it again succeeds only if this thread already holds it.
        assert emulator.lock.acquire(blocking=False)
        emulator.lock.release()
        events.append("handler")
        return {}

    register(CONTROL, "DescribeJob", handler)
    iot.describe_job(jobId="j1")
    assert events == ["advance", "handler"]


def test_describe_job_is_cheap_server_side() -> None:
    protocol = protocol_for(CONTROL)
    job = {
        "jobId": "j1",
        "jobArn": "arn:aws:iot:us-east-1:123456789012:job/j1",
        "status": "IN_PROGRESS",
        "targets": [f"arn:aws:iot:us-east-1:123456789012:thing/t{i}" for i in range(100)],
        "createdAt": T0,
        "jobProcessDetails": {"numberOfQueuedThings": 100_000},
    }
    protocol.serialize("DescribeJob", {"job": job})  # build the codec once
    rounds = 500
    started = time.perf_counter()
    for _ in range(rounds):
        protocol.parse("DescribeJob", {"jobId": "j1"}, {"beforeSubstitution": ["true"]}, {}, b"")
        protocol.serialize("DescribeJob", {"job": job})
    assert (time.perf_counter() - started) / rounds < 0.001


def test_start_in_thread_reports_bind_failures(emulator: Emulator) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            SimServer(emulator).start_in_thread("127.0.0.1", taken.getsockname()[1])


# -- the `iotjobs-tui sim` runner ------------------------------------------------------------


def _sim_process(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "iotjobs_tui", "sim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_runner_serves_until_sigterm() -> None:
    process = _sim_process("--port", "0", "--speed", "0")
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:"), line
        url = line.split()[-1]
        status, _, body = raw(url, "GET", "/_sim/health", service=None)
        assert (status, body["ok"]) == (200, True)
        status, headers, _ = raw(url, "GET", "/no/such/route")
        assert (status, headers["x-amzn-ErrorType"]) == (404, "UnknownOperationException")
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert stdout == ""
    assert stderr == ""


def test_runner_stops_on_ctrl_c() -> None:
    process = _sim_process("--port", "0")
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("listening on ")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert (process.returncode, stderr) == (0, "")


def test_runner_rejects_unknown_scenario() -> None:
    process = _sim_process("--port", "0", "--scenario", "nonesuch")
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert stdout == ""
    assert stderr.startswith("iotjobs-tui sim: error: unknown scenario 'nonesuch' (choose from: ")
    assert "empty" in stderr
    assert stderr.count("\n") == 1


def test_runner_reports_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _sim_process("--port", str(port))
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert stdout == ""
    assert stderr.startswith(f"iotjobs-tui sim: error: cannot listen on 127.0.0.1:{port}: ")
    assert stderr.count("\n") == 1
