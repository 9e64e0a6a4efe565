"""Simulated devices: profile resolution, outcomes by stepping the clock, and hands-off things."""

from __future__ import annotations

from typing import Any

import pytest

from iotjobs_tui.sim.api.handlers import jobs as job_handlers
from iotjobs_tui.sim.api.handlers import things as thing_handlers
from iotjobs_tui.sim.api.registry import CONTROL, RequestContext
from iotjobs_tui.sim.devices import simulated as devices
from iotjobs_tui.sim.devices.simulated import DeviceProfile, DeviceSimulation, Step
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.engine.clock import VirtualClock

REGION = "us-east-1"
QUICK = (Step("download", 4.0, jitter=0.0, updates=2), Step("install", 3.0, jitter=0.0))


def _profile(name: str, **kw: Any) -> DeviceProfile:
    kw.setdefault("steps", QUICK)
    kw.setdefault("react_seconds", (1.0, 1.0))
    return DeviceProfile(name, **kw)


PROFILES = (
    _profile("all-succeed"),
    _profile("all-fail", succeed=0.0, fail=1.0, failure_reasons=("CHECKSUM_MISMATCH",)),
    _profile("all-reject", succeed=0.0, reject=1.0, reject_reasons=("LOW_BATTERY",)),
    _profile("all-hang", succeed=0.0, hang=1.0),
    _profile("mostly-offline", offline_chance=0.9, offline_seconds=(600.0, 600.0)),
)


def _attrs(profile: str | None) -> dict[str, Any]:
    return {"attributes": {devices.PROFILE_ATTRIBUTE: profile}} if profile else {"attributes": {}}


def _group(iot: Any, name: str, profile: str | None = None, parent: str | None = None) -> str:
    kw: dict[str, Any] = {"thingGroupProperties": {"attributePayload": _attrs(profile)}}
    if parent:
        kw["parentGroupName"] = parent
    return str(iot.create_thing_group(thingGroupName=name, **kw)["thingGroupArn"])


def _thing(iot: Any, name: str, *groups: str, profile: str | None = None) -> str:
    arn = str(iot.create_thing(thingName=name, attributePayload=_attrs(profile))["thingArn"])
    for group in groups:
        iot.add_thing_to_thing_group(thingGroupName=group, thingName=name)
    return arn


def _step(emulator: Emulator, seconds: float, tick: float = 1.0) -> None:
    done = 0.0
    while done < seconds:
        emulator.clock.advance(tick)
        done += tick
        with emulator.lock:
            emulator.advance()


@pytest.fixture
def sim(emulator: Emulator) -> DeviceSimulation:
    return devices.install(emulator, profiles=PROFILES, seed=7)


def _execution(iot: Any, job_id: str, thing: str) -> dict[str, Any]:
    return dict(iot.describe_job_execution(jobId=job_id, thingName=thing)["execution"])


# --- resolution -------------------------------------------------------------------------


def test_profile_resolution(iot: Any, emulator: Emulator, sim: DeviceSimulation) -> None:
    _group(iot, "hardware")
    _group(iot, "hw-esp32-s3", "healthy", parent="hardware")
    _group(iot, "hw-esp32-s3-lot-2611", "bad-batch", parent="hw-esp32-s3")
    _group(iot, "region-eu-west", "gateway")
    _group(iot, "site-ams-01", parent="region-eu-west")
    _group(iot, "plain")
    _thing(iot, "by-attribute", "hw-esp32-s3-lot-2611", profile="meter")
    _thing(iot, "in-lot", "hw-esp32-s3-lot-2611")
    _thing(iot, "in-model", "hw-esp32-s3")
    _thing(iot, "in-site", "site-ams-01")
    # Same distance in two hierarchies: the group name sorting first wins (hw-* < site-*).
    _thing(iot, "tie", "hw-esp32-s3", "region-eu-west")
    _group(iot, "zz-direct", "meter")
    # Distance beats name order: zz-direct holds the thing, region-eu-west is a parent away.
    _thing(iot, "nearer", "zz-direct", "site-ams-01")
    _thing(iot, "nothing", "plain")
    _thing(iot, "typo", profile="no-such-profile")
    state = emulator.region(REGION)

    def name(thing: str) -> str | None:
        profile = sim.resolve(state, thing)
        return profile.name if profile else None

    assert name("by-attribute") == "meter"
    assert name("in-lot") == "bad-batch"  # child over parent
    assert name("in-model") == "healthy"
    assert name("in-site") == "gateway"  # inherited from the region
    assert name("tie") == "healthy"
    assert name("nearer") == "meter"
    assert name("nothing") is None
    assert name("typo") is None
    assert name("missing") is None


def test_profile_validation() -> None:
    with pytest.raises(ValueError):
        DeviceProfile("bad", succeed=0.5)
    with pytest.raises(ValueError):
        DeviceProfile("bad", succeed=0.5, fail=0.5, failure_reasons=())
    with pytest.raises(ValueError):
        Step("x", 1.0, updates=0)


# --- outcomes ---------------------------------------------------------------------------


def _job(iot: Any, job_id: str, *targets: str, **kw: Any) -> None:
    iot.create_job(jobId=job_id, targets=list(targets), document="{}", **kw)


def test_success_reports_progress_then_succeeds(iot: Any, emulator: Emulator, sim: Any) -> None:
    arn = _thing(iot, "dev-1", profile="all-succeed")
    _job(iot, "fw", arn)
    assert _execution(iot, "fw", "dev-1")["status"] == "QUEUED"
    seen: list[dict[str, str]] = []
    for _ in range(15):
        _step(emulator, 1.0)
        execution = _execution(iot, "fw", "dev-1")
        details = execution["statusDetails"].get("detailsMap", {})
        if execution["status"] == "IN_PROGRESS" and details not in seen:
            seen.append(details)
    assert seen == [
        {"step": "download", "progress": "0%"},
        {"step": "download", "progress": "50%"},
        {"step": "install", "progress": "0%"},
    ]
    final = _execution(iot, "fw", "dev-1")
    assert final["status"] == "SUCCEEDED"
    assert final["statusDetails"]["detailsMap"] == {"step": "install", "progress": "100%"}
    # QUEUED -> IN_PROGRESS (start) + 2 progress reports + SUCCEEDED, from version 1.
    assert final["versionNumber"] == 5
    assert iot.describe_job(jobId="fw")["job"]["status"] == "COMPLETED"


def test_failure_carries_a_reason(iot: Any, emulator: Emulator, sim: Any) -> None:
    arn = _thing(iot, "dev-1", profile="all-fail")
    _job(iot, "fw", arn)
    _step(emulator, 15.0)
    execution = _execution(iot, "fw", "dev-1")
    assert execution["status"] == "FAILED"
    assert execution["statusDetails"]["detailsMap"]["reason"] == "CHECKSUM_MISMATCH"
    assert execution["statusDetails"]["detailsMap"]["step"] in {"download", "install"}


def test_reject_without_starting(iot: Any, emulator: Emulator, sim: Any) -> None:
    arn = _thing(iot, "dev-1", profile="all-reject")
    _job(iot, "fw", arn)
    _step(emulator, 5.0)
    execution = _execution(iot, "fw", "dev-1")
    assert execution["status"] == "REJECTED"
    assert execution["statusDetails"]["detailsMap"] == {"reason": "LOW_BATTERY"}
    assert "startedAt" not in execution


def test_hang_ends_timed_out_once_a_timeout_is_set(
    iot: Any, emulator: Emulator, sim: DeviceSimulation
) -> None:
    a = _thing(iot, "dev-1", profile="all-hang")
    b = _thing(iot, "dev-2", profile="all-hang")
    _job(iot, "no-timeout", a)
    _job(iot, "with-timeout", b, timeoutConfig={"inProgressTimeoutInMinutes": 1})
    _step(emulator, 30.0)
    assert _execution(iot, "no-timeout", "dev-1")["status"] == "IN_PROGRESS"
    assert _execution(iot, "with-timeout", "dev-2")["status"] == "IN_PROGRESS"
    _step(emulator, 60.0, tick=5.0)
    assert _execution(iot, "with-timeout", "dev-2")["status"] == "TIMED_OUT"
    _step(emulator, 3600.0, tick=60.0)
    assert _execution(iot, "no-timeout", "dev-1")["status"] == "IN_PROGRESS"  # stuck for good
    assert sim.stats.hung == 2


def test_timed_out_device_moves_on_to_the_retry(iot: Any, emulator: Emulator, sim: Any) -> None:
    arn = _thing(iot, "dev-1", profile="all-fail")
    _job(
        iot,
        "fw",
        arn,
        jobExecutionsRetryConfig={
            "criteriaList": [{"failureType": "FAILED", "numberOfRetries": 2}]
        },
    )
    _step(emulator, 60.0)
    runs = iot.list_job_executions_for_thing(thingName="dev-1", jobId="fw")["executionSummaries"]
    numbers = sorted(r["jobExecutionSummary"]["executionNumber"] for r in runs)
    assert numbers == [1, 2, 3]
    assert {r["jobExecutionSummary"]["status"] for r in runs} == {"FAILED"}


def test_offline_device_postpones(iot: Any, emulator: Emulator, sim: DeviceSimulation) -> None:
    arn = _thing(iot, "dev-1", profile="mostly-offline")
    _job(iot, "fw", arn)
    _step(emulator, 30.0)
    assert sim.stats.offline >= 1
    # Online, the whole run takes ~8 s; offline spells of 10 minutes hold it up.
    assert _execution(iot, "fw", "dev-1")["status"] in {"QUEUED", "IN_PROGRESS"}
    _step(emulator, 6 * 3600.0, tick=60.0)
    assert _execution(iot, "fw", "dev-1")["status"] == "SUCCEEDED"


def test_thing_without_profile_waits_for_a_real_device(
    iot: Any, jobs_data: Any, emulator: Emulator, sim: DeviceSimulation
) -> None:
    _group(iot, "fleet", "all-succeed")
    _thing(iot, "simulated", "fleet")
    manual = _thing(iot, "manual")
    _job(iot, "fw", iot.describe_thing_group(thingGroupName="fleet")["thingGroupArn"], manual)
    _step(emulator, 60.0)
    assert _execution(iot, "fw", "simulated")["status"] == "SUCCEEDED"
    assert _execution(iot, "fw", "manual")["status"] == "QUEUED"
    # A test acting as the device drives it alone.
    started = jobs_data.start_next_pending_job_execution(
        thingName="manual", statusDetails={"step": "flash"}
    )["execution"]
    assert started["jobId"] == "fw"
    _step(emulator, 60.0)
    assert _execution(iot, "fw", "manual")["status"] == "IN_PROGRESS"
    jobs_data.update_job_execution(thingName="manual", jobId="fw", status="SUCCEEDED")
    assert _execution(iot, "fw", "manual")["status"] == "SUCCEEDED"
    assert iot.describe_job(jobId="fw")["job"]["status"] == "COMPLETED"


def test_device_waits_while_its_job_is_scheduled(
    iot: Any, emulator: Emulator, sim: DeviceSimulation
) -> None:
    """A maintenance window hides the job: the device polls and acts once a window opens."""
    arn = _thing(iot, "dev-1", profile="all-succeed")
    _job(
        iot,
        "fw",
        arn,
        schedulingConfig={
            "maintenanceWindows": [{"startTime": "cron(0/10 * * * ? *)", "durationInMinutes": 5}]
        },
    )
    _step(emulator, 8 * 60.0, tick=5.0)
    assert _execution(iot, "fw", "dev-1")["status"] in {"QUEUED", "SUCCEEDED"}
    _step(emulator, 12 * 60.0, tick=5.0)
    assert _execution(iot, "fw", "dev-1")["status"] == "SUCCEEDED"


def test_job_override_steps(iot: Any, emulator: Emulator, sim: DeviceSimulation) -> None:
    arn = _thing(iot, "dev-1", profile="all-succeed")
    sim.override_job(REGION, "cert", steps=(Step("generate-csr", 2.0, jitter=0.0),))
    _job(iot, "cert", arn)
    _step(emulator, 10.0)
    execution = _execution(iot, "cert", "dev-1")
    assert execution["status"] == "SUCCEEDED"
    assert execution["statusDetails"]["detailsMap"]["step"] == "generate-csr"
    with pytest.raises(KeyError):
        sim.override_job(REGION, "cert", "no-such-profile")


def _run(seed: int) -> list[tuple[str, str, float, dict[str, str]]]:
    emulator = Emulator(VirtualClock(start=1_767_225_600.0, speed=0))
    devices.install(emulator, profiles=PROFILES, seed=seed)
    ctx = RequestContext(emulator, CONTROL, REGION, emulator.config.account_id, "t", "")
    with emulator.lock:
        thing_handlers.create_thing_group(
            ctx,
            {
                "thingGroupName": "g",
                "thingGroupProperties": {"attributePayload": _attrs("flaky-cellular")},
            },
        )
        for i in range(30):
            thing_handlers.create_thing(ctx, {"thingName": f"t{i:02d}"})
            thing_handlers.add_thing_to_thing_group(
                ctx, {"thingGroupName": "g", "thingName": f"t{i:02d}"}
            )
        state = emulator.region(REGION)
        job_handlers.create_job(
            ctx,
            {
                "jobId": "j",
                "targets": [state.group_arn("g")],
                "document": "{}",
                "timeoutConfig": {"inProgressTimeoutInMinutes": 5},
            },
        )
    _step(emulator, 900.0, tick=10.0)
    job = emulator.region(REGION).jobs["j"]
    return [(e.thing_name, e.status, e.last_updated_at, e.status_details) for e in job.executions]


def test_deterministic_per_seed() -> None:
    first = _run(3)
    assert first == _run(3)
    assert first != _run(4)
    assert {status for _, status, _, _ in first} >= {"SUCCEEDED"}


def test_install_is_idempotent(emulator: Emulator) -> None:
    first = devices.install(emulator)
    assert devices.install(emulator) is first
    assert devices.simulation(emulator) is first
    assert emulator.engine.execution_listeners.count(first.on_execution_change) == 1


def test_poke_wakes_a_thing_given_a_profile_later(
    iot: Any, emulator: Emulator, sim: DeviceSimulation
) -> None:
    arn = _thing(iot, "dev-1")
    _job(iot, "fw", arn)
    _step(emulator, 30.0)
    assert _execution(iot, "fw", "dev-1")["status"] == "QUEUED"
    with emulator.lock:
        emulator.region(REGION).things["dev-1"].attributes[devices.PROFILE_ATTRIBUTE] = "quick"
        sim.poke(REGION, "dev-1", emulator.now())
    _step(emulator, 30.0)
    assert _execution(iot, "fw", "dev-1")["status"] == "SUCCEEDED"
