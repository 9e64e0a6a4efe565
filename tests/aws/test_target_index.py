"""Target counting through the fleet index (`aws/target_index.py`), against the emulator over
HTTP: one GetStatistics instead of a page per 250 things, and listing when the index is off."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.aws.api import JobsApi
from iotjobs_tui.aws.eta import SOURCE_INDEX, SOURCE_LISTED
from iotjobs_tui.aws.targets import TargetCounter
from iotjobs_tui.sim.emulator import Emulator
from tests.aws.test_targets import api as api
from tests.aws.test_targets import big_group, group, group_arn, thing_arn


def index_on(iot: Any) -> None:
    iot.update_indexing_configuration(thingIndexingConfiguration={"thingIndexingMode": "REGISTRY"})


async def test_a_group_tree_counts_with_a_few_calls(iot: Any, api: JobsApi) -> None:
    index_on(iot)
    root = group(iot, "region", 3)
    group(iot, "site-a", 2, parent="region")
    group(iot, "site-a-1", 4, parent="site-a")
    group(iot, "spares", 2)
    iot.add_thing_to_thing_group(thingGroupName="spares", thingName="region-0")  # another tree
    count = await TargetCounter(page_pause=0).count(api, [root], continuous=False)
    assert (count.things, count.complete, count.source) == (3 + 2 + 4, True, SOURCE_INDEX)
    # A first query probes the index (once a session), then DescribeThingGroup,
    # ListThingGroups for the child groups, and the query.
    assert count.calls == 4
    # Two trees sharing a thing: it counts once (a new counter: the probe, a tree each, a query).
    both = await TargetCounter(page_pause=0).count(api, [root, group_arn("spares")], False)
    assert (both.things, both.calls) == (3 + 2 + 4 + 2, 6)
    assert api.stats.calls["GetStatistics"] == 4
    assert api.stats.calls["ListThingsInThingGroup"] == 0


async def test_overlapping_targets_count_each_thing_once(iot: Any, api: JobsApi) -> None:
    index_on(iot)
    meters = group(iot, "meters", 5)
    iot.create_thing(thingName="lone")
    targets = [meters, thing_arn("meters-0"), thing_arn("lone")]
    count = await TargetCounter(page_pause=0).count(api, targets, continuous=False)
    assert (count.things, count.source) == (6, SOURCE_INDEX)


async def test_a_big_group_costs_the_same_three_calls(
    iot: Any, api: JobsApi, emulator: Emulator
) -> None:
    index_on(iot)
    arn = big_group(emulator, "fleet", 3000)
    counter = TargetCounter(page_pause=0)
    count = await counter.count(api, [arn], continuous=False)
    assert (count.things, count.calls, count.source) == (3000, 4, SOURCE_INDEX)
    # The group tree is cached; a recount is one GetStatistics.
    again = await counter.count_by_index(api, [arn], continuous=False)
    assert again is not None and (again.things, again.calls) == (3000, 1)


async def test_indexing_off_falls_back_to_listing_and_says_why(iot: Any, api: JobsApi) -> None:
    root = group(iot, "region", 3)
    counter = TargetCounter(page_pause=0)
    count = await counter.count(api, [root], continuous=False)
    assert (count.things, count.complete, count.source) == (3, True, SOURCE_LISTED)
    # The index cost one call: the probe, before any group tree was walked.
    assert api.stats.calls["ListThingGroups"] == 0
    assert counter.index.off is not None and "GetStatistics" in counter.index.off
    # From then on the index is not asked again, and a list row gets no count from it.
    assert await counter.count_by_index(api, [root], continuous=False) is None
    await counter.count(api, [root], continuous=False)
    assert api.stats.calls["GetStatistics"] == 1


async def test_a_dynamic_group_counts_members_now(iot: Any, api: JobsApi) -> None:
    index_on(iot)
    for i in range(4):
        iot.create_thing(thingName=f"m-{i}", attributePayload={"attributes": {"fw": "5.1"}})
    iot.create_thing(thingName="m-new", attributePayload={"attributes": {"fw": "5.2"}})
    arn = iot.create_dynamic_thing_group(thingGroupName="old-fw", queryString="attributes.fw:5.1")[
        "thingGroupArn"
    ]
    count = await TargetCounter(page_pause=0).count(api, [arn], continuous=True)
    assert (count.things, count.members_now, count.source) == (4, True, SOURCE_INDEX)


async def test_the_index_is_asked_as_the_caller_paces_and_listing_is_background(
    iot: Any, api: JobsApi
) -> None:
    """The detail's count goes ahead of background work (its ETA waits for it) when the
    index answers in a few calls; listing hundreds of pages is background whoever asked."""
    index_on(iot)
    root = group(iot, "region", 3)
    count = await TargetCounter(page_pause=0).count(api, [root], continuous=False)
    assert count.source == SOURCE_INDEX
    assert api.pacer.background_calls == 0
    listed = await TargetCounter(page_pause=0, use_index=False).count(api, [root], False)
    assert listed.source == SOURCE_LISTED
    assert api.pacer.background_calls == listed.calls  # DescribeThingGroup and one page
