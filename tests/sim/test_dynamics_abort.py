"""Dynamics: abort criteria cancel the job's QUEUED executions (notes §3.6, trap 9)."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.sim.emulator import Emulator

DOC = "{}"


def _abort(failure_type: str, percent: float, minimum: int) -> dict[str, Any]:
    return {
        "criteriaList": [
            {
                "failureType": failure_type,
                "action": "CANCEL",
                "thresholdPercentage": percent,
                "minNumberOfExecutedThings": minimum,
            }
        ]
    }


def _fleet(iot: Any, count: int) -> str:
    group = str(iot.create_thing_group(thingGroupName="fleet")["thingGroupArn"])
    for i in range(count):
        iot.create_thing(thingName=f"t{i}")
        iot.add_thing_to_thing_group(thingGroupName="fleet", thingName=f"t{i}")
    return group


def _status(iot: Any, thing: str) -> str:
    return str(iot.describe_job_execution(jobId="j", thingName=thing)["execution"]["status"])


def test_abort_cancels_queued_and_leaves_in_progress(iot: Any, jobs_data: Any) -> None:
    group = _fleet(iot, 10)
    iot.create_job(jobId="j", targets=[group], document=DOC, abortConfig=_abort("FAILED", 30, 5))
    for i in range(4):
        jobs_data.start_next_pending_job_execution(thingName=f"t{i}")
    jobs_data.update_job_execution(jobId="j", thingName="t0", status="FAILED")
    jobs_data.update_job_execution(jobId="j", thingName="t1", status="FAILED")
    jobs_data.update_job_execution(jobId="j", thingName="t2", status="REJECTED")  # not FAILED
    assert iot.describe_job(jobId="j")["job"]["status"] == "IN_PROGRESS"  # 2 of 10 = 20%
    jobs_data.start_next_pending_job_execution(thingName="t4")
    jobs_data.update_job_execution(jobId="j", thingName="t4", status="FAILED")  # 3 of 10 = 30%
    job = iot.describe_job(jobId="j")["job"]
    assert job["status"] == "CANCELED"
    assert job["reasonCode"] == "FAILED_THRESHOLD_EXCEEDED"
    assert "30.00%" in job["comment"] and "FAILED" in job["comment"]
    assert job.get("forceCanceled") is False
    assert _status(iot, "t3") == "IN_PROGRESS"  # IN_PROGRESS executions are not canceled
    assert [_status(iot, f"t{i}") for i in range(5, 10)] == ["CANCELED"] * 5
    details = job["jobProcessDetails"]
    assert details["numberOfCanceledThings"] == 5
    assert details["numberOfInProgressThings"] == 1
    # The device may still finish its IN_PROGRESS execution.
    jobs_data.update_job_execution(jobId="j", thingName="t3", status="SUCCEEDED")


def test_abort_waits_for_min_number_of_executed_things(
    iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    group = _fleet(iot, 8)
    iot.create_job(
        jobId="j",
        targets=[group],
        document=DOC,
        abortConfig=_abort("ALL", 50, 4),
        jobExecutionsRolloutConfig={"maximumPerMinute": 2},
    )
    jobs_data.update_job_execution(jobId="j", thingName="t0", status="FAILED")
    jobs_data.update_job_execution(jobId="j", thingName="t1", status="REJECTED")
    # 100% failures, but only 2 things notified so far.
    assert iot.describe_job(jobId="j")["job"]["status"] == "IN_PROGRESS"
    emulator.clock.advance(120)  # 4 notified: 2 of 4 = 50%
    job = iot.describe_job(jobId="j")["job"]
    assert job["status"] == "CANCELED"
    assert job["reasonCode"] == "ALL_THRESHOLD_EXCEEDED"
    assert _status(iot, "t3") == "CANCELED"


def test_abort_drops_the_retry(iot: Any, jobs_data: Any) -> None:
    group = _fleet(iot, 2)
    iot.create_job(
        jobId="j",
        targets=[group],
        document=DOC,
        abortConfig=_abort("FAILED", 50, 1),
        jobExecutionsRetryConfig={
            "criteriaList": [{"failureType": "FAILED", "numberOfRetries": 3}]
        },
    )
    jobs_data.update_job_execution(jobId="j", thingName="t0", status="FAILED")
    assert iot.describe_job(jobId="j")["job"]["status"] == "CANCELED"
    history = iot.list_job_executions_for_thing(thingName="t0", jobId="j")["executionSummaries"]
    assert [h["jobExecutionSummary"]["status"] for h in history] == ["FAILED"]


def test_abort_switches(iot: Any, jobs_data: Any, emulator: Emulator) -> None:
    emulator.config.abort_percentage_base = "terminal"
    emulator.config.abort_reason_code = "AUTO_ABORT"
    group = _fleet(iot, 10)
    iot.create_job(jobId="j", targets=[group], document=DOC, abortConfig=_abort("FAILED", 50, 2))
    jobs_data.update_job_execution(jobId="j", thingName="t0", status="SUCCEEDED")
    assert iot.describe_job(jobId="j")["job"]["status"] == "IN_PROGRESS"
    # 1 failure over 2 finished executions = 50% (over 10 notified it would be 10%).
    jobs_data.update_job_execution(jobId="j", thingName="t1", status="FAILED")
    job = iot.describe_job(jobId="j")["job"]
    assert (job["status"], job["reasonCode"]) == ("CANCELED", "AUTO_ABORT")
