"""Conformance: CancelJob, CancelJobExecution, DeleteJob, DeleteJobExecution (§3.11)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.engine.transitions import IN_PROGRESS, Actor

DOC = "{}"


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def _job(iot: Any, job_id: str, *things: str, **kw: Any) -> None:
    arns = []
    for name in things:
        arns.append(iot.create_thing(thingName=name)["thingArn"])
    iot.create_job(jobId=job_id, targets=arns, document=DOC, **kw)


def _start(emulator: Emulator, job_id: str, thing: str) -> None:
    """Move an execution to IN_PROGRESS the way the device plane will (a later issue)."""
    with emulator.lock:
        state = emulator.region("us-east-1")
        job = state.jobs[job_id]
        execution = job.by_thing[thing][-1]
        emulator.engine.set_execution_status(
            state, job, execution, IN_PROGRESS, Actor.DEVICE, emulator.now()
        )


def _status(iot: Any, job_id: str, thing: str) -> str:
    return str(iot.describe_job_execution(jobId=job_id, thingName=thing)["execution"]["status"])


def test_cancel_job_cancels_queued_and_leaves_in_progress(iot: Any, emulator: Emulator) -> None:
    _job(iot, "j", "a", "b")
    _start(emulator, "j", "b")
    out = iot.cancel_job(jobId="j", reasonCode="BAD_BUILD", comment="rolled back")
    assert out["jobArn"].endswith(":job/j")
    job = iot.describe_job(jobId="j")["job"]
    assert job["status"] == "CANCELED"
    assert job["forceCanceled"] is False
    assert job["reasonCode"] == "BAD_BUILD"
    assert job["comment"] == "rolled back"
    assert _status(iot, "j", "a") == "CANCELED"
    assert _status(iot, "j", "b") == "IN_PROGRESS"
    assert job["jobProcessDetails"]["numberOfCanceledThings"] == 1
    assert job["jobProcessDetails"]["numberOfInProgressThings"] == 1


def test_force_cancel_job_cancels_in_progress(iot: Any, emulator: Emulator) -> None:
    _job(iot, "j", "a", "b")
    _start(emulator, "j", "b")
    iot.cancel_job(jobId="j", force=True)
    job = iot.describe_job(jobId="j")["job"]
    assert job["forceCanceled"] is True
    assert job["jobProcessDetails"]["numberOfCanceledThings"] == 2
    execution = iot.describe_job_execution(jobId="j", thingName="b")["execution"]
    assert execution["status"] == "CANCELED"
    assert execution["forceCanceled"] is True


def test_force_recancel_after_plain_cancel(iot: Any, emulator: Emulator) -> None:
    _job(iot, "j", "a")
    _start(emulator, "j", "a")
    iot.cancel_job(jobId="j")
    assert _status(iot, "j", "a") == "IN_PROGRESS"
    iot.cancel_job(jobId="j", force=True)
    assert _status(iot, "j", "a") == "CANCELED"


def test_cancel_terminal_or_deleting_job_is_an_error(iot: Any, emulator: Emulator) -> None:
    _job(iot, "j", "a")
    iot.cancel_job(jobId="j")
    with pytest.raises(ClientError) as exc:
        iot.cancel_job(jobId="j")
    assert _code(exc) == "InvalidRequestException"
    iot.delete_job(jobId="j")
    with pytest.raises(ClientError) as exc:
        iot.cancel_job(jobId="j", force=True)
    assert _code(exc) == "InvalidRequestException"
    emulator.config.cancel_terminal_job_error = False
    iot.create_job(jobId="k", targets=[iot.describe_thing(thingName="a")["thingArn"]], document=DOC)
    iot.cancel_job(jobId="k")
    iot.cancel_job(jobId="k")  # a no-op with the switch off
    with pytest.raises(ClientError) as exc:
        iot.cancel_job(jobId="ghost")
    assert _code(exc) == "ResourceNotFoundException"


def test_cancel_stops_rollout_and_cascades_at_the_cancel_rate(iot: Any, emulator: Emulator) -> None:
    emulator.config.cancel_per_minute = 2
    names = [f"t{i}" for i in range(5)]
    for n in names:
        iot.create_thing(thingName=n)
    group = iot.create_thing_group(thingGroupName="g")["thingGroupArn"]
    for n in names:
        iot.add_thing_to_thing_group(thingGroupName="g", thingName=n)
    iot.create_job(
        jobId="j", targets=[group], document=DOC, jobExecutionsRolloutConfig={"maximumPerMinute": 4}
    )
    iot.cancel_job(jobId="j")
    job = iot.describe_job(jobId="j")["job"]
    details = job["jobProcessDetails"]
    # Rollout stopped: the fifth thing never gets an execution.
    assert "processingTargets" not in details
    assert (details["numberOfCanceledThings"], details["numberOfQueuedThings"]) == (2, 2)
    assert job["isConcurrent"] is True  # still cancelling
    emulator.clock.advance(120)
    job = iot.describe_job(jobId="j")["job"]
    assert job["jobProcessDetails"]["numberOfCanceledThings"] == 4
    assert job["isConcurrent"] is False
    assert len(iot.list_job_executions_for_job(jobId="j")["executionSummaries"]) == 4


def test_cancel_job_execution_paths(iot: Any, emulator: Emulator) -> None:
    _job(iot, "j", "q", "p", "t")
    _start(emulator, "j", "p")
    iot.cancel_job_execution(jobId="j", thingName="q", statusDetails={"reason": "operator"})
    queued = iot.describe_job_execution(jobId="j", thingName="q")["execution"]
    assert queued["status"] == "CANCELED"
    assert queued["statusDetails"] == {"detailsMap": {"reason": "operator"}}
    assert queued["forceCanceled"] is False
    with pytest.raises(ClientError) as exc:
        iot.cancel_job_execution(jobId="j", thingName="p")
    assert _code(exc) == "InvalidStateTransitionException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    with pytest.raises(ClientError) as exc:
        iot.cancel_job_execution(jobId="j", thingName="p", force=True, expectedVersion=1)
    assert _code(exc) == "VersionConflictException"
    iot.cancel_job_execution(jobId="j", thingName="p", force=True, expectedVersion=2)
    assert _status(iot, "j", "p") == "CANCELED"
    with pytest.raises(ClientError) as exc:
        iot.cancel_job_execution(jobId="j", thingName="q", force=True)
    assert _code(exc) == "InvalidStateTransitionException"  # terminal stays terminal
    with pytest.raises(ClientError) as exc:
        iot.cancel_job_execution(jobId="j", thingName="ghost")
    assert _code(exc) == "ResourceNotFoundException"
    iot.create_thing(thingName="no-exec")
    with pytest.raises(ClientError) as exc:
        iot.cancel_job_execution(jobId="j", thingName="no-exec")
    assert _code(exc) == "ResourceNotFoundException"


def test_delete_in_progress_job_needs_force(iot: Any) -> None:
    _job(iot, "j", "a")
    with pytest.raises(ClientError) as exc:
        iot.delete_job(jobId="j")
    assert _code(exc) == "InvalidStateTransitionException"
    iot.delete_job(jobId="j", force=True)
    assert iot.describe_job(jobId="j")["job"]["status"] == "DELETION_IN_PROGRESS"


def test_deleted_job_and_executions_disappear_after_a_delay(iot: Any, emulator: Emulator) -> None:
    _job(iot, "j", "a")
    iot.cancel_job(jobId="j")
    iot.delete_job(jobId="j")
    assert iot.list_jobs(status="DELETION_IN_PROGRESS")["jobs"][0]["jobId"] == "j"
    with pytest.raises(ClientError) as exc:
        iot.delete_job(jobId="j", force=True)
    assert _code(exc) == "InvalidStateTransitionException"  # already deleting
    emulator.clock.advance(emulator.config.job_deletion_seconds)
    with pytest.raises(ClientError) as exc:
        iot.describe_job(jobId="j")
    assert _code(exc) == "ResourceNotFoundException"
    assert iot.list_job_executions_for_thing(thingName="a")["executionSummaries"] == []
    # The id can be reused once deletion has finished.
    iot.create_job(jobId="j", targets=[iot.describe_thing(thingName="a")["thingArn"]], document=DOC)


def test_at_most_ten_jobs_deleting(iot: Any) -> None:
    arn = iot.create_thing(thingName="a")["thingArn"]
    for i in range(11):
        iot.create_job(jobId=f"j{i}", targets=[arn], document=DOC)
    for i in range(10):
        iot.delete_job(jobId=f"j{i}", force=True)
    with pytest.raises(ClientError) as exc:
        iot.delete_job(jobId="j10", force=True)
    assert _code(exc) == "LimitExceededException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410


def test_delete_job_execution_paths(iot: Any, emulator: Emulator) -> None:
    _job(iot, "j", "q", "p", "c")
    _start(emulator, "j", "p")
    iot.cancel_job_execution(jobId="j", thingName="c")
    with pytest.raises(ClientError) as exc:
        iot.delete_job_execution(jobId="j", thingName="p", executionNumber=1)
    assert _code(exc) == "InvalidStateTransitionException"
    with pytest.raises(ClientError) as exc:
        iot.delete_job_execution(jobId="j", thingName="c", executionNumber=2)
    assert _code(exc) == "ResourceNotFoundException"
    iot.delete_job_execution(jobId="j", thingName="c", executionNumber=1)
    iot.delete_job_execution(jobId="j", thingName="q", executionNumber=1)
    iot.delete_job_execution(jobId="j", thingName="p", executionNumber=1, force=True)
    details = iot.describe_job(jobId="j")["job"]["jobProcessDetails"]
    assert sum(v for k, v in details.items() if k.startswith("numberOf")) == 0
    assert iot.list_job_executions_for_thing(thingName="p")["executionSummaries"] == []
    with pytest.raises(ClientError) as exc:
        iot.describe_job_execution(jobId="j", thingName="c")
    assert _code(exc) == "ResourceNotFoundException"


def test_delete_queued_execution_switch(iot: Any, emulator: Emulator) -> None:
    emulator.config.delete_queued_execution_allowed = False
    _job(iot, "j", "q")
    with pytest.raises(ClientError) as exc:
        iot.delete_job_execution(jobId="j", thingName="q", executionNumber=1)
    assert _code(exc) == "InvalidStateTransitionException"
