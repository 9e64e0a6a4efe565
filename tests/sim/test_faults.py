"""Fault injection: rate limits, error shares, latency, outages, the admin API and the flags.

These tests run their own server with a `FaultInjector` they configure; the shared `sim_server`
fixture injects nothing, so the rest of the suite is never throttled.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from iotjobs_tui import cli
from iotjobs_tui.sim.api.registry import CONTROL, DEVICE
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.engine.clock import VirtualClock
from iotjobs_tui.sim.runner import fault_config, run_foreground
from iotjobs_tui.sim.server import SimServer
from iotjobs_tui.sim.wire.faults.injector import (
    AWS_DEFAULT_TPS,
    DATA_READ,
    DATA_WRITE,
    FaultConfig,
    FaultInjector,
    answered_error,
    parse_error_rate,
    parse_latency,
    parse_tps,
    resolve_bucket,
    resolve_code,
)

T0 = 1_767_225_600.0
WRITES = {
    CONTROL: (
        "AssociateTargetsWithJob",
        "CancelJob",
        "CancelJobExecution",
        "CreateJob",
        "DeleteJob",
        "DeleteJobExecution",
        "UpdateJob",
    ),
    DEVICE: ("StartNextPendingJobExecution", "UpdateJobExecution"),
}


@pytest.fixture
def faults() -> FaultInjector:
    """The injector of `server`; each test configures it (it starts injecting nothing)."""
    return FaultInjector()


@pytest.fixture
def server(faults: FaultInjector) -> Iterator[SimServer]:
    sim = SimServer(Emulator(VirtualClock(start=T0, speed=0)), faults=faults)
    sim.start_in_thread("127.0.0.1", 0)
    try:
        yield sim
    finally:
        sim.stop_thread()


@pytest.fixture
def iot(server: SimServer, make_client: Callable[[str, str], Any]) -> Any:
    return make_client("iot", server.base_url)


@pytest.fixture
def jobs_data(server: SimServer, make_client: Callable[[str, str], Any]) -> Any:
    return make_client("iot-jobs-data", server.base_url)


def outcome(call: Callable[[], Any]) -> tuple[str, int]:
    """("ok", 200) or (error code, HTTP status) for one boto3 call."""
    try:
        response = call()
    except ClientError as exc:
        error: Any = exc.response
        return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]
    return "ok", response["ResponseMetadata"]["HTTPStatusCode"]


def throttled(results: list[tuple[str, int]]) -> list[int]:
    return [i for i, (code, _) in enumerate(results) if code == "ThrottlingException"]


def admin(url: str, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body))
    request = urllib.request.Request(
        f"{url}/_sim/faults",
        data=data.encode() if isinstance(data, str) else data,
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def create_job(iot: Any, job_id: str = "j1", thing: str = "t1") -> None:
    iot.create_thing(thingName=thing)
    arn = iot.describe_thing(thingName=thing)["thingArn"]
    iot.create_job(jobId=job_id, targets=[arn], document='{"op": "reboot"}')


# -- the suite's own server stays fault-free -------------------------------------------------


def test_the_shared_fixture_injects_nothing(sim_server: SimServer) -> None:
    config = sim_server.faults.config
    assert not config.active
    assert config == FaultConfig()
    assert sim_server.faults.before_request(CONTROL, "DescribeJob") is None
    assert sim_server.faults.latency(CONTROL, "DescribeJob") == 0.0


# -- token buckets over HTTP -----------------------------------------------------------------


def test_more_than_10_describe_job_calls_in_a_second_are_throttled(
    faults: FaultInjector, server: SimServer, iot: Any
) -> None:
    faults.configure(FaultConfig.aws_defaults())
    started = time.monotonic()
    results = [outcome(lambda: iot.describe_job(jobId="j1")) for _ in range(15)]
    refilled = math.ceil((time.monotonic() - started) * 10)  # tokens back while sending
    assert results[:10] == [("ResourceNotFoundException", 404)] * 10  # a second's burst
    assert 15 - 10 - refilled <= len(throttled(results)) <= 5
    assert throttled(results), "15 calls took most of a second"
    assert {results[i] for i in throttled(results)} == {("ThrottlingException", 400)}
    with pytest.raises(iot.exceptions.ThrottlingException) as exc:
        iot.describe_job(jobId="j1")
    assert exc.value.response["Error"]["Message"] == "Rate exceeded"
    # Other operations have buckets of their own.
    assert outcome(iot.list_jobs) == ("ok", 200)
    assert outcome(lambda: iot.get_job_document(jobId="j1"))[0] == "ResourceNotFoundException"
    assert server.stats.count(CONTROL, "DescribeJob") == 16  # throttled calls are counted too
    assert faults.injected()["rate_limited"] == len(throttled(results)) + 1


def test_device_plane_reads_share_one_bucket_and_throttle_with_429(
    faults: FaultInjector, iot: Any, jobs_data: Any
) -> None:
    faults.configure(FaultConfig.aws_defaults(tps={"iot-jobs-data:read": 4}))
    results = []
    for _ in range(3):
        results.append(outcome(lambda: jobs_data.describe_job_execution(thingName="t", jobId="j")))
        results.append(outcome(lambda: jobs_data.get_pending_job_executions(thingName="t")))
    assert throttled(results) == [4, 5]  # 4 reads of either kind, then none
    assert results[4:] == [("ThrottlingException", 429)] * 2  # the device-plane model's status
    # The write pair has its own bucket, and control-plane DescribeJobExecution is another API.
    update = outcome(
        lambda: jobs_data.update_job_execution(thingName="t", jobId="j", status="IN_PROGRESS")
    )
    assert update[0] != "ThrottlingException"
    control = outcome(lambda: iot.describe_job_execution(thingName="t", jobId="j"))
    assert control[0] != "ThrottlingException"


def test_tps_override_and_defaults_by_name(faults: FaultInjector, iot: Any) -> None:
    faults.configure(FaultConfig.aws_defaults(tps={"describe_job": 2}))
    results = [outcome(lambda: iot.describe_job(jobId="j1")) for _ in range(4)]
    assert throttled(results) == [2, 3]
    assert [outcome(iot.list_jobs)[0] for _ in range(5)] == ["ok"] * 5
    config = faults.config
    assert config.tps == {"iot:DescribeJob": 2.0}
    assert config.tps_for(CONTROL, "DescribeJob") == 2.0
    assert config.tps_for(CONTROL, "ListJobs") == 10.0
    assert config.tps_for(CONTROL, "ListThingsInThingGroup") == 25.0
    assert config.tps_for(CONTROL, "DescribeThingGroup") == 100.0
    assert config.tps_for(CONTROL, "DescribeThing") == 350.0
    assert config.tps_for(CONTROL, "DescribeManagedJobTemplate") == 10.0
    assert config.tps_for(CONTROL, "ListTopicRules") == 10.0  # not in the table: 10
    assert config.tps_for(DEVICE, "GetPendingJobExecutions") == 200.0
    assert config.tps_for(DEVICE, "UpdateJobExecution") == 200.0
    assert FaultConfig(tps={"DescribeJob": 2}).tps_for(CONTROL, "ListJobs") is None


def test_only_overridden_operations_are_limited_without_default_throttling(
    faults: FaultInjector, iot: Any
) -> None:
    faults.configure(FaultConfig(tps={"ListJobs": 0}))
    assert outcome(iot.list_jobs) == ("ThrottlingException", 400)  # 0 TPS: every call
    results = [outcome(lambda: iot.describe_job(jobId="x")) for _ in range(20)]
    assert throttled(results) == []


# -- token buckets, on a fake clock ----------------------------------------------------------


def test_buckets_refill_in_real_time_with_one_second_of_burst() -> None:
    now = [100.0]
    faults = FaultInjector(FaultConfig(tps={"DescribeJob": 4}), clock=lambda: now[0])

    def admitted(n: int) -> int:
        return sum(faults.before_request(CONTROL, "DescribeJob") is None for _ in range(n))

    assert admitted(10) == 4  # burst: one second's worth
    now[0] += 0.5
    assert admitted(10) == 2  # 0.5 s at 4 TPS
    now[0] += 60
    assert admitted(10) == 4  # never more than the burst
    slow = FaultInjector(FaultConfig(tps={"DescribeJob": 0.5}), clock=lambda: now[0])
    assert slow.before_request(CONTROL, "DescribeJob") is None  # a bucket holds at least one
    assert slow.before_request(CONTROL, "DescribeJob") is not None
    now[0] += 2
    assert slow.before_request(CONTROL, "DescribeJob") is None


def test_shared_buckets_and_names() -> None:
    assert resolve_bucket("iot-jobs-data:DescribeJobExecution") == DATA_READ
    assert resolve_bucket("GetPendingJobExecutions") == DATA_READ
    assert resolve_bucket("start_next_pending_job_execution") == DATA_WRITE
    assert resolve_bucket("iot-jobs-data:write") == DATA_WRITE
    assert resolve_bucket("iot:DescribeJobExecution") == "iot:DescribeJobExecution"
    assert resolve_bucket("describe-job") == "iot:DescribeJob"
    assert AWS_DEFAULT_TPS[DATA_READ] == AWS_DEFAULT_TPS[DATA_WRITE] == 200.0
    with pytest.raises(ValueError, match="in both iot and iot-jobs-data"):
        resolve_bucket("DescribeJobExecution")
    with pytest.raises(ValueError, match="did you mean DescribeJob"):
        resolve_bucket("DescribeJb")
    with pytest.raises(ValueError, match="unknown service"):
        resolve_bucket("s3:GetObject")
    with pytest.raises(ValueError, match="not in the iot-jobs-data model"):
        resolve_bucket("iot-jobs-data:ListJobs")
    with pytest.raises(ValueError, match="set twice"):
        FaultConfig(tps={"iot-jobs-data:DescribeJobExecution": 5, "GetPendingJobExecutions": 6})


# -- error shares ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share_of", "expected_iot", "expected_data"),
    [
        ("ThrottlingException", ("ThrottlingException", 400), ("ThrottlingException", 429)),
        (
            "ServiceUnavailableException",
            ("ServiceUnavailableException", 503),
            ("ServiceUnavailableException", 503),
        ),
        # DescribeJob and the device plane model no InternalFailure: their nearest 5xx.
        (
            "InternalFailure",
            ("ServiceUnavailableException", 503),
            ("ServiceUnavailableException", 503),
        ),
    ],
)
def test_error_share_one_fails_every_call(
    faults: FaultInjector,
    iot: Any,
    jobs_data: Any,
    share_of: str,
    expected_iot: tuple[str, int],
    expected_data: tuple[str, int],
) -> None:
    faults.configure(FaultConfig(error_rates={share_of: 1.0}))
    assert [outcome(lambda: iot.describe_job(jobId="j1")) for _ in range(5)] == [expected_iot] * 5
    assert outcome(lambda: jobs_data.get_pending_job_executions(thingName="t")) == expected_data
    faults.configure(FaultConfig(error_rates={share_of: 0.0}))
    assert outcome(iot.list_jobs) == ("ok", 200)
    assert [outcome(lambda: iot.describe_job(jobId="j1"))[0] for _ in range(5)] == [
        "ResourceNotFoundException"
    ] * 5


def test_injected_errors_are_the_operations_modeled_exceptions(
    faults: FaultInjector, iot: Any
) -> None:
    faults.configure(FaultConfig(error_rates={"InternalFailureException": 1.0}))
    with pytest.raises(iot.exceptions.InternalFailureException):
        iot.list_job_templates()
    with pytest.raises(iot.exceptions.InternalServerException):  # managed templates' 5xx
        iot.list_managed_job_templates()
    faults.configure(FaultConfig(error_rates={"ServiceUnavailableException": 1.0}))
    with pytest.raises(iot.exceptions.InternalServerException):
        iot.describe_managed_job_template(templateName="AWS-Reboot")
    with pytest.raises(iot.exceptions.ServiceUnavailableException):
        iot.list_jobs()
    assert faults.injected()["errors"] == {
        "InternalFailureException": 1,
        "InternalServerException": 2,
        "ServiceUnavailableException": 1,
    }


def test_answered_error_mapping() -> None:
    assert answered_error(CONTROL, "ListJobTemplates", "ServiceUnavailableException") == (
        "InternalFailureException",
        None,
    )
    assert answered_error(CONTROL, "DescribeThingGroup", "InternalFailureException") == (
        "InternalFailureException",
        None,
    )
    assert answered_error(DEVICE, "UpdateJobExecution", "InternalFailureException") == (
        "ServiceUnavailableException",
        None,
    )
    assert answered_error(CONTROL, "ListTopicRules", "ThrottlingException") == (
        "ThrottlingException",
        None,
    )


def test_error_draws_are_seeded_shares() -> None:
    def draws(seed: int) -> list[str | None]:
        faults = FaultInjector(
            FaultConfig(error_rates={"Throttling": 0.25, "InternalFailure": 0.25}, seed=seed)
        )
        found = []
        for _ in range(400):
            error = faults.before_request(CONTROL, "ListJobTemplates")
            found.append(None if error is None else error.code)
        return found

    first = draws(7)
    assert first == draws(7)
    assert first != draws(8)
    assert 60 <= first.count("ThrottlingException") <= 140
    assert 60 <= first.count("InternalFailureException") <= 140
    assert 140 <= first.count(None) <= 260


# -- latency ---------------------------------------------------------------------------------


def test_latency_delays_without_blocking_the_server(
    faults: FaultInjector, server: SimServer, iot: Any, make_client: Callable[[str, str], Any]
) -> None:
    faults.configure(FaultConfig(latency_ms=200))
    started = time.monotonic()
    assert outcome(iot.list_jobs) == ("ok", 200)
    assert time.monotonic() - started >= 0.2
    # Four clients at once: the delays overlap, since the server sleeps without blocking.
    clients = [make_client("iot", server.base_url) for _ in range(4)]
    for each in clients:
        each.list_jobs()  # connect and load the model before timing
    results: list[tuple[str, int]] = []
    threads = [
        threading.Thread(target=lambda c=c: results.append(outcome(c.list_jobs))) for c in clients
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    assert results == [("ok", 200)] * 4
    assert 0.2 <= elapsed < 0.7


def test_jitter_is_bounded_and_seeded() -> None:
    faults = FaultInjector(FaultConfig(latency_ms=50, jitter_ms=20, seed=3))
    delays = [faults.latency(CONTROL, "ListJobs") for _ in range(200)]
    assert all(0.05 <= d <= 0.07 for d in delays)
    assert max(delays) - min(delays) > 0.01
    again = FaultInjector(FaultConfig(latency_ms=50, jitter_ms=20, seed=3))
    assert delays == [again.latency(CONTROL, "ListJobs") for _ in range(200)]


# -- outage ----------------------------------------------------------------------------------


def wait_until_serving(call: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call()
        except EndpointConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def test_outage_refuses_connections_then_resumes_on_the_same_port(
    server: SimServer, iot: Any
) -> None:
    url = server.base_url
    iot.list_jobs()  # a pooled keep-alive connection, which the outage must drop too
    server.set_outage(0.3)
    started = time.monotonic()
    with pytest.raises(EndpointConnectionError):
        iot.list_jobs()
    assert server.outage_remaining() is not None
    wait_until_serving(iot.list_jobs)
    assert time.monotonic() - started >= 0.25
    assert server.base_url == url
    assert server.outage_remaining() is None
    assert server.stats.count(CONTROL, "ListJobs") == 2  # refused calls never arrived
    # Until cleared.
    server.set_outage(math.inf)
    with pytest.raises(EndpointConnectionError):
        iot.list_jobs()
    assert server.outage_remaining() == math.inf
    server.set_outage(None)
    assert outcome(iot.list_jobs) == ("ok", 200)


def test_outage_over_the_admin_endpoint(server: SimServer, iot: Any) -> None:
    iot.list_jobs()
    status, state = admin(server.base_url, "POST", {"outage_seconds": 0.3})
    assert status == 200
    assert 0 < state["outage_seconds_remaining"] <= 0.3
    with pytest.raises(EndpointConnectionError):
        iot.list_jobs()
    with pytest.raises(urllib.error.URLError):
        admin(server.base_url)  # the admin API shares the port
    wait_until_serving(iot.list_jobs)
    assert admin(server.base_url)[1]["outage_seconds_remaining"] is None


def test_outage_arguments_are_checked(server: SimServer) -> None:
    for bad in (0, -1, math.nan):
        with pytest.raises(ValueError, match="outage_seconds"):
            server.set_outage(bad)
    stopped = SimServer(Emulator(VirtualClock(start=T0, speed=0)))
    with pytest.raises(RuntimeError, match="not running"):
        stopped.set_outage(1)


# -- the admin endpoint ----------------------------------------------------------------------


def test_admin_reads_and_changes_faults(faults: FaultInjector, server: SimServer, iot: Any) -> None:
    url = server.base_url
    status, state = admin(url)
    assert status == 200
    assert state == {
        "throttle": False,
        "burst_seconds": 1.0,
        "tps": {},
        "error_rates": {
            "ThrottlingException": 0.0,
            "ServiceUnavailableException": 0.0,
            "InternalFailureException": 0.0,
        },
        "latency_ms": 0.0,
        "jitter_ms": 0.0,
        "seed": 0,
        "rules": {},
        "injected": {"rate_limited": 0, "errors": {}, "rules": {}},
        "outage_seconds_remaining": None,
    }
    status, state = admin(
        url,
        "POST",
        {
            "throttle": True,
            "tps": {"DescribeJob": 1, "iot-jobs-data:read": 50},
            "error_rates": {"InternalFailure": 0.1},
            "latency_ms": 5,
            "jitter_ms": 1,
            "seed": 9,
        },
    )
    assert status == 200
    assert state["throttle"] is True
    assert state["tps"] == {"iot-jobs-data:read": 50.0, "iot:DescribeJob": 1.0}
    assert state["error_rates"]["InternalFailureException"] == 0.1
    assert (state["latency_ms"], state["jitter_ms"], state["seed"]) == (5.0, 1.0, 9)
    assert faults.config.tps_for(CONTROL, "DescribeJob") == 1.0
    # tps and error_rates merge; null removes an entry, or all of them.
    state = admin(url, "POST", {"tps": {"describe_job": None, "ListJobs": 3}})[1]
    assert state["tps"] == {"iot-jobs-data:read": 50.0, "iot:ListJobs": 3.0}
    state = admin(url, "POST", {"tps": None, "error_rates": None, "latency_ms": None})[1]
    assert (state["tps"], state["latency_ms"]) == ({}, 0.0)
    assert set(state["error_rates"].values()) == {0.0}
    # Admin calls are never throttled, failed or counted.
    admin(url, "POST", {"throttle": False, "error_rates": {"ThrottlingException": 1.0}})
    assert admin(url)[0] == 200
    assert outcome(iot.list_jobs) == ("ThrottlingException", 400)
    assert admin(url)[1]["injected"]["errors"] == {"ThrottlingException": 1}
    assert server.stats.snapshot() == {CONTROL: {"ListJobs": 1}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "expected one or more fields"),
        ([1], "expected a JSON object"),
        (b"{nope", "Expecting property name"),
        ({"rewind": 1}, "unknown field 'rewind'"),
        ({"throttle": "yes"}, "throttle must be true or false"),
        ({"tps": {"Nope": 1}}, "unknown operation 'Nope'"),
        ({"tps": {"DescribeJob": -1}}, "tps for iot:DescribeJob must be 0 or more"),
        ({"tps": {"DescribeJob": "fast"}}, "must be a number"),
        ({"tps": [1]}, "tps must be an object or null"),
        ({"error_rates": {"Boom": 0.1}}, "unknown error code 'Boom'"),
        ({"error_rates": {"Throttling": 1.5}}, "between 0 and 1"),
        ({"error_rates": {"Throttling": 0.6, "InternalFailure": 0.6}}, "add up to 1.2"),
        ({"latency_ms": -5}, "latency_ms must be between 0 and 60000"),
        ({"seed": 1.5}, "seed must be a whole number"),
        ({"outage_seconds": 0}, "outage_seconds must be more than 0"),
        ({"outage_seconds": 86400}, "at most 3600"),
        ({"outage_seconds": "soon"}, "must be a number of seconds"),
    ],
)
def test_admin_rejects_bad_changes_with_400(
    faults: FaultInjector, server: SimServer, body: Any, message: str
) -> None:
    faults.configure(FaultConfig(tps={"ListJobs": 4}))
    before = admin(server.base_url)[1]
    status, answer = admin(server.base_url, "POST", body)
    assert status == 400
    assert message in answer["message"]
    assert admin(server.base_url)[1] == before  # nothing changed
    assert server.outage_remaining() is None


# -- request counting ------------------------------------------------------------------------


def test_counts_show_that_no_write_call_was_made(
    faults: FaultInjector, server: SimServer, iot: Any, jobs_data: Any
) -> None:
    create_job(iot)
    server.stats.reset()
    faults.configure(FaultConfig.aws_defaults(tps={"ListJobs": 2}))
    for _ in range(3):
        outcome(iot.list_jobs)
    iot.describe_job(jobId="j1")
    iot.list_job_executions_for_job(jobId="j1")
    jobs_data.get_pending_job_executions(thingName="t1")
    stats = server.stats
    for service, operations in WRITES.items():
        for operation in operations:
            assert stats.count(service, operation) == 0
    assert stats.count(CONTROL, "CancelJob") == 0
    assert stats.snapshot() == {
        CONTROL: {"DescribeJob": 1, "ListJobExecutionsForJob": 1, "ListJobs": 3},
        DEVICE: {"GetPendingJobExecutions": 1},
    }
    assert (stats.count(CONTROL), stats.count(DEVICE), stats.total()) == (5, 1, 6)
    assert faults.injected()["rate_limited"] == 1  # counted although it was throttled


# -- configuration and the command line ------------------------------------------------------


def test_fault_config_validation() -> None:
    config = FaultConfig(error_rates={"internal-failure": 0.2, "throttling": 0.0})
    assert config.error_rates == {"InternalFailureException": 0.2}
    assert resolve_code("InternalFailure") == "InternalFailureException"
    assert FaultConfig.aws_defaults().throttle and FaultConfig.aws_defaults().active
    assert not FaultConfig(latency_ms=10).active  # latency alone needs no per-request draw
    with pytest.raises(ValueError, match="add up to"):
        FaultConfig(error_rates={"Throttling": 0.7, "ServiceUnavailable": 0.7})
    with pytest.raises(ValueError, match="seed"):
        FaultConfig(seed=True)


def test_subclass_that_skips_init_still_works() -> None:
    class Quiet(FaultInjector):
        def __init__(self) -> None:
            self.enabled = True

    quiet = Quiet()
    assert quiet.latency(CONTROL, "ListJobs") == 0.0
    assert quiet.before_request(CONTROL, "ListJobs") is None
    assert quiet.to_json()["throttle"] is False


def test_flag_parsers() -> None:
    assert parse_tps("DescribeJob=5") == ("iot:DescribeJob", 5.0)
    assert parse_tps(" iot-jobs-data:read = 50 ") == (DATA_READ, 50.0)
    assert parse_error_rate("InternalFailure=0.1") == ("InternalFailureException", 0.1)
    assert parse_latency("250") == (250.0, 0.0)
    assert parse_latency("250:50") == (250.0, 50.0)
    for bad in ("DescribeJob", "DescribeJob=", "=5", "DescribeJob=-1", "DescribeJob=inf"):
        with pytest.raises(ValueError):
            parse_tps(bad)
    for bad in ("Throttling=1.1", "Throttling=x", "Nope=0.1"):
        with pytest.raises(ValueError):
            parse_error_rate(bad)
    for bad in ("x", "10:", "-1", "10:-1", "10:x"):
        with pytest.raises(ValueError):
            parse_latency(bad)


def test_sim_flags_parse() -> None:
    args = cli.build_parser().parse_args(
        [
            "sim",
            "--no-throttle",
            "--tps",
            "DescribeJob=5",
            "--tps",
            "iot-jobs-data:read=50",
            "--error-rate",
            "ServiceUnavailableException=0.05",
            "--latency",
            "20:5",
        ]
    )
    assert args.no_throttle is True
    assert args.tps == [("iot:DescribeJob", 5.0), (DATA_READ, 50.0)]
    assert args.error_rate == [("ServiceUnavailableException", 0.05)]
    assert args.latency == (20.0, 5.0)
    defaults = cli.build_parser().parse_args(["sim"])
    assert (defaults.no_throttle, defaults.tps, defaults.error_rate) == (False, [], [])
    assert defaults.latency == (0.0, 0.0)
    config = fault_config(
        throttle=not args.no_throttle,
        tps=args.tps,
        error_rates=args.error_rate,
        latency=args.latency,
        seed=4,
    )
    assert config == FaultConfig(
        tps={"DescribeJob": 5, DATA_READ: 50},
        error_rates={"ServiceUnavailableException": 0.05},
        latency_ms=20,
        jitter_ms=5,
        seed=4,
    )
    assert fault_config().throttle is True  # the foreground emulator throttles by default


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--tps", "Nope=5"], "argument --tps: unknown operation 'Nope'"),
        (["--tps", "DescribeJobExecution=5"], "is in both iot and iot-jobs-data"),
        (["--tps", "DescribeJob"], "expected OPERATION=TPS"),
        (["--error-rate", "Throttling=2"], "argument --error-rate: share for Throttling"),
        (["--error-rate", "Oops=0.1"], "unknown error code 'Oops'"),
        (["--latency", "fast"], "argument --latency: latency 'fast' is not a number"),
    ],
)
def test_bad_sim_flags_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["sim", "--port", "0", *flags])
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("iotjobs-tui sim: error: ")
    assert message in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            {"error_rates": [("ThrottlingException", 0.6), ("InternalFailureException", 0.6)]},
            "the error rates add up to 1.2, more than 1",
        ),
        (
            {"tps": [(DATA_READ, 5.0), (DATA_READ, 6.0)]},
            "--tps sets iot-jobs-data:read twice (5 and 6)",
        ),
    ],
)
def test_flags_that_do_not_fit_together_exit_2(
    capsys: pytest.CaptureFixture[str], flags: dict[str, Any], message: str
) -> None:
    assert run_foreground("127.0.0.1", 0, "empty", 1, 0.0, **flags) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"iotjobs-tui sim: error: {message}\n")


def test_runner_applies_the_fault_flags() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "iotjobs_tui", "sim", "--port", "0", "--speed", "0"),
            *("--tps", "describe-job=1", "--error-rate", "InternalFailure=0.25"),
            *("--latency", "5:2"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("listening on "), line
        url = line.split()[-1]
        status, state = admin(url)
        assert status == 200
        assert state["throttle"] is True  # on by default in `iotjobs-tui sim`
        assert state["tps"] == {"iot:DescribeJob": 1.0}
        assert state["error_rates"]["InternalFailureException"] == 0.25
        assert (state["latency_ms"], state["jitter_ms"], state["seed"]) == (5.0, 2.0, 1)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert (process.returncode, stdout, stderr) == (0, "", "")
