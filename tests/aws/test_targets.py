"""Target counting against the emulator over HTTP, through the app's own JobsApi: the listing
path (`use_index=False`); tests/aws/test_target_index.py covers the fleet index."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from iotjobs_tui.aws.api import JobsApi
from iotjobs_tui.aws.session import AwsConnection, ConnectionSettings
from iotjobs_tui.aws.targets import TargetCount, TargetCounter, parse_target
from iotjobs_tui.sim.api.handlers import things as thing_handlers
from iotjobs_tui.sim.demo.fleet import control_context
from iotjobs_tui.sim.emulator import Emulator

ACCOUNT = "123456789012"
REGION = "us-east-1"


def settings_for(url: str) -> ConnectionSettings:
    """As tests/ui/conftest.py: the app's connection, pointed at the emulator, no retries."""
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
async def api(sim_url: str) -> AsyncIterator[JobsApi]:
    connection = AwsConnection(settings_for(sim_url))
    client = await connection.open()  # as ui/data.py does
    try:
        yield JobsApi(client)
    finally:
        await connection.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def group_arn(name: str) -> str:
    return f"arn:aws:iot:{REGION}:{ACCOUNT}:thinggroup/{name}"


def thing_arn(name: str) -> str:
    return f"arn:aws:iot:{REGION}:{ACCOUNT}:thing/{name}"


def group(iot: Any, name: str, things: int, parent: str | None = None) -> str:
    params = {"thingGroupName": name}
    if parent:
        params["parentGroupName"] = parent
    arn: str = iot.create_thing_group(**params)["thingGroupArn"]
    for i in range(things):
        iot.create_thing(thingName=f"{name}-{i}")
        iot.add_thing_to_thing_group(thingGroupName=name, thingName=f"{name}-{i}")
    return arn


def big_group(emulator: Emulator, name: str, things: int) -> str:
    """Many things, created through the handlers in-process (fast; same rules as HTTP)."""
    ctx = control_context(emulator, REGION)
    thing_handlers.create_thing_group(ctx, {"thingGroupName": name})
    for i in range(things):
        thing_handlers.create_thing(ctx, {"thingName": f"{name}-{i:04d}"})
        thing_handlers.add_thing_to_thing_group(
            ctx, {"thingGroupName": name, "thingName": f"{name}-{i:04d}"}
        )
    return group_arn(name)


def test_parse_target() -> None:
    assert parse_target(group_arn("meters")) == ("thinggroup", "meters")
    assert parse_target(thing_arn("m-1")) == ("thing", "m-1")
    assert parse_target(f"arn:aws:iot:{REGION}:{ACCOUNT}:job/x") is None
    assert parse_target("meters") is None


async def test_group_with_child_groups_counts_every_member(iot: Any, api: JobsApi) -> None:
    root = group(iot, "region", 3)
    group(iot, "site-a", 2, parent="region")
    group(iot, "site-a-1", 4, parent="site-a")
    group(iot, "site-b", 1, parent="region")
    count = await TargetCounter(page_pause=0, use_index=False).count(api, [root], continuous=False)
    assert count.things == 3 + 2 + 4 + 1
    assert count.complete and not count.members_now and count.errors == ()
    assert count.calls == 2  # DescribeThingGroup + one page
    assert api.stats.calls["ListThingsInThingGroup"] == 1
    assert api.stats.calls["DescribeThingGroup"] == 1


async def test_things_and_overlapping_groups_count_each_thing_once(iot: Any, api: JobsApi) -> None:
    fleet = group(iot, "fleet", 3)
    canary = iot.create_thing_group(thingGroupName="canary")["thingGroupArn"]
    iot.add_thing_to_thing_group(thingGroupName="canary", thingName="fleet-0")  # in both
    iot.create_thing(thingName="lone")
    targets = [fleet, canary, thing_arn("lone"), thing_arn("fleet-1")]
    count = await TargetCounter(page_pause=0, use_index=False).count(api, targets, continuous=True)
    assert count.things == 4  # fleet-0, fleet-1, fleet-2, lone
    assert count.complete and count.members_now  # continuous: the set can change


async def test_pages_past_250_with_progress(emulator: Emulator, api: JobsApi) -> None:
    arn = big_group(emulator, "meters", 620)
    seen: list[TargetCount] = []
    count = await TargetCounter(page_pause=0, use_index=False).count(
        api, [arn], continuous=False, on_progress=seen.append
    )
    assert count.things == 620 and count.complete
    assert count.calls == 1 + 3  # 250 + 250 + 120
    assert [p.things for p in seen] == [250, 500, 620]
    assert not any(p.complete for p in seen)
    assert [p.calls for p in seen] == [2, 3, 4]


async def test_pages_are_paced(emulator: Emulator, api: JobsApi) -> None:
    arn = big_group(emulator, "meters", 260)
    counter = TargetCounter(page_pause=0.2, use_index=False)
    loop = asyncio.get_running_loop()
    started = loop.time()
    count = await counter.count(api, [arn], continuous=False)
    assert count.things == 260
    assert loop.time() - started >= 0.2  # one pause between the two pages


async def test_cache_hits_cost_no_calls_until_the_ttl(iot: Any, api: JobsApi) -> None:
    arn = group(iot, "fleet", 5)
    clock = Clock()
    counter = TargetCounter(ttl=600, page_pause=0, clock=clock, use_index=False)
    first = await counter.count(api, [arn], continuous=False)
    assert (first.things, first.calls, first.counted_at) == (5, 2, 1_000.0)
    total = api.stats.total
    clock.now += 599
    again = await counter.count(api, [arn], continuous=False)
    assert (again.things, again.calls, again.counted_at) == (5, 0, 1_000.0)
    assert api.stats.total == total
    iot.create_thing(thingName="late")
    iot.add_thing_to_thing_group(thingGroupName="fleet", thingName="late")
    clock.now += 2  # past the TTL: counted again
    fresh = await counter.count(api, [arn], continuous=False)
    assert (fresh.things, fresh.calls, fresh.counted_at) == (6, 2, 1_601.0)


async def test_a_missing_group_is_an_error_with_its_code(iot: Any, api: JobsApi) -> None:
    fleet = group(iot, "fleet", 2)
    count = await TargetCounter(page_pause=0, use_index=False).count(
        api, [fleet, group_arn("gone")], continuous=False
    )
    assert not count.complete
    assert count.things == 2  # what could be counted
    (error,) = count.errors
    assert "gone" in error and "ResourceNotFoundException" in error
    # A failure is not cached: the next count asks again.
    assert api.stats.calls["DescribeThingGroup"] == 2


async def test_a_target_that_is_no_arn_is_an_error(api: JobsApi) -> None:
    count = await TargetCounter(page_pause=0, use_index=False).count(
        api, ["meters"], continuous=False
    )
    assert (count.things, count.complete, count.calls) == (0, False, 0)
    assert "'meters'" in count.errors[0]


async def test_dynamic_group_is_members_now(iot: Any, api: JobsApi) -> None:
    """The emulator has no dynamic groups: DescribeThingGroup's queryString is added here."""
    arn = group(iot, "hot", 2)
    real = api.describe_thing_group

    async def described(name: str) -> dict[str, Any]:
        return {**await real(name), "queryString": "attributes.temp > 40"}

    api.describe_thing_group = described  # type: ignore[method-assign]
    count = await TargetCounter(page_pause=0, use_index=False).count(api, [arn], continuous=False)
    assert count.things == 2 and count.complete and count.members_now


async def test_concurrent_counts_share_the_pace(emulator: Emulator, api: JobsApi) -> None:
    first = big_group(emulator, "north", 260)
    second = big_group(emulator, "south", 260)
    counter = TargetCounter(page_pause=0.15, use_index=False)
    loop = asyncio.get_running_loop()
    started = loop.time()
    counts = await asyncio.gather(
        counter.count(api, [first], continuous=False),
        counter.count(api, [second], continuous=False),
    )
    assert [c.things for c in counts] == [260, 260]
    assert loop.time() - started >= 3 * 0.15  # four pages, one slot each
