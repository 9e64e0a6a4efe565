"""Dynamics: rollout pacing by maximumPerMinute and by exponentialRate (notes §3.5)."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.sim.emulator import Emulator

DOC = "{}"


def _fleet(iot: Any, count: int) -> str:
    group = str(iot.create_thing_group(thingGroupName="fleet")["thingGroupArn"])
    for i in range(count):
        iot.create_thing(thingName=f"t{i:03d}")
        iot.add_thing_to_thing_group(thingGroupName="fleet", thingName=f"t{i:03d}")
    return group


def _queued(iot: Any, job_id: str) -> int:
    details = iot.describe_job(jobId=job_id)["job"]["jobProcessDetails"]
    return sum(v for k, v in details.items() if k.startswith("numberOf"))


def _counts_each_minute(iot: Any, emulator: Emulator, job_id: str, minutes: int) -> list[int]:
    out = [_queued(iot, job_id)]
    for _ in range(minutes):
        emulator.clock.advance(60)
        out.append(_queued(iot, job_id))
    return out


def test_constant_rate_is_maximum_per_minute(iot: Any, emulator: Emulator) -> None:
    group = _fleet(iot, 12)
    iot.create_job(
        jobId="j",
        targets=[group],
        document=DOC,
        jobExecutionsRolloutConfig={"maximumPerMinute": 5},
    )
    job = iot.describe_job(jobId="j")["job"]
    assert job["isConcurrent"] is True
    assert job["jobProcessDetails"]["processingTargets"] == [group]
    # The first minute's batch at once, then five a minute until every target has one.
    assert _counts_each_minute(iot, emulator, "j", 3) == [5, 5, 10, 12]
    job = iot.describe_job(jobId="j")["job"]
    assert job["isConcurrent"] is False
    assert "processingTargets" not in job["jobProcessDetails"]


def test_exponential_rate_by_notified_things(iot: Any, emulator: Emulator) -> None:
    group = _fleet(iot, 40)
    exponential = {
        "baseRatePerMinute": 2,
        "incrementFactor": 2.0,
        "rateIncreaseCriteria": {"numberOfNotifiedThings": 4},
    }
    iot.create_job(
        jobId="exp",
        targets=[group],
        document=DOC,
        jobExecutionsRolloutConfig={"exponentialRate": exponential},
    )
    iot.create_job(
        jobId="flat",
        targets=[group],
        document=DOC,
        jobExecutionsRolloutConfig={"maximumPerMinute": 2},
    )
    exp = _counts_each_minute(iot, emulator, "exp", 3)
    # 2/min until 4 are notified, then 4/min until 8, then 8/min ...
    assert exp[:4] == [2, 2, 4, 8]
    assert _queued(iot, "flat") == 6  # the constant job at the same moment: 2, 2, 4, 6
    emulator.clock.advance(60)
    # 12 notified -> 16/min, 16 -> 32/min, 20 -> 64/min ...: more than doubled in a minute.
    assert 16 < _queued(iot, "exp") < 40
    emulator.clock.advance(60)
    assert _queued(iot, "exp") == 40
    assert _queued(iot, "flat") == 10


def test_exponential_rate_by_succeeded_things_is_capped(
    iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    group = _fleet(iot, 20)
    exponential = {
        "baseRatePerMinute": 1,
        "incrementFactor": 2.0,
        "rateIncreaseCriteria": {"numberOfSucceededThings": 1},
    }
    iot.create_job(
        jobId="j",
        targets=[group],
        document=DOC,
        jobExecutionsRolloutConfig={"exponentialRate": exponential, "maximumPerMinute": 4},
    )
    # Nobody succeeds: the rate stays at the base.
    assert _counts_each_minute(iot, emulator, "j", 2) == [1, 1, 2]
    for thing in ("t000", "t001"):
        jobs_data.update_job_execution(jobId="j", thingName=thing, status="SUCCEEDED")
    # Two successes double the rate twice (1 -> 4), capped by maximumPerMinute 4; three more
    # would reach 32 and stay capped at 4.
    emulator.clock.advance(60)
    assert _queued(iot, "j") == 6
    for thing in ("t002", "t003", "t004"):
        jobs_data.update_job_execution(jobId="j", thingName=thing, status="SUCCEEDED")
    emulator.clock.advance(60)
    assert _queued(iot, "j") == 10
