"""Stuck triage cycles against the emulator over HTTP, through the app's own JobsApi: what
each kind needs planted, and what a cycle costs in calls."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from iotjobs_tui.aws import triage
from iotjobs_tui.aws.api import JobsApi
from iotjobs_tui.aws.session import AwsConnection
from iotjobs_tui.aws.stuck import Thresholds, TriageState
from iotjobs_tui.sim.emulator import Emulator

from .test_targets import settings_for

LIMITS = Thresholds(queued_minutes=10, in_progress_minutes=30)


@pytest.fixture
async def api(sim_url: str) -> AsyncIterator[JobsApi]:
    connection = AwsConnection(settings_for(sim_url))
    client = await connection.open()
    try:
        yield JobsApi(client)
    finally:
        await connection.close()


def clock_of(emulator: Emulator) -> Callable[[], datetime]:
    return lambda: datetime.fromtimestamp(emulator.clock.now(), tz=UTC)


def step(emulator: Emulator, minutes: float) -> None:
    emulator.clock.advance(minutes * 60)
    with emulator.lock:
        emulator.advance()


async def cycle(api: JobsApi, emulator: Emulator, state: TriageState) -> Any:
    job = await api.describe_job(state.job_id)
    return await triage.run_cycle(api, state, job, clock_of(emulator), LIMITS)


async def test_thing_with_two_jobs_is_blocked(
    iot: Any, jobs_data: Any, emulator: Emulator, api: JobsApi
) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(jobId="first", targets=[arn], document="{}")
    iot.create_job(jobId="second", targets=[arn], document="{}")
    jobs_data.start_next_pending_job_execution(thingName="dev")  # "first" is IN_PROGRESS
    step(emulator, 11)
    state = TriageState("second")
    report = await cycle(api, emulator, state)
    assert [(e.thing, e.kind, e.blockers) for e in report.entries] == [
        ("dev", "blocked", ("first",))
    ]
    assert report.scanned == 1 and report.complete and report.checked == 1
    # Blocked explains it: no connectivity call was needed (none made, none known).
    assert api.stats.calls["GetThingConnectivityData"] == 0
    assert report.indexing == "unknown"


async def test_queued_past_the_threshold_never_picked_up(
    iot: Any, emulator: Emulator, api: JobsApi
) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(jobId="j", targets=[arn], document="{}")
    step(emulator, 9)
    state = TriageState("j")
    assert (await cycle(api, emulator, state)).entries == ()  # 9 min: not yet
    step(emulator, 2)
    report = await cycle(api, emulator, state)
    assert [(e.thing, e.kind) for e in report.entries] == [("dev", "never_picked_up")]
    # Indexing is off (the emulator's default): unknown, not an error.
    assert report.indexing == "off" and report.error is None


async def test_indexing_on_thing_never_connected_is_offline(
    iot: Any, emulator: Emulator, api: JobsApi
) -> None:
    emulator.config.connectivity_indexing = True
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(jobId="j", targets=[arn], document="{}")
    step(emulator, 11)
    report = await cycle(api, emulator, TriageState("j"))
    assert [(e.kind, e.offline_since) for e in report.entries] == [("offline", None)]
    assert report.indexing == "on"


async def test_silent_in_progress_with_its_countdown(
    iot: Any, jobs_data: Any, emulator: Emulator, api: JobsApi
) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(
        jobId="j", targets=[arn], document="{}", timeoutConfig={"inProgressTimeoutInMinutes": 60}
    )
    jobs_data.start_next_pending_job_execution(thingName="dev")
    started = clock_of(emulator)()
    step(emulator, 35)
    state = TriageState("j")
    report = await cycle(api, emulator, state)
    assert [e.kind for e in report.entries] == ["silent"]
    deadline = report.next_timeout()
    assert deadline is not None
    assert abs((deadline - started).total_seconds() - 3600) < 2
    assert report.entries[0].known.status == "IN_PROGRESS"  # DescribeJobExecution's

    # The device speaks: its new lastUpdatedAt clears it at the next scan.
    jobs_data.update_job_execution(jobId="j", thingName="dev", status="IN_PROGRESS")
    step(emulator, triage.RECHECK_SECONDS / 60)
    assert (await cycle(api, emulator, state)).entries == ()


async def test_calls_per_cycle_and_recheck_budget(
    iot: Any, emulator: Emulator, api: JobsApi
) -> None:
    arns = [iot.create_thing(thingName=f"dev-{i}")["thingArn"] for i in range(3)]
    iot.create_job(jobId="j", targets=arns, document="{}")
    step(emulator, 11)
    state = TriageState("j")
    await cycle(api, emulator, state)
    calls = dict(api.stats.calls)
    # IN_PROGRESS counts 0: not listed. 3 suspects: 1 ListForThing + 1 connectivity each
    # (the first connectivity answer says indexing is off, so the others are not asked).
    assert calls == {
        "DescribeJob": 1,
        "ListJobExecutionsForJob": 1,
        "ListJobExecutionsForThing": 3,
        "GetThingConnectivityData": 1,
    }
    await cycle(api, emulator, state)  # within the recheck delay: the scan only
    assert api.stats.calls["ListJobExecutionsForThing"] == 3
    assert api.stats.calls["ListJobExecutionsForJob"] == 2


async def test_big_list_is_swept_over_several_cycles(
    iot: Any, emulator: Emulator, api: JobsApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(triage, "PAGE_SIZE", 2)
    monkeypatch.setattr(triage, "CHECKS_PER_CYCLE", 0)
    arns = [iot.create_thing(thingName=f"dev-{i}")["thingArn"] for i in range(5)]
    iot.create_job(jobId="j", targets=arns, document="{}")
    step(emulator, 11)
    state = TriageState("j")
    first = await cycle(api, emulator, state)  # 2 pages of 2
    assert (first.scanned, first.complete) == (4, False)
    assert len(first.entries) == 4 and first.checked == 0
    second = await cycle(api, emulator, state)  # the last page: the sweep is done
    assert (second.scanned, second.complete) == (1, False)
    assert len(second.entries) == 5  # suspects come from the whole sweep
    third = await cycle(api, emulator, state)  # a new sweep; the last one's rows stand
    assert (third.scanned, len(third.entries)) == (4, 5)
    assert api.stats.calls["ListJobExecutionsForJob"] == 2 + 1 + 2
