"""The `credentials` fault: only listed access key ids, and session tokens that expire."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from iotjobs_tui.sim.server import SimServer
from iotjobs_tui.sim.wire.faults.credentials import access_key_of, session_token_of
from iotjobs_tui.sim.wire.faults.rules import parse_rule
from tests.conftest import NO_RETRIES
from tests.sim.fault_kit import admin, outcome, set_rules

INVALID = "The security token included in the request is invalid."
EXPIRED = "The security token included in the request is expired"


def client(url: str, key: str = "testing", token: str | None = None, **config: Any) -> Any:
    return boto3.client(
        "iot",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key="secret",
        aws_session_token=token,
        config=NO_RETRIES.merge(Config(**config)) if config else NO_RETRIES,
    )


def error_of(call: Callable[[], Any]) -> tuple[str, int, str]:
    with pytest.raises(Exception) as exc:
        call()
    error: Any = getattr(exc.value, "response", None)
    assert error is not None, exc.value
    meta = error["ResponseMetadata"]
    return error["Error"]["Code"], meta["HTTPStatusCode"], error["Error"]["Message"]


def test_only_listed_access_keys_are_recognized(sim_server: SimServer, iot: Any) -> None:
    url = sim_server.base_url
    set_rules(url, keys={"fault": "credentials", "access_keys": ["AKIDGOOD", "AKIDALSO"]})
    assert error_of(iot.list_jobs) == ("UnrecognizedClientException", 403, INVALID)
    assert outcome(client(url, "AKIDGOOD").list_jobs) == ("ok", 200)
    assert outcome(client(url, "AKIDALSO").list_jobs) == ("ok", 200)
    # The device plane too: the key is read from the SigV4 credential scope of either plane.
    data = boto3.client(
        "iot-jobs-data",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKIDBAD",
        aws_secret_access_key="secret",
        config=NO_RETRIES,
    )
    assert outcome(lambda: data.get_pending_job_executions(thingName="t")) == (
        "UnrecognizedClientException",
        403,
    )
    # Unsigned requests: AWS's missing-token answer.
    unsigned = client(url, signature_version=UNSIGNED)
    assert error_of(unsigned.list_jobs) == (
        "MissingAuthenticationTokenException",
        403,
        "Missing Authentication Token",
    )
    # Switched off: any key again.
    set_rules(url, keys=None)
    assert outcome(iot.list_jobs) == ("ok", 200)


def test_session_tokens_expire_in_real_time(sim_server: SimServer, iot: Any) -> None:
    url = sim_server.base_url
    session = client(url, "ASIAEXAMPLE", token="session-token")
    set_rules(url, creds={"fault": "credentials", "expires_in": 0.5})
    assert outcome(session.list_jobs) == ("ok", 200)
    expires_at = admin(url)[1]["rules"]["creds"]["expires_at"]
    assert abs(expires_at - (time.time() + 0.5)) < 0.5  # wall-clock seconds
    time.sleep(max(0.0, expires_at - time.time()) + 0.05)
    assert error_of(session.list_jobs) == ("ExpiredTokenException", 403, EXPIRED)
    # Long-term keys (no session token) do not expire at AWS, unless asked.
    assert outcome(iot.list_jobs) == ("ok", 200)
    set_rules(
        url,
        creds={"fault": "credentials", "expires_at": 0, "expire_long_term_keys": True},
    )
    assert outcome(iot.list_jobs) == ("ExpiredTokenException", 403)
    set_rules(url, creds=None)
    assert outcome(session.list_jobs) == ("ok", 200)


def test_scoped_and_ordered(sim_server: SimServer, iot: Any) -> None:
    url = sim_server.base_url
    session = client(url, "AKIDOTHER", token="t")
    admin(url, {"tps": {"ListJobs": 0}})  # authentication comes before throttling
    set_rules(
        url,
        creds={
            "fault": "credentials",
            "access_keys": "AKIDGOOD",
            "expires_at": "2000-01-01T00:00:00Z",
            "operations": ["ListJobs", "ListJobTemplates"],
        },
    )
    # An unknown key is answered before an expired token.
    assert outcome(session.list_jobs) == ("UnrecognizedClientException", 403)
    assert outcome(iot.list_job_templates) == ("UnrecognizedClientException", 403)
    assert outcome(iot.list_managed_job_templates) == ("ok", 200)  # out of scope
    good = client(url, "AKIDGOOD", token="t")
    assert outcome(good.list_jobs) == ("ExpiredTokenException", 403)
    assert outcome(client(url, "AKIDGOOD").list_jobs) == ("ThrottlingException", 400)


def test_key_and_token_are_read_from_headers_or_a_presigned_query() -> None:
    signed = {
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKID123/20260101/us-east-1/iot/"
        "aws4_request, SignedHeaders=host, Signature=abc",
        "X-Amz-Security-Token": "tok",
    }
    assert access_key_of(signed, {}) == "AKID123"
    assert session_token_of(signed, {}) == "tok"
    query = {"X-Amz-Credential": ["AKIDQ/20260101/us-east-1/iot/aws4_request"]}
    assert access_key_of({}, query) == "AKIDQ"
    assert session_token_of({}, {"X-Amz-Security-Token": ["q"]}) == "q"
    assert access_key_of({}, {}) is None
    assert session_token_of({}, {}) is None


def test_rule_checks() -> None:
    rule = parse_rule(
        {"fault": "credentials", "access_keys": "B,A, A", "expires_at": "2026-01-01T00:00:00Z"}
    )
    assert rule.params == {
        "access_keys": ["A", "B"],
        "expires_at": datetime(2026, 1, 1, tzinfo=UTC).timestamp(),
        "expire_long_term_keys": False,
    }
    for bad, message in [
        ({}, "needs access_keys, expires_at or expires_in"),
        ({"expires_at": 5, "expires_in": 5}, "not both"),
        ({"expires_at": "soon"}, "epoch seconds or ISO 8601"),
        ({"access_keys": ["a b"]}, "is not an access key id"),
        ({"access_keys": ["A"], "share": 0.5}, "unknown field 'share'"),
        ({"access_keys": ["A"], "expire_long_term_keys": "yes"}, "must be true or false"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_rule({"fault": "credentials", **bad})
