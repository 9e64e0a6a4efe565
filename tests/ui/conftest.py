"""UI fixtures: the app pointed at the emulator over HTTP, with the emulator's frozen clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from iotjobs_tui.aws.session import ConnectionSettings
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.ui.app import IotJobsApp
from iotjobs_tui.ui.data import DataService
from iotjobs_tui.ui.protocols import ViewOptions

ACCOUNT = "123456789012"
REGION = "us-east-1"


class FrozenMonotonic:
    """A monotonic clock tests step by hand, so 'updated Ns ago' is deterministic."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def settings_for(url: str) -> ConnectionSettings:
    return ConnectionSettings(
        region=REGION,
        endpoint_url=url,
        access_key_id="testing",
        secret_access_key="testing",
        max_attempts=1,
        connect_timeout=1,
        read_timeout=5,
    )


@pytest.fixture
def make_app(sim_url: str, emulator: Emulator) -> Callable[..., IotJobsApp]:
    def factory(url: str | None = None, page_size: int = 250, **options: Any) -> IotJobsApp:
        options.setdefault("connection_label", "emulator")
        options.setdefault("clock", emulator.clock.now)
        options.setdefault("monotonic", FrozenMonotonic())
        data = DataService(settings_for(url or sim_url), page_size=page_size)
        return IotJobsApp(data, ViewOptions(**options))

    return factory


async def wait_for(pilot: Any, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app run until `predicate()` holds; fail with a clear message otherwise."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await pilot.pause(0.05)


def group_arn(name: str) -> str:
    return f"arn:aws:iot:{REGION}:{ACCOUNT}:thinggroup/{name}"


def seed_group(iot: Any, name: str, things: int) -> str:
    arn: str = iot.create_thing_group(thingGroupName=name)["thingGroupArn"]
    for i in range(things):
        thing = f"{name}-{i:03d}"
        iot.create_thing(thingName=thing)
        iot.add_thing_to_thing_group(thingGroupName=name, thingName=thing)
    return arn


def seed_showcase(iot: Any, emulator: Emulator) -> None:
    """A small fleet with one job of each kind, for snapshots (deterministic at T0)."""
    fleet = seed_group(iot, "fleet", 12)
    canary = seed_group(iot, "canary", 3)
    iot.create_job(
        jobId="fw-2-4-1",
        targets=[fleet],
        document='{"operation": "firmware-update", "version": "2.4.1"}',
        description="Firmware 2.4.1 for the sensor fleet",
        targetSelection="CONTINUOUS",
        jobExecutionsRolloutConfig={
            "maximumPerMinute": 50,
            "exponentialRate": {
                "baseRatePerMinute": 2,
                "incrementFactor": 2.0,
                "rateIncreaseCriteria": {"numberOfNotifiedThings": 4},
            },
        },
        abortConfig={
            "criteriaList": [
                {
                    "failureType": "ALL",
                    "action": "CANCEL",
                    "thresholdPercentage": 15,
                    "minNumberOfExecutedThings": 10,
                }
            ]
        },
        timeoutConfig={"inProgressTimeoutInMinutes": 45},
        jobExecutionsRetryConfig={
            "criteriaList": [{"failureType": "FAILED", "numberOfRetries": 2}]
        },
    )
    iot.create_job(jobId="canary-reboot", targets=[canary], document='{"operation": "reboot"}')
    iot.create_job(jobId="old-config", targets=[canary], document="{}", description="Config push")
    iot.cancel_job(jobId="old-config", reasonCode="OPS", comment="superseded by fw-2-4-1")
    iot.create_job(
        jobId="night-window",
        targets=[fleet],
        document="{}",
        description="Nightly maintenance-window rollout",
        schedulingConfig={
            "startTime": "2026-01-01T06:00",
            "endTime": "2026-01-15T06:00",
            "endBehavior": "STOP_ROLLOUT",
            "maintenanceWindows": [
                {"startTime": "cron(0 2 ? * MON-FRI *)", "durationInMinutes": 120}
            ],
        },
    )
    emulator.clock.advance(90)
