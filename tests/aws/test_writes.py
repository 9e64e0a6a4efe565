"""The guarded writes' AWS layer: plans in numbers, and the three calls against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from iotjobs_tui.aws.api import JobsApi
from iotjobs_tui.aws.models import JobProcessDetails
from iotjobs_tui.aws.session import AwsConnection
from iotjobs_tui.aws.write_models import comment_problem, reason_code_problem
from iotjobs_tui.aws.writes import (
    WriteRequest,
    attempt,
    plan,
    plan_cancel_execution,
    plan_delete_execution,
)

from .test_targets import settings_for


@pytest.fixture
async def api(sim_url: str) -> AsyncIterator[JobsApi]:
    connection = AwsConnection(settings_for(sim_url))
    client = await connection.open()  # as ui/data.py does
    try:
        yield JobsApi(client)
    finally:
        await connection.close()


# --- plan(): what a cancel will do, in numbers ----------------------------------------------


def test_plan_states_the_numbers() -> None:
    process = JobProcessDetails(queued=7412, in_progress=680, succeeded=3)
    expected = "Cancels 7,412 queued executions; 680 in progress continue unless forced."
    assert plan(process) == expected
    assert plan(process, force=True) == (
        "Cancels 7,412 queued executions; 680 in progress are canceled too; devices may be left "
        "mid-update."
    )
    one = JobProcessDetails(queued=1, in_progress=0)
    assert plan(one) == "Cancels 1 queued execution; none in progress."
    assert plan(one, force=True) == "Cancels 1 queued execution; none in progress."
    idle = JobProcessDetails(queued=0, in_progress=0, succeeded=4)
    assert plan(idle, status="SCHEDULED").startswith("Nothing is queued or in progress")


def test_plan_says_counting_unknown_and_never_guesses() -> None:
    for process in (None, JobProcessDetails(), JobProcessDetails(queued=5)):
        text = plan(process)
        assert text.startswith("Counting unknown:")
        assert not any(char.isdigit() for char in text)
        assert "in-progress ones continue unless forced" in text
        assert "devices may be left mid-update" in plan(process, force=True)


def test_plan_for_a_job_that_is_already_finished() -> None:
    process = JobProcessDetails(queued=0, in_progress=3, canceled=10)
    assert "already COMPLETED" in plan(process, status="COMPLETED")
    assert "being deleted" in plan(process, status="DELETION_IN_PROGRESS")
    assert plan(process, status="CANCELED") == (
        "The job is already CANCELED; only force can change anything more (it cancels the 3 in "
        "progress)."
    )
    assert plan(process, status="CANCELED", force=True) == (
        "Cancels the 3 in-progress executions left by the earlier cancel; devices may be left "
        "mid-update."
    )
    idle = JobProcessDetails(queued=0, in_progress=0)
    assert "nothing to do" in plan(idle, status="CANCELED", force=True)


def test_execution_plans() -> None:
    assert plan_cancel_execution("QUEUED", 2, force=False).startswith("Cancels execution #2")
    assert "refuses" in plan_cancel_execution("IN_PROGRESS", 2, force=False)
    assert "mid-update" in plan_cancel_execution("IN_PROGRESS", 2, force=True)
    assert "nothing to cancel" in plan_cancel_execution("FAILED", 1, force=True)
    assert "Status unknown" in plan_cancel_execution(None, None, force=False)
    assert plan_delete_execution("FAILED", 3, force=False).startswith("Deletes execution #3")
    assert "refuses" in plan_delete_execution("IN_PROGRESS", 3, force=False)
    assert "no longer read or update" in plan_delete_execution("IN_PROGRESS", 3, force=True)


def test_what_cancel_job_accepts() -> None:
    assert reason_code_problem("") is None
    assert reason_code_problem("BAD_FIRMWARE_2") is None
    assert reason_code_problem("bad") is not None
    assert reason_code_problem("A" * 129) is not None
    assert comment_problem("rolled back, see OPS-12") is None
    assert comment_problem("two\nlines") is not None
    assert comment_problem("x" * 2029) is not None


def test_params_are_exactly_what_is_sent() -> None:
    job = WriteRequest("CancelJob", "j", force=True, reason_code="R", comment="c")
    assert job.params() == {"jobId": "j", "reasonCode": "R", "comment": "c", "force": True}
    cancel = WriteRequest("CancelJobExecution", "j", "t", 3)
    assert cancel.params() == {"jobId": "j", "thingName": "t"}  # it acts on the latest
    delete = WriteRequest("DeleteJobExecution", "j", "t", 3)
    assert delete.params() == {"jobId": "j", "thingName": "t", "executionNumber": 3}


# --- the calls, against the emulator over HTTP -----------------------------------------------


def _job(iot: Any, job_id: str, *things: str) -> None:
    arns = [iot.create_thing(thingName=name)["thingArn"] for name in things]
    iot.create_job(jobId=job_id, targets=arns, document="{}")


async def test_cancel_job_with_reason_and_comment(iot: Any, jobs_data: Any, api: JobsApi) -> None:
    _job(iot, "j", "a", "b")
    jobs_data.start_next_pending_job_execution(thingName="b")
    request = WriteRequest("CancelJob", "j", reason_code="BAD_BUILD", comment="rolled back")
    outcome = await attempt(api, request)
    assert outcome.ok and outcome.code is None
    job = iot.describe_job(jobId="j")["job"]
    assert (job["status"], job["reasonCode"], job["comment"]) == (
        "CANCELED",
        "BAD_BUILD",
        "rolled back",
    )
    details = job["jobProcessDetails"]
    assert (details["numberOfCanceledThings"], details["numberOfInProgressThings"]) == (1, 1)
    assert api.stats.calls["CancelJob"] == 1  # counted like every read


async def test_cancel_execution_needs_force_while_in_progress(
    iot: Any, jobs_data: Any, api: JobsApi
) -> None:
    _job(iot, "j", "a")
    jobs_data.start_next_pending_job_execution(thingName="a")
    refused = await attempt(api, WriteRequest("CancelJobExecution", "j", "a", 1))
    assert refused.code == "InvalidStateTransitionException"
    assert "CancelJobExecution failed with InvalidStateTransitionException" in (refused.error or "")
    forced = await attempt(api, WriteRequest("CancelJobExecution", "j", "a", 1, force=True))
    assert forced.ok
    execution = iot.describe_job_execution(jobId="j", thingName="a")["execution"]
    assert (execution["status"], execution["forceCanceled"]) == ("CANCELED", True)


async def test_delete_execution(iot: Any, jobs_data: Any, api: JobsApi) -> None:
    _job(iot, "j", "a", "b")
    jobs_data.start_next_pending_job_execution(thingName="a")
    jobs_data.update_job_execution(jobId="j", thingName="a", status="FAILED")
    jobs_data.start_next_pending_job_execution(thingName="b")
    refused = await attempt(api, WriteRequest("DeleteJobExecution", "j", "b", 1))
    assert refused.code == "InvalidStateTransitionException"
    assert (await attempt(api, WriteRequest("DeleteJobExecution", "j", "a", 1))).ok
    gone = await attempt(api, WriteRequest("DeleteJobExecution", "j", "a", 1))
    assert gone.code == "ResourceNotFoundException"
    assert "It may have been deleted." in (gone.error or "")
    counts = iot.describe_job(jobId="j")["job"]["jobProcessDetails"]
    assert counts["numberOfFailedThings"] == 0


async def test_cancel_of_a_finished_job_is_one_sentence_with_the_code(
    iot: Any, api: JobsApi
) -> None:
    _job(iot, "j", "a")
    iot.cancel_job(jobId="j")
    outcome = await attempt(api, WriteRequest("CancelJob", "j"))
    assert outcome.code == "InvalidRequestException"
    assert outcome.error is not None and outcome.error.count(".") == 1
    assert "server filter" not in outcome.error  # the read path's remedy is not for writes


def test_the_rollout_stop_in_numbers() -> None:
    from iotjobs_tui.aws.eta import TargetCount
    from iotjobs_tui.aws.models import JobProcessDetails
    from iotjobs_tui.aws.write_models import plan_rollout_stop

    process = JobProcessDetails(queued=0, in_progress=680, succeeded=320)
    counted = TargetCount(things=100_000, complete=True, members_now=False, calls=400, counted_at=0)
    assert plan_rollout_stop(process, counted, None) == (
        "The rollout stops too: at least 99,000 of the 100,000 targets have no execution yet "
        "and get none."
    )
    dynamic = TargetCount(things=100_000, complete=True, members_now=True, calls=400, counted_at=0)
    assert "things added to its groups later get none either" in plan_rollout_stop(
        process, dynamic, None
    )
    partial = TargetCount(things=4_250, complete=False, members_now=False, calls=17, counted_at=0)
    assert plan_rollout_stop(process, None, partial) == (
        "The rollout stops too: targets not notified yet get no execution "
        "(counting the targets: 4,250 so far)."
    )
    assert plan_rollout_stop(process, None, None).endswith("get no execution.")
    small = TargetCount(things=500, complete=True, members_now=False, calls=2, counted_at=0)
    assert "(1,000 executions for 500 targets)" in plan_rollout_stop(process, small, None)
