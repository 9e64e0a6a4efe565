"""Dynamics: in-progress and step timeouts end in TIMED_OUT (notes §3.7, trap 20)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.sim.emulator import Emulator

DOC = "{}"


def _setup(iot: Any, **job: Any) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(jobId="j", targets=[arn], document=DOC, **job)


def _data(jobs_data: Any) -> dict[str, Any]:
    return dict(
        jobs_data.describe_job_execution(jobId="j", thingName="dev", includeJobDocument=False)[
            "execution"
        ]
    )


def _control(iot: Any) -> dict[str, Any]:
    return dict(iot.describe_job_execution(jobId="j", thingName="dev")["execution"])


def test_in_progress_timeout_counts_down_and_times_out(
    iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    _setup(iot, timeoutConfig={"inProgressTimeoutInMinutes": 2})
    # QUEUED executions have no timer running.
    assert "approximateSecondsBeforeTimedOut" not in _data(jobs_data)
    emulator.clock.advance(30)  # the timer starts when the execution starts, not when queued
    jobs_data.start_next_pending_job_execution(thingName="dev")
    assert _data(jobs_data)["approximateSecondsBeforeTimedOut"] == 120
    emulator.clock.advance(100)
    assert _control(iot)["approximateSecondsBeforeTimedOut"] == 20
    emulator.clock.advance(19)
    assert _control(iot)["status"] == "IN_PROGRESS"
    emulator.clock.advance(1)
    execution = _control(iot)
    assert execution["status"] == "TIMED_OUT"
    assert "approximateSecondsBeforeTimedOut" not in execution
    job = iot.describe_job(jobId="j")["job"]
    assert job["jobProcessDetails"]["numberOfTimedOutThings"] == 1
    assert job["status"] == "COMPLETED"


def test_step_timers_replace_each_other_and_stop_at_the_in_progress_deadline(
    iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    """The devguide's worked example: in-progress 20 min from 12:00; step 7 at 12:05 -> 12:12;
    step 5 at 12:10 -> 12:15; step 9 at 12:13 -> capped at 12:20."""
    _setup(iot, timeoutConfig={"inProgressTimeoutInMinutes": 20})
    jobs_data.start_next_pending_job_execution(thingName="dev")
    emulator.clock.advance(300)
    jobs_data.update_job_execution(
        jobId="j", thingName="dev", status="IN_PROGRESS", stepTimeoutInMinutes=7
    )
    assert _data(jobs_data)["approximateSecondsBeforeTimedOut"] == 420
    emulator.clock.advance(300)
    assert _data(jobs_data)["approximateSecondsBeforeTimedOut"] == 120
    jobs_data.update_job_execution(
        jobId="j", thingName="dev", status="IN_PROGRESS", stepTimeoutInMinutes=5
    )
    assert _data(jobs_data)["approximateSecondsBeforeTimedOut"] == 300
    emulator.clock.advance(180)
    jobs_data.update_job_execution(
        jobId="j", thingName="dev", status="IN_PROGRESS", stepTimeoutInMinutes=9
    )
    assert _data(jobs_data)["approximateSecondsBeforeTimedOut"] == 420  # 12:20, not 12:22
    emulator.clock.advance(419)
    assert _control(iot)["status"] == "IN_PROGRESS"
    emulator.clock.advance(1)
    assert _control(iot)["status"] == "TIMED_OUT"
    # The device can no longer update it.
    with pytest.raises(ClientError) as exc:
        jobs_data.update_job_execution(jobId="j", thingName="dev", status="SUCCEEDED")
    assert exc.value.response["Error"]["Code"] == "InvalidStateTransitionException"
    assert iot.describe_job(jobId="j")["job"]["jobProcessDetails"]["numberOfTimedOutThings"] == 1


def test_step_timeout_from_start_next_and_minus_one_cancels_it(
    iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(jobId="j", targets=[arn], document=DOC)
    iot.create_job(jobId="k", targets=[arn], document=DOC)
    started = jobs_data.start_next_pending_job_execution(thingName="dev", stepTimeoutInMinutes=2)
    assert started["execution"]["approximateSecondsBeforeTimedOut"] == 120
    emulator.clock.advance(60)
    jobs_data.update_job_execution(
        jobId="j", thingName="dev", status="IN_PROGRESS", stepTimeoutInMinutes=-1
    )
    assert "approximateSecondsBeforeTimedOut" not in _data(jobs_data)
    emulator.clock.advance(3600)
    assert _control(iot)["status"] == "IN_PROGRESS"
    # An update without stepTimeoutInMinutes leaves a running step timer alone.
    jobs_data.update_job_execution(
        jobId="k", thingName="dev", status="IN_PROGRESS", stepTimeoutInMinutes=1
    )
    emulator.clock.advance(30)
    jobs_data.update_job_execution(jobId="k", thingName="dev", status="IN_PROGRESS")
    emulator.clock.advance(30)
    assert iot.describe_job_execution(jobId="k", thingName="dev")["execution"]["status"] == (
        "TIMED_OUT"
    )


def test_finishing_in_time_cancels_the_timer(iot: Any, jobs_data: Any, emulator: Emulator) -> None:
    _setup(iot, timeoutConfig={"inProgressTimeoutInMinutes": 1})
    jobs_data.start_next_pending_job_execution(thingName="dev", stepTimeoutInMinutes=1)
    emulator.clock.advance(59)
    jobs_data.update_job_execution(jobId="j", thingName="dev", status="SUCCEEDED")
    emulator.clock.advance(3600)
    execution = _control(iot)
    assert execution["status"] == "SUCCEEDED"
    assert "approximateSecondsBeforeTimedOut" not in execution


def test_lateness_switch_delays_the_timeout(iot: Any, jobs_data: Any, emulator: Emulator) -> None:
    emulator.config.timeout_lateness_seconds = 30
    _setup(iot, timeoutConfig={"inProgressTimeoutInMinutes": 1})
    jobs_data.start_next_pending_job_execution(thingName="dev")
    emulator.clock.advance(60)
    execution = _control(iot)
    assert execution["status"] == "IN_PROGRESS"
    assert execution["approximateSecondsBeforeTimedOut"] == 0
    emulator.clock.advance(30)
    assert _control(iot)["status"] == "TIMED_OUT"


def test_force_cancel_stops_the_timer(iot: Any, jobs_data: Any, emulator: Emulator) -> None:
    _setup(iot, timeoutConfig={"inProgressTimeoutInMinutes": 1})
    jobs_data.start_next_pending_job_execution(thingName="dev")
    iot.cancel_job_execution(jobId="j", thingName="dev", force=True)
    emulator.clock.advance(120)
    assert _control(iot)["status"] == "CANCELED"
