"""Transport faults: reset mid-body, truncated body, HTML error pages, slow drip.

botocore (1.40) reports a reset or a short body as `ConnectionClosedError` (urllib3's
ProtocolError underneath), an HTML page as a `ClientError` whose code is the HTTP status, and
a drip slower than its read timeout as `ReadTimeoutError`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from iotjobs_tui.sim.api.registry import CONTROL
from iotjobs_tui.sim.server import SimServer
from tests.conftest import NO_RETRIES
from tests.sim.fault_kit import create_job, header, outcome, raw_get, set_rules


@pytest.fixture(autouse=True)
def no_server_errors(caplog: pytest.LogCaptureFixture) -> Any:
    """The emulator logs no error while faults break connections: it never crashes."""
    caplog.set_level(logging.WARNING)
    yield
    problems = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert problems == [], [r.getMessage() for r in problems]


def slow_client(url: str, read_timeout: float) -> Any:
    config = NO_RETRIES.merge(Config(read_timeout=read_timeout, connect_timeout=2))
    return boto3.client(
        "iot",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )


def test_reset_mid_body(sim_server: SimServer, iot: Any) -> None:
    create_job(iot)
    url = sim_server.base_url
    set_rules(url, r={"fault": "reset", "operations": ["DescribeJob"]})
    with pytest.raises(ConnectionClosedError) as exc:
        iot.describe_job(jobId="j1")
    assert "ConnectionResetError" in repr(exc.value.kwargs["error"])
    assert outcome(iot.list_jobs) == ("ok", 200)  # scoped: other operations answer
    head, body = raw_get(url, "/jobs/j1")
    assert head.startswith(b"HTTP/1.1 200")
    length = int(header(head, "Content-Length") or 0)
    assert 0 < len(body) < length  # headers and part of the body, then the reset
    set_rules(url, r=None)
    assert outcome(lambda: iot.describe_job(jobId="j1")) == ("ok", 200)


def test_truncated_body(sim_server: SimServer, iot: Any) -> None:
    create_job(iot)
    url = sim_server.base_url
    set_rules(url, t={"fault": "truncate", "after_bytes": 10, "operations": "ListJobs"})
    with pytest.raises(ConnectionClosedError) as exc:
        iot.list_jobs()
    assert "IncompleteRead" in repr(exc.value.kwargs["error"])
    head, body = raw_get(url, "/jobs")
    assert len(body) == 10
    assert int(header(head, "Content-Length") or 0) > 10
    assert outcome(lambda: iot.describe_job(jobId="j1")) == ("ok", 200)
    # Errors are carried the same way: the client never sees the 404 whole.
    set_rules(url, t={"fault": "truncate"})
    with pytest.raises(ConnectionClosedError):
        iot.describe_job(jobId="nope")


def test_a_write_cut_off_on_the_wire_has_still_happened(sim_server: SimServer, iot: Any) -> None:
    create_job(iot)
    set_rules(sim_server.base_url, r={"fault": "reset", "operations": ["CancelJob"]})
    with pytest.raises(ConnectionClosedError):
        iot.cancel_job(jobId="j1")
    assert iot.describe_job(jobId="j1")["job"]["status"] == "CANCELED"


def test_html_error_page_from_a_proxy(sim_server: SimServer, iot: Any) -> None:
    url = sim_server.base_url
    set_rules(url, h={"fault": "html", "operations": ["CreateThing"]})
    with pytest.raises(ClientError) as exc:
        iot.create_thing(thingName="t1")
    error: Any = exc.value.response
    assert error["Error"] == {"Code": "502", "Message": "Bad Gateway"}
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 502
    assert error["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "text/html"
    assert "x-amzn-errortype" not in error["ResponseMetadata"]["HTTPHeaders"]
    assert sim_server.stats.count(CONTROL, "CreateThing") == 1
    assert outcome(lambda: iot.describe_thing(thingName="t1"))[0] == "ResourceNotFoundException"
    set_rules(url, h={"fault": "html", "status": 504})
    head, body = raw_get(url, "/jobs")
    assert head.startswith(b"HTTP/1.1 504")
    assert b"<title>504 Gateway Timeout</title>" in body
    assert b"<center>nginx</center>" in body
    set_rules(url, h=None)
    iot.create_thing(thingName="t1")  # the operation runs again


def test_slow_drip(sim_server: SimServer, iot: Any) -> None:
    create_job(iot)
    url = sim_server.base_url
    normal = iot.describe_job(jobId="j1")["job"]
    set_rules(url, d={"fault": "drip", "chunk_bytes": 64, "pause_ms": 50})
    started = time.monotonic()
    assert iot.describe_job(jobId="j1")["job"] == normal  # all of it, slowly
    head, body = raw_get(url, "/jobs/j1")
    chunks = -(-len(body) // 64)
    assert len(body) == int(header(head, "Content-Length") or 0)
    assert time.monotonic() - started >= 2 * (chunks - 1) * 0.05
    # Slower than the client's read timeout: botocore gives up; the emulator does not mind.
    set_rules(url, d={"fault": "drip", "chunk_bytes": 16, "pause_ms": 1000})
    with pytest.raises(ReadTimeoutError):
        slow_client(url, read_timeout=0.3).describe_job(jobId="j1")
    set_rules(url, d=None)
    assert outcome(lambda: iot.describe_job(jobId="j1")) == ("ok", 200)


def test_other_requests_keep_flowing_during_a_drip(
    sim_server: SimServer, iot: Any, make_client: Any
) -> None:
    create_job(iot)
    url = sim_server.base_url
    set_rules(
        url,
        d={"fault": "drip", "chunk_bytes": 48, "pause_ms": 100, "operations": ["DescribeJob"]},
        r={"fault": "reset", "operations": ["GetJobDocument"]},
    )
    results: list[Any] = []
    dripping = threading.Thread(
        target=lambda: results.append(make_client("iot", url).describe_job(jobId="j1"))
    )
    dripping.start()
    try:
        time.sleep(0.2)
        started = time.monotonic()
        for _ in range(5):
            assert outcome(iot.list_jobs) == ("ok", 200)
            with pytest.raises(ConnectionClosedError):
                iot.get_job_document(jobId="j1")
        assert time.monotonic() - started < 5.0  # not queued behind the drip (generous: CI load)
        assert dripping.is_alive()
    finally:
        dripping.join(timeout=30)
    assert results and results[0]["job"]["jobId"] == "j1"


def test_share_and_first_transport_fault_wins(sim_server: SimServer, iot: Any) -> None:
    url = sim_server.base_url
    set_rules(
        url,
        a={"fault": "truncate", "share": 0.5, "operations": "ListJobs"},
        b={"fault": "reset", "share": 0.0},
    )
    seen = set()
    for _ in range(20):
        try:
            iot.list_jobs()
            seen.add("ok")
        except ConnectionClosedError as exc:
            seen.add("IncompleteRead" if "IncompleteRead" in repr(exc.kwargs["error"]) else "?")
    assert seen == {"ok", "IncompleteRead"}
