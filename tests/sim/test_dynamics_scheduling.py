"""Dynamics: schedulingConfig start/end with endBehavior, and maintenance windows (§3.9)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.sim.api import views
from iotjobs_tui.sim.emulator import Emulator

DOC = "{}"
HOUR = 3600.0
DAILY_1AM = [{"startTime": "cron(0 1 * * ? *)", "durationInMinutes": 60}]


def _fleet(iot: Any, count: int) -> str:
    group = str(iot.create_thing_group(thingGroupName="fleet")["thingGroupArn"])
    for i in range(count):
        iot.create_thing(thingName=f"t{i:03d}")
        iot.add_thing_to_thing_group(thingGroupName="fleet", thingName=f"t{i:03d}")
    return group


def _job(iot: Any) -> dict[str, Any]:
    return dict(iot.describe_job(jobId="j")["job"])


def _made(iot: Any) -> int:
    details = _job(iot)["jobProcessDetails"]
    return sum(v for k, v in details.items() if k.startswith("numberOf"))


def _status(iot: Any, thing: str) -> str:
    return str(iot.describe_job_execution(jobId="j", thingName=thing)["execution"]["status"])


def _scheduled_job(iot: Any, end_behavior: str | None) -> None:
    group = _fleet(iot, 40)
    config = {"startTime": "2026-01-01T01:00", "endTime": "2026-01-01T01:30"}
    if end_behavior is not None:
        config["endBehavior"] = end_behavior
    iot.create_job(
        jobId="j",
        targets=[group],
        document=DOC,
        schedulingConfig=config,
        jobExecutionsRolloutConfig={"maximumPerMinute": 1},
    )


def test_end_time_stop_rollout(iot: Any, jobs_data: Any, emulator: Emulator) -> None:
    _scheduled_job(iot, "STOP_ROLLOUT")
    assert (_job(iot)["status"], _made(iot)) == ("SCHEDULED", 0)
    emulator.clock.advance(HOUR)
    assert (_job(iot)["status"], _made(iot)) == ("IN_PROGRESS", 1)
    emulator.clock.advance(HOUR / 2)  # endTime: rollout stops part way
    made = _made(iot)
    assert 25 <= made < 40
    emulator.clock.advance(HOUR)
    job = _job(iot)
    assert _made(iot) == made
    assert job["status"] == "IN_PROGRESS"
    assert job["isConcurrent"] is False
    assert "processingTargets" not in job["jobProcessDetails"]
    # What was queued runs to its end; then the job completes.
    for i in range(made):
        jobs_data.update_job_execution(jobId="j", thingName=f"t{i:03d}", status="SUCCEEDED")
    assert _job(iot)["status"] == "COMPLETED"


def test_end_time_cancel(iot: Any, jobs_data: Any, emulator: Emulator) -> None:
    _scheduled_job(iot, "CANCEL")
    emulator.clock.advance(HOUR)
    jobs_data.start_next_pending_job_execution(thingName="t000")
    emulator.clock.advance(HOUR / 2)
    job = _job(iot)
    assert job["status"] == "CANCELED"
    assert _status(iot, "t000") == "IN_PROGRESS"
    assert _status(iot, "t001") == "CANCELED"
    assert job["jobProcessDetails"]["numberOfQueuedThings"] == 0


def test_end_time_force_cancel(iot: Any, jobs_data: Any, emulator: Emulator) -> None:
    _scheduled_job(iot, "FORCE_CANCEL")
    emulator.clock.advance(HOUR)
    jobs_data.start_next_pending_job_execution(thingName="t000")
    emulator.clock.advance(HOUR / 2)
    job = _job(iot)
    assert (job["status"], job["forceCanceled"]) == ("CANCELED", True)
    execution = iot.describe_job_execution(jobId="j", thingName="t000")["execution"]
    assert (execution["status"], execution["forceCanceled"]) == ("CANCELED", True)
    assert job["jobProcessDetails"]["numberOfInProgressThings"] == 0


def test_continuous_job_completes_after_end_time(
    iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    group = _fleet(iot, 2)
    iot.create_job(
        jobId="j",
        targets=[group],
        document=DOC,
        targetSelection="CONTINUOUS",
        schedulingConfig={"endTime": "2026-01-01T01:00"},
    )
    for thing in ("t000", "t001"):
        jobs_data.update_job_execution(jobId="j", thingName=thing, status="SUCCEEDED")
    assert _job(iot)["status"] == "IN_PROGRESS"  # continuous: never done before endTime
    iot.create_thing(thingName="late")
    iot.add_thing_to_thing_group(thingGroupName="fleet", thingName="late")
    jobs_data.start_next_pending_job_execution(thingName="late")
    emulator.clock.advance(HOUR)
    assert _job(iot)["status"] == "IN_PROGRESS"  # "late" is still running
    jobs_data.update_job_execution(jobId="j", thingName="late", status="SUCCEEDED")
    job = _job(iot)
    assert job["status"] == "COMPLETED"
    assert job["completedAt"].timestamp() == pytest.approx(emulator.now())


def test_continuous_job_without_work_completes_at_end_time(iot: Any, emulator: Emulator) -> None:
    group = _fleet(iot, 0)
    iot.create_job(
        jobId="j",
        targets=[group],
        document=DOC,
        targetSelection="CONTINUOUS",
        schedulingConfig={"endTime": "2026-01-01T01:00", "endBehavior": "CANCEL"},
    )
    emulator.clock.advance(HOUR)
    # CANCEL at endTime cancels (nothing queued) and the job ends CANCELED.
    assert _job(iot)["status"] == "CANCELED"


def test_maintenance_windows_flip_between_scheduled_and_in_progress(
    iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    group = _fleet(iot, 100)
    iot.create_job(
        jobId="j",
        targets=[group],
        document=DOC,
        schedulingConfig={"maintenanceWindows": DAILY_1AM},
        jobExecutionsRolloutConfig={"maximumPerMinute": 1},
    )
    job = _job(iot)
    assert (job["status"], _made(iot)) == ("SCHEDULED", 0)
    assert [r["startTime"] for r in job["scheduledJobRollouts"]] == [
        f"2026-01-0{d}T01:00" for d in range(1, 8)
    ]
    emulator.clock.advance(HOUR)  # 01:00: the window opens
    assert (_job(iot)["status"], _made(iot)) == ("IN_PROGRESS", 1)
    jobs_data.start_next_pending_job_execution(thingName="t000")
    emulator.clock.advance(HOUR / 2)
    assert _made(iot) > 1
    assert jobs_data.get_pending_job_executions(thingName="t001")["queuedJobs"][0]["jobId"] == "j"
    emulator.clock.advance(HOUR / 2)  # 02:00: it closes
    job = _job(iot)
    made = _made(iot)
    assert job["status"] == "SCHEDULED"
    assert job["scheduledJobRollouts"][0]["startTime"] == "2026-01-02T01:00"
    assert len(job["scheduledJobRollouts"]) == 7
    # Devices don't see QUEUED executions of a SCHEDULED job; a started one stays theirs.
    assert jobs_data.get_pending_job_executions(thingName="t001")["queuedJobs"] == []
    assert "execution" not in jobs_data.start_next_pending_job_execution(thingName="t001")
    assert "execution" not in jobs_data.describe_job_execution(jobId="$next", thingName="t001")
    pending = jobs_data.get_pending_job_executions(thingName="t000")
    assert [p["jobId"] for p in pending["inProgressJobs"]] == ["j"]
    jobs_data.update_job_execution(jobId="j", thingName="t000", status="SUCCEEDED")
    emulator.clock.advance(12 * HOUR)  # rollout paused
    assert _made(iot) == made
    emulator.clock.advance(11 * HOUR)  # next day 01:00
    assert _job(iot)["status"] == "IN_PROGRESS"
    assert _made(iot) == made + 1
    assert jobs_data.get_pending_job_executions(thingName="t001")["queuedJobs"] != []


def test_windows_begin_at_start_time(iot: Any, emulator: Emulator) -> None:
    group = _fleet(iot, 1)
    iot.create_job(
        jobId="j",
        targets=[group],
        document=DOC,
        schedulingConfig={"startTime": "2026-01-02T00:00", "maintenanceWindows": DAILY_1AM},
    )
    rollouts = [r["startTime"] for r in _job(iot)["scheduledJobRollouts"]]
    assert rollouts[0] == "2026-01-02T01:00"
    assert len(rollouts) == 7
    emulator.clock.advance(HOUR)  # 2026-01-01T01:00: before startTime
    assert _job(iot)["status"] == "SCHEDULED"
    emulator.clock.advance(24 * HOUR)
    assert (_job(iot)["status"], _made(iot)) == ("IN_PROGRESS", 1)


def test_job_done_inside_a_window_completes(iot: Any, jobs_data: Any, emulator: Emulator) -> None:
    group = _fleet(iot, 1)
    iot.create_job(
        jobId="j",
        targets=[group],
        document=DOC,
        schedulingConfig={"maintenanceWindows": DAILY_1AM},
    )
    emulator.clock.advance(HOUR)
    jobs_data.start_next_pending_job_execution(thingName="t000")
    emulator.clock.advance(2 * HOUR)  # the window closed with the execution still running
    assert _job(iot)["status"] == "SCHEDULED"
    jobs_data.update_job_execution(jobId="j", thingName="t000", status="SUCCEEDED")
    job = _job(iot)
    assert job["status"] == "COMPLETED"
    assert "scheduledJobRollouts" not in job


def test_invalid_cron_is_rejected(iot: Any) -> None:
    group = _fleet(iot, 1)
    with pytest.raises(ClientError) as exc:
        iot.create_job(
            jobId="j",
            targets=[group],
            document=DOC,
            schedulingConfig={
                "maintenanceWindows": [{"startTime": "cron(0 1 * * * *)", "durationInMinutes": 5}]
            },
        )
    assert exc.value.response["Error"]["Code"] == "InvalidRequestException"


def test_describe_job_with_windows_is_cheap(iot: Any, emulator: Emulator) -> None:
    group = _fleet(iot, 1)
    weekly = [{"startTime": "cron(30 2 ? * MON-FRI *)", "durationInMinutes": 90}]
    iot.create_job(
        jobId="j",
        targets=[group],
        document=DOC,
        schedulingConfig={"maintenanceWindows": weekly + DAILY_1AM},
    )
    job = emulator.region("us-east-1").jobs["j"]
    with emulator.lock:
        began = time.perf_counter()
        for _ in range(200):
            views.job(emulator.engine, job)
        each = (time.perf_counter() - began) / 200
    assert each < 0.005
