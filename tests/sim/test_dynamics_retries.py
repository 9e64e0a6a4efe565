"""Dynamics: retries create new executions (notes §3.8, §3.3, trap 6 and 8)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.sim.emulator import Emulator

DOC = "{}"


def _retry(*criteria: tuple[str, int]) -> dict[str, Any]:
    return {"criteriaList": [{"failureType": f, "numberOfRetries": n} for f, n in criteria]}


def _setup(iot: Any, **job: Any) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(jobId="j", targets=[arn], document=DOC, **job)


def _fail(jobs_data: Any, status: str = "FAILED") -> dict[str, Any]:
    started = jobs_data.start_next_pending_job_execution(thingName="dev")["execution"]
    jobs_data.update_job_execution(jobId="j", thingName="dev", status=status)
    return dict(started)


def _history(iot: Any) -> list[tuple[int, int, str]]:
    page = iot.list_job_executions_for_thing(thingName="dev", jobId="j")
    return [
        (
            s["jobExecutionSummary"]["executionNumber"],
            s["jobExecutionSummary"]["retryAttempt"],
            s["jobExecutionSummary"]["status"],
        )
        for s in page["executionSummaries"]
    ]


def test_failed_execution_is_retried_with_the_next_execution_number(
    iot: Any, jobs_data: Any
) -> None:
    _setup(iot, jobExecutionsRetryConfig=_retry(("FAILED", 2)))
    assert _fail(jobs_data)["executionNumber"] == 1
    assert _history(iot) == [(1, 0, "FAILED"), (2, 1, "QUEUED")]
    latest = iot.describe_job_execution(jobId="j", thingName="dev")["execution"]
    assert (latest["executionNumber"], latest["status"]) == (2, "QUEUED")
    first = iot.describe_job_execution(jobId="j", thingName="dev", executionNumber=1)
    assert first["execution"]["status"] == "FAILED"
    # The device sees the retry as an ordinary pending execution.
    queued = jobs_data.get_pending_job_executions(thingName="dev")["queuedJobs"]
    assert [(q["jobId"], q["executionNumber"]) for q in queued] == [("j", 2)]
    assert _fail(jobs_data)["executionNumber"] == 2
    assert _fail(jobs_data)["executionNumber"] == 3
    # Two retries used: the third failure is final.
    assert _history(iot) == [(1, 0, "FAILED"), (2, 1, "FAILED"), (3, 2, "FAILED")]
    job = iot.describe_job(jobId="j")["job"]
    assert job["status"] == "COMPLETED"
    # Counters count executions: one thing, three "failed things" (boto3#4656).
    assert job["jobProcessDetails"]["numberOfFailedThings"] == 3
    assert len(iot.list_job_executions_for_job(jobId="j")["executionSummaries"]) == 3


def test_rejected_is_never_retried(iot: Any, jobs_data: Any) -> None:
    _setup(iot, jobExecutionsRetryConfig=_retry(("ALL", 5)))
    _fail(jobs_data, "REJECTED")
    assert _history(iot) == [(1, 0, "REJECTED")]
    assert iot.describe_job(jobId="j")["job"]["status"] == "COMPLETED"


def test_success_stops_retrying(iot: Any, jobs_data: Any) -> None:
    _setup(iot, jobExecutionsRetryConfig=_retry(("ALL", 5)))
    _fail(jobs_data)
    _fail(jobs_data, "SUCCEEDED")
    assert _history(iot) == [(1, 0, "FAILED"), (2, 1, "SUCCEEDED")]
    assert iot.describe_job(jobId="j")["job"]["status"] == "COMPLETED"


def test_timed_out_retry_criterion(iot: Any, jobs_data: Any, emulator: Emulator) -> None:
    _setup(
        iot,
        timeoutConfig={"inProgressTimeoutInMinutes": 1},
        jobExecutionsRetryConfig=_retry(("TIMED_OUT", 1), ("FAILED", 1)),
    )
    jobs_data.start_next_pending_job_execution(thingName="dev")
    emulator.clock.advance(60)
    assert _history(iot) == [(1, 0, "TIMED_OUT"), (2, 1, "QUEUED")]
    jobs_data.start_next_pending_job_execution(thingName="dev")
    emulator.clock.advance(60)  # the TIMED_OUT budget (1) is spent
    _history_now = _history(iot)
    assert _history_now == [(1, 0, "TIMED_OUT"), (2, 1, "TIMED_OUT")]


def test_criteria_budgets_are_separate(iot: Any, jobs_data: Any, emulator: Emulator) -> None:
    _setup(
        iot,
        timeoutConfig={"inProgressTimeoutInMinutes": 1},
        jobExecutionsRetryConfig=_retry(("TIMED_OUT", 1), ("FAILED", 1)),
    )
    _fail(jobs_data)  # FAILED budget spent
    jobs_data.start_next_pending_job_execution(thingName="dev")
    emulator.clock.advance(60)  # TIMED_OUT budget still there
    assert [s for _, _, s in _history(iot)] == ["FAILED", "TIMED_OUT", "QUEUED"]
    _fail(jobs_data)  # FAILED again: no budget left
    assert [s for _, _, s in _history(iot)] == ["FAILED", "TIMED_OUT", "FAILED"]


def test_update_by_execution_number_after_a_retry(iot: Any, jobs_data: Any) -> None:
    _setup(iot, jobExecutionsRetryConfig=_retry(("FAILED", 1)))
    _fail(jobs_data)
    with pytest.raises(ClientError) as exc:  # the failed attempt is history now
        jobs_data.update_job_execution(
            jobId="j", thingName="dev", status="IN_PROGRESS", executionNumber=1
        )
    assert exc.value.response["Error"]["Code"] == "InvalidStateTransitionException"
    out = jobs_data.update_job_execution(
        jobId="j",
        thingName="dev",
        status="IN_PROGRESS",
        executionNumber=2,
        includeJobExecutionState=True,
    )
    assert out["executionState"]["status"] == "IN_PROGRESS"
    data = jobs_data.describe_job_execution(jobId="j", thingName="dev")["execution"]
    assert (data["executionNumber"], data["status"]) == (2, "IN_PROGRESS")
    old = iot.describe_job_execution(jobId="j", thingName="dev", executionNumber=1)["execution"]
    assert old["status"] == "FAILED"
