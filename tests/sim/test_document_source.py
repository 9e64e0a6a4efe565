"""S3 objects for jobs: `PUT /_sim/objects`, CreateJob's documentSource in AWS's documented URL
forms, and the presigned URLs devices get in their job documents (served by the emulator,
expiring on its virtual clock, with S3's XML errors)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.sim.server import SimServer

DOC = '{"operation": "install"}'
FIRMWARE = bytes(range(256)) * 4  # not UTF-8: must round-trip byte for byte
PLACEHOLDER = "${aws:iot:s3-presigned-url:https://s3.amazonaws.com/fw-bucket/images/v2.bin}"


def http(
    url: str, method: str = "GET", body: bytes | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def put_object(sim_url: str, bucket: str, key: str, data: bytes) -> dict[str, Any]:
    status, _, body = http(f"{sim_url}/_sim/objects/{bucket}/{key}", "PUT", data)
    assert status == 200, body
    return dict(json.loads(body))


def advance(sim_url: str, seconds: float) -> None:
    request = json.dumps({"advance": seconds}).encode()
    assert http(f"{sim_url}/_sim/clock", "POST", request)[0] == 200


def xml_code(body: bytes) -> str:
    match = re.search(rb"<Code>([^<]+)</Code>", body)
    assert match is not None, body
    return match.group(1).decode()


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


@pytest.fixture
def thing(iot: Any) -> str:
    return str(iot.create_thing(thingName="dev-1")["thingArn"])


def test_objects_are_put_and_listed(sim_url: str) -> None:
    answer = put_object(sim_url, "docs", "jobs/reboot.json", DOC.encode())
    assert answer == {
        "bucket": "docs",
        "key": "jobs/reboot.json",
        "url": "https://s3.amazonaws.com/docs/jobs/reboot.json",
        "size": len(DOC),
    }
    put_object(sim_url, "fw-bucket", "images/v2.bin", FIRMWARE)
    status, _, body = http(f"{sim_url}/_sim/objects")
    assert status == 200
    assert json.loads(body)["objects"] == [
        {**answer},
        {
            "bucket": "fw-bucket",
            "key": "images/v2.bin",
            "url": "https://s3.amazonaws.com/fw-bucket/images/v2.bin",
            "size": len(FIRMWARE),
        },
    ]
    status, _, body = http(f"{sim_url}/_sim/objects/no-key", "PUT", b"x")
    assert status == 400 and b"/_sim/objects/<bucket>/<key>" in body


@pytest.mark.parametrize(
    "source",
    [
        "https://s3.amazonaws.com/docs/jobs/reboot.json",  # devguide (create-manage-jobs)
        "https://s3.us-east-1.amazonaws.com/docs/jobs/reboot.json",  # the model's example
        "https://docs.s3.amazonaws.com/jobs/reboot.json",  # virtual-hosted style
        "https://docs.s3.eu-west-1.amazonaws.com/jobs/reboot.json",
    ],
)
def test_create_job_reads_a_put_object_in_each_documented_url_form(
    iot: Any, sim_url: str, thing: str, source: str
) -> None:
    put_object(sim_url, "docs", "jobs/reboot.json", DOC.encode())
    iot.create_job(jobId="j", targets=[thing], documentSource=source)
    # Read once, at creation: a later PUT changes nothing.
    put_object(sim_url, "docs", "jobs/reboot.json", b'{"changed": true}')
    assert iot.get_job_document(jobId="j")["document"] == DOC
    assert iot.describe_job(jobId="j")["documentSource"] == source


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("https://s3.amazonaws.com/docs/missing.json", "could not be read"),
        ("https://example.com/docs/reboot.json", "must be an Amazon S3 object URL"),
        ("https://s3.amazonaws.com/fw-bucket/images/v2.bin", "UTF-8 text"),
        ("https://s3.amazonaws.com/docs/huge.json", "at most 32768 bytes"),
    ],
)
def test_unreadable_document_sources_are_invalid_requests(
    iot: Any, sim_url: str, thing: str, source: str, says: str
) -> None:
    put_object(sim_url, "fw-bucket", "images/v2.bin", FIRMWARE)
    put_object(sim_url, "docs", "huge.json", b'{"pad": "' + b"x" * 32768 + b'"}')
    with pytest.raises(ClientError) as exc:
        iot.create_job(jobId="j", targets=[thing], documentSource=source)
    assert _code(exc) == "InvalidRequestException"
    assert says in exc.value.response["Error"]["Message"]


def _presigned(iot: Any, jobs_data: Any, thing: str, **create: Any) -> str:
    document = json.dumps({"url": PLACEHOLDER})
    iot.create_job(jobId="fw", targets=[thing], document=document, **create)
    execution = jobs_data.describe_job_execution(jobId="fw", thingName="dev-1")["execution"]
    return str(json.loads(execution["jobDocument"])["url"])


def test_a_device_downloads_the_object_until_the_url_expires(
    iot: Any, jobs_data: Any, sim_server: SimServer, thing: str
) -> None:
    sim_url = sim_server.base_url
    put_object(sim_url, "fw-bucket", "images/v2.bin", FIRMWARE)
    config = {"roleArn": "arn:aws:iam::123456789012:role/presign", "expiresInSec": 600}
    url = _presigned(iot, jobs_data, thing, presignedUrlConfig=config)
    assert url.startswith(f"{sim_url}/presigned/fw-bucket/images/v2.bin?")
    query = parse_qs(url.partition("?")[2])
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Date"] == ["20260101T000000Z"]  # signed at the virtual now
    assert query["X-Amz-Expires"] == ["600"]
    status, headers, body = http(url)
    assert (status, headers["Content-Type"], body) == (200, "binary/octet-stream", FIRMWARE)
    assert sim_server.stats.count("s3", "GetObject") == 1
    advance(sim_url, 600)  # the last valid second
    assert http(url)[0] == 200
    advance(sim_url, 1)
    status, headers, body = http(url)
    assert (status, headers["Content-Type"], xml_code(body)) == (
        403,
        "application/xml",
        "AccessDenied",
    )
    assert b"<Message>Request has expired</Message>" in body
    assert b"<X-Amz-Expires>600</X-Amz-Expires>" in body
    # The device asks again and gets a fresh URL, signed now.
    fresh = jobs_data.describe_job_execution(jobId="fw", thingName="dev-1")["execution"]
    again = json.loads(fresh["jobDocument"])["url"]
    assert parse_qs(again.partition("?")[2])["X-Amz-Date"] == ["20260101T001001Z"]
    assert http(again)[2] == FIRMWARE


def test_the_default_expiry_is_an_hour(iot: Any, jobs_data: Any, sim_url: str, thing: str) -> None:
    put_object(sim_url, "fw-bucket", "images/v2.bin", FIRMWARE)
    url = _presigned(iot, jobs_data, thing)
    assert parse_qs(url.partition("?")[2])["X-Amz-Expires"] == ["3600"]
    advance(sim_url, 3600)
    assert http(url)[0] == 200
    advance(sim_url, 1)
    assert http(url)[0] == 403


def test_an_edited_url_is_refused_and_a_missing_object_is_404(
    iot: Any, jobs_data: Any, sim_url: str, thing: str
) -> None:
    url = _presigned(iot, jobs_data, thing)
    base, _, raw_query = url.partition("?")
    query = {k: v[0] for k, v in parse_qs(raw_query).items()}
    # Signed correctly, but nothing was put there yet.
    status, _, body = http(url)
    assert (status, xml_code(body)) == (404, "NoSuchKey")
    assert b"<Key>images/v2.bin</Key>" in body
    put_object(sim_url, "fw-bucket", "images/v2.bin", FIRMWARE)
    assert http(url)[0] == 200
    longer = urlencode({**query, "X-Amz-Expires": "86400"})
    other_key = base.replace("v2.bin", "v3.bin")
    put_object(sim_url, "fw-bucket", "images/v3.bin", b"other")
    forged = {**query, "X-Amz-Signature": "0" * 64}
    for edited in (f"{base}?{longer}", f"{other_key}?{raw_query}", f"{base}?{urlencode(forged)}"):
        status, _, body = http(edited)
        assert (status, xml_code(body)) == (403, "SignatureDoesNotMatch"), edited
    unsigned = {k: v for k, v in query.items() if k != "X-Amz-Signature"}
    status, _, body = http(f"{base}?{urlencode(unsigned)}")
    assert (status, xml_code(body)) == (403, "AccessDenied")
    assert http(url, "PUT", b"x")[0] == 405


def test_the_control_plane_keeps_the_placeholder(
    iot: Any, jobs_data: Any, sim_url: str, thing: str
) -> None:
    _presigned(iot, jobs_data, thing)
    assert PLACEHOLDER in iot.get_job_document(jobId="fw")["document"]
