"""Conformance: the iot-jobs-data device plane through the ordinary boto3 client over HTTP."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.sim.devices import plane as device_plane
from iotjobs_tui.sim.emulator import Emulator

T0 = 1_767_225_600.0  # the conftest clock: 2026-01-01T00:00:00Z

DOC = '{"operation": "update"}'
PRESIGNED_DOC = (
    '{"url": "${aws:iot:s3-presigned-url:https://s3.amazonaws.com/fw-bucket/images/v2.bin}"}'
)
ROLE = "arn:aws:iam::123456789012:role/presign"


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = exc.value.response
    return str(response["Error"]["Code"]), int(response["ResponseMetadata"]["HTTPStatusCode"])


def _thing(iot: Any, name: str = "dev-1") -> str:
    return str(iot.create_thing(thingName=name)["thingArn"])


def _job(iot: Any, job_id: str, targets: list[str], **kw: Any) -> None:
    kw.setdefault("document", DOC)
    iot.create_job(jobId=job_id, targets=targets, **kw)


def test_pending_lists_in_progress_first_then_queued_in_creation_order(
    iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    arn = _thing(iot)
    for job_id in ("j1", "j2", "j3"):
        _job(iot, job_id, [arn])
        emulator.clock.advance(5)
    jobs_data.update_job_execution(jobId="j2", thingName="dev-1", status="IN_PROGRESS")
    pending = jobs_data.get_pending_job_executions(thingName="dev-1")
    assert [j["jobId"] for j in pending["inProgressJobs"]] == ["j2"]
    assert [j["jobId"] for j in pending["queuedJobs"]] == ["j1", "j3"]
    first = pending["queuedJobs"][0]
    # Data-plane timestamps are `long` epoch seconds; a QUEUED execution has no startedAt.
    assert first["queuedAt"] == int(T0)
    assert isinstance(first["queuedAt"], int)
    assert "startedAt" not in first
    assert first["executionNumber"] == 1
    assert first["versionNumber"] == 1
    assert pending["inProgressJobs"][0]["startedAt"] == int(T0) + 15
    # StartNext picks the IN_PROGRESS execution first and leaves its statusDetails alone.
    started = jobs_data.start_next_pending_job_execution(
        thingName="dev-1", statusDetails={"step": "ignored"}
    )["execution"]
    assert started["jobId"] == "j2"
    assert "statusDetails" not in started  # none set: left out, as AWS's examples show
    assert started["versionNumber"] == 2


def test_pending_for_unknown_thing_is_not_found(jobs_data: Any) -> None:
    with pytest.raises(ClientError) as exc:
        jobs_data.get_pending_job_executions(thingName="ghost")
    assert _error(exc) == ("ResourceNotFoundException", 404)


def test_start_next_starts_oldest_queued_then_returns_empty(
    iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    arn = _thing(iot)
    _job(iot, "old", [arn])
    emulator.clock.advance(1)
    _job(iot, "new", [arn])
    emulator.clock.advance(9)
    out = jobs_data.start_next_pending_job_execution(
        thingName="dev-1", statusDetails={"phase": "download"}
    )
    execution = out["execution"]
    assert execution["jobId"] == "old"
    assert execution["thingName"] == "dev-1"
    assert execution["status"] == "IN_PROGRESS"
    assert execution["statusDetails"] == {"phase": "download"}
    assert execution["startedAt"] == int(T0) + 10
    assert execution["versionNumber"] == 2
    assert execution["jobDocument"] == DOC
    jobs_data.update_job_execution(jobId="old", thingName="dev-1", status="SUCCEEDED")
    assert (
        jobs_data.start_next_pending_job_execution(thingName="dev-1")["execution"]["jobId"] == "new"
    )
    jobs_data.update_job_execution(jobId="new", thingName="dev-1", status="FAILED")
    empty = jobs_data.start_next_pending_job_execution(thingName="dev-1")
    assert "execution" not in empty
    assert iot.describe_job(jobId="old")["job"]["status"] == "COMPLETED"


def test_describe_next_peeks_without_starting(iot: Any, jobs_data: Any) -> None:
    arn = _thing(iot, "my:thing")
    _job(iot, "j", [arn])
    # botocore sends `$next` percent-encoded here (and the thing name's ":" too).
    peek = jobs_data.describe_job_execution(jobId="$next", thingName="my:thing")["execution"]
    assert peek["jobId"] == "j"
    assert peek["status"] == "QUEUED"
    assert peek["jobDocument"] == DOC  # includeJobDocument defaults to true (model)
    again = jobs_data.describe_job_execution(
        jobId="$next", thingName="my:thing", includeJobDocument=False
    )["execution"]
    assert again["status"] == "QUEUED"
    assert "jobDocument" not in again
    # StartNext's `$next` travels literally and does start it.
    assert jobs_data.start_next_pending_job_execution(thingName="my:thing")["execution"][
        "status"
    ] == ("IN_PROGRESS")
    jobs_data.update_job_execution(jobId="j", thingName="my:thing", status="SUCCEEDED")
    assert "execution" not in jobs_data.describe_job_execution(jobId="$next", thingName="my:thing")


def test_update_versions_state_and_document(iot: Any, jobs_data: Any, emulator: Emulator) -> None:
    arn = _thing(iot)
    _job(iot, "j", [arn])
    out = jobs_data.update_job_execution(
        jobId="j",
        thingName="dev-1",
        status="IN_PROGRESS",
        statusDetails={"progress": "10"},
        expectedVersion=1,
        includeJobExecutionState=True,
    )
    assert out["executionState"] == {
        "status": "IN_PROGRESS",
        "statusDetails": {"progress": "10"},
        "versionNumber": 2,
    }
    assert "jobDocument" not in out
    # IN_PROGRESS -> IN_PROGRESS is allowed and still adds a version.
    out = jobs_data.update_job_execution(
        jobId="j",
        thingName="dev-1",
        status="IN_PROGRESS",
        statusDetails={"progress": "50"},
        expectedVersion=2,
        includeJobDocument=True,
    )
    assert out["jobDocument"] == DOC
    assert "executionState" not in out
    # Omitted statusDetails stay unchanged.
    jobs_data.update_job_execution(jobId="j", thingName="dev-1", status="SUCCEEDED")
    control = iot.describe_job_execution(jobId="j", thingName="dev-1")["execution"]
    assert control["status"] == "SUCCEEDED"
    assert control["versionNumber"] == 4
    assert control["statusDetails"] == {"detailsMap": {"progress": "50"}}


def test_update_version_mismatch_is_invalid_state_transition(iot: Any, jobs_data: Any) -> None:
    arn = _thing(iot)
    _job(iot, "j", [arn])
    with pytest.raises(ClientError) as exc:
        jobs_data.update_job_execution(
            jobId="j", thingName="dev-1", status="IN_PROGRESS", expectedVersion=7
        )
    assert _error(exc) == ("InvalidStateTransitionException", 409)
    assert isinstance(exc.value, jobs_data.exceptions.InvalidStateTransitionException)
    # Nothing changed.
    assert iot.describe_job_execution(jobId="j", thingName="dev-1")["execution"]["status"] == (
        "QUEUED"
    )


def test_update_from_terminal_is_invalid_state_transition(iot: Any, jobs_data: Any) -> None:
    arn = _thing(iot)
    _job(iot, "j", [arn])
    jobs_data.update_job_execution(jobId="j", thingName="dev-1", status="REJECTED")
    with pytest.raises(ClientError) as exc:
        jobs_data.update_job_execution(jobId="j", thingName="dev-1", status="IN_PROGRESS")
    assert _error(exc) == ("InvalidStateTransitionException", 409)


@pytest.mark.parametrize("status", ["QUEUED", "CANCELED", "TIMED_OUT", "REMOVED"])
def test_device_cannot_set_service_statuses(iot: Any, jobs_data: Any, status: str) -> None:
    arn = _thing(iot)
    _job(iot, "j", [arn])
    with pytest.raises(ClientError) as exc:
        jobs_data.update_job_execution(jobId="j", thingName="dev-1", status=status)
    assert _error(exc) == ("InvalidRequestException", 400)


def test_update_rejects_too_many_details_and_bad_step(iot: Any, jobs_data: Any) -> None:
    arn = _thing(iot)
    _job(iot, "j", [arn])
    details = {f"k{i}": "v" for i in range(11)}
    with pytest.raises(ClientError) as exc:
        jobs_data.update_job_execution(
            jobId="j", thingName="dev-1", status="IN_PROGRESS", statusDetails=details
        )
    assert _error(exc) == ("InvalidRequestException", 400)
    with pytest.raises(ClientError) as exc:
        jobs_data.start_next_pending_job_execution(thingName="dev-1", stepTimeoutInMinutes=0)
    assert _error(exc) == ("InvalidRequestException", 400)
    # Ten pairs are fine.
    jobs_data.update_job_execution(
        jobId="j",
        thingName="dev-1",
        status="IN_PROGRESS",
        statusDetails={f"k{i}": "v" for i in range(10)},
    )


def test_update_and_describe_unknown_resources(iot: Any, jobs_data: Any) -> None:
    arn = _thing(iot)
    _thing(iot, "other")
    _job(iot, "j", [arn])
    cases = [
        {"jobId": "ghost", "thingName": "dev-1"},
        {"jobId": "j", "thingName": "ghost"},
        {"jobId": "j", "thingName": "other"},  # no execution of j on "other"
    ]
    for case in cases:
        with pytest.raises(ClientError) as exc:
            jobs_data.update_job_execution(status="IN_PROGRESS", **case)
        assert _error(exc) == ("ResourceNotFoundException", 404), case
        with pytest.raises(ClientError) as exc:
            jobs_data.describe_job_execution(**case)
        assert _error(exc) == ("ResourceNotFoundException", 404), case
    with pytest.raises(ClientError) as exc:
        jobs_data.describe_job_execution(jobId="j", thingName="dev-1", executionNumber=5)
    assert _error(exc) == ("ResourceNotFoundException", 404)


def test_describe_terminal_execution_is_terminal_state(
    iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    arn = _thing(iot)
    _job(iot, "j", [arn])
    described = jobs_data.describe_job_execution(jobId="j", thingName="dev-1", executionNumber=1)
    assert described["execution"]["status"] == "QUEUED"
    jobs_data.update_job_execution(jobId="j", thingName="dev-1", status="SUCCEEDED")
    with pytest.raises(ClientError) as exc:
        jobs_data.describe_job_execution(jobId="j", thingName="dev-1")
    assert _error(exc) == ("TerminalStateException", 410)
    emulator.config.describe_terminal_state_error = False
    out = jobs_data.describe_job_execution(jobId="j", thingName="dev-1")["execution"]
    assert out["status"] == "SUCCEEDED"


def test_presigned_placeholders_substituted_on_the_data_plane_only(
    iot: Any, jobs_data: Any, sim_url: str
) -> None:
    arn = _thing(iot)
    _job(
        iot,
        "fw",
        [arn],
        document=PRESIGNED_DOC,
        presignedUrlConfig={"roleArn": ROLE, "expiresInSec": 600},
    )
    _job(iot, "plain-expiry", [arn], document=PRESIGNED_DOC)
    assert iot.get_job_document(jobId="fw")["document"] == PRESIGNED_DOC
    url = f"{sim_url}/presigned/fw-bucket/images/v2.bin?"

    def expiry(document: str) -> str:  # signed: tests/sim/test_document_source.py
        signed = json.loads(document)["url"]
        assert signed.startswith(url) and "X-Amz-Signature=" in signed
        return parse_qs(signed.partition("?")[2])["X-Amz-Expires"][0]

    described = jobs_data.describe_job_execution(jobId="fw", thingName="dev-1")["execution"]
    assert expiry(described["jobDocument"]) == "600"
    started = jobs_data.start_next_pending_job_execution(thingName="dev-1")["execution"]
    assert started["jobDocument"] == described["jobDocument"]
    updated = jobs_data.update_job_execution(
        jobId="plain-expiry", thingName="dev-1", status="IN_PROGRESS", includeJobDocument=True
    )
    assert expiry(updated["jobDocument"]) == "3600"
    # The control plane still has the placeholder.
    assert iot.get_job_document(jobId="plain-expiry")["document"] == PRESIGNED_DOC


def test_milliseconds_switch(iot: Any, jobs_data: Any, emulator: Emulator) -> None:
    emulator.config.data_plane_timestamps_ms = True
    arn = _thing(iot)
    _job(iot, "j", [arn])
    queued = jobs_data.get_pending_job_executions(thingName="dev-1")["queuedJobs"][0]
    assert queued["queuedAt"] == int(T0 * 1000)


def test_queued_list_is_capped_at_ten(iot: Any, jobs_data: Any) -> None:
    arn = _thing(iot)
    for i in range(12):
        _job(iot, f"j{i:02d}", [arn])
    queued = jobs_data.get_pending_job_executions(thingName="dev-1")["queuedJobs"]
    assert [q["jobId"] for q in queued] == [f"j{i:02d}" for i in range(10)]


def test_functions_match_the_http_answers(iot: Any, emulator: Emulator) -> None:
    """The contract the simulated devices use, called directly under the lock."""
    arn = _thing(iot)
    _job(iot, "j", [arn])
    with emulator.lock:
        in_progress, queued = device_plane.pending_executions(emulator, "us-east-1", "dev-1")
        assert in_progress == [] and [e.job_id for _, e in queued] == ["j"]
        peek = device_plane.describe_execution(emulator, "us-east-1", "dev-1", "$next")
        assert peek is not None and peek[1].status == "QUEUED"
        pair = device_plane.start_next(emulator, "us-east-1", "dev-1", emulator.now())
        assert pair is not None and pair[1].status == "IN_PROGRESS"
        job, execution = device_plane.update_execution(
            emulator, "us-east-1", "dev-1", "j", emulator.now(), status="SUCCEEDED"
        )
        assert execution.status == "SUCCEEDED" and job.status == "COMPLETED"
        assert device_plane.start_next(emulator, "us-east-1", "dev-1", emulator.now()) is None
