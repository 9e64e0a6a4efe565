"""Conformance: UpdateThing, UpdateThingGroup, DeleteThingGroup, ListThingGroupsForThing,
UpdateThingGroupsForThing, idempotent DeleteThing and group-only AssociateTargetsWithJob."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.sim.emulator import Emulator

DOC = '{"op": "noop"}'


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def _groups_of(iot: Any, thing: str) -> list[str]:
    return [g["groupName"] for g in iot.list_thing_groups_for_thing(thingName=thing)["thingGroups"]]


def _exec_status(iot: Any, job: str, thing: str) -> str:
    return str(iot.describe_job_execution(jobId=job, thingName=thing)["execution"]["status"])


# --- UpdateThing -------------------------------------------------------------------------


def test_update_thing_merges_replaces_and_removes_attributes(iot: Any) -> None:
    iot.create_thing(thingName="d", attributePayload={"attributes": {"a": "1", "b": "2"}})
    iot.update_thing(
        thingName="d", attributePayload={"attributes": {"b": "", "c": "3"}, "merge": True}
    )
    described = iot.describe_thing(thingName="d")
    assert described["attributes"] == {"a": "1", "c": "3"}
    assert described["version"] == 2
    iot.update_thing(thingName="d", attributePayload={"attributes": {"z": "9"}})
    assert iot.describe_thing(thingName="d")["attributes"] == {"z": "9"}


def test_update_thing_type_and_remove_thing_type(iot: Any) -> None:
    iot.create_thing(thingName="d")
    iot.update_thing(thingName="d", thingTypeName="meter")
    assert iot.describe_thing(thingName="d")["thingTypeName"] == "meter"
    iot.update_thing(thingName="d", removeThingType=True)
    assert "thingTypeName" not in iot.describe_thing(thingName="d")
    with pytest.raises(ClientError) as exc:
        iot.update_thing(thingName="d", thingTypeName="meter", removeThingType=True)
    assert _code(exc) == "InvalidRequestException"


def test_update_thing_expected_version_and_missing_thing(iot: Any) -> None:
    iot.create_thing(thingName="d")
    iot.update_thing(thingName="d", expectedVersion=1, attributePayload={"attributes": {"a": "1"}})
    with pytest.raises(ClientError) as exc:
        iot.update_thing(thingName="d", expectedVersion=1)
    assert _code(exc) == "VersionConflictException"
    with pytest.raises(ClientError) as exc:
        iot.update_thing(thingName="ghost")
    assert _code(exc) == "ResourceNotFoundException"


# --- UpdateThingGroup / DeleteThingGroup ---------------------------------------------------


def test_update_thing_group_properties_and_version(iot: Any) -> None:
    iot.create_thing_group(
        thingGroupName="g",
        thingGroupProperties={
            "thingGroupDescription": "old",
            "attributePayload": {"attributes": {"site": "a", "tier": "1"}},
        },
    )
    out = iot.update_thing_group(
        thingGroupName="g",
        thingGroupProperties={
            "thingGroupDescription": "new",
            "attributePayload": {"attributes": {"tier": "", "zone": "z"}, "merge": True},
        },
        expectedVersion=1,
    )
    assert out["version"] == 2
    described = iot.describe_thing_group(thingGroupName="g")
    assert described["version"] == 2
    props = described["thingGroupProperties"]
    assert props["thingGroupDescription"] == "new"
    assert props["attributePayload"]["attributes"] == {"site": "a", "zone": "z"}
    with pytest.raises(ClientError) as exc:
        iot.update_thing_group(thingGroupName="g", thingGroupProperties={}, expectedVersion=1)
    assert _code(exc) == "VersionConflictException"
    with pytest.raises(ClientError) as exc:
        iot.update_thing_group(thingGroupName="ghost", thingGroupProperties={})
    assert _code(exc) == "ResourceNotFoundException"


def test_delete_thing_group_missing_is_success_and_children_refuse(iot: Any) -> None:
    iot.delete_thing_group(thingGroupName="never-existed")
    iot.create_thing_group(thingGroupName="root")
    iot.create_thing_group(thingGroupName="leaf", parentGroupName="root")
    with pytest.raises(ClientError) as exc:
        iot.delete_thing_group(thingGroupName="root")
    assert _code(exc) == "InvalidRequestException"
    with pytest.raises(ClientError) as exc:
        iot.delete_thing_group(thingGroupName="leaf", expectedVersion=7)
    assert _code(exc) == "VersionConflictException"
    iot.delete_thing_group(thingGroupName="leaf", expectedVersion=1)
    iot.delete_thing_group(thingGroupName="root")
    assert iot.list_thing_groups()["thingGroups"] == []


def test_delete_thing_group_keeps_things_and_removes_queued_continuous_runs(iot: Any) -> None:
    iot.create_thing(thingName="d")
    arn = iot.create_thing_group(thingGroupName="g")["thingGroupArn"]
    iot.add_thing_to_thing_group(thingGroupName="g", thingName="d")
    iot.create_job(jobId="j", targets=[arn], document=DOC, targetSelection="CONTINUOUS")
    assert _exec_status(iot, "j", "d") == "QUEUED"
    iot.delete_thing_group(thingGroupName="g")
    assert iot.describe_thing(thingName="d")["thingName"] == "d"
    assert _groups_of(iot, "d") == []
    assert _exec_status(iot, "j", "d") == "REMOVED"
    with pytest.raises(ClientError) as exc:
        iot.describe_thing_group(thingGroupName="g")
    assert _code(exc) == "ResourceNotFoundException"


# --- ListThingGroupsForThing / UpdateThingGroupsForThing -----------------------------------


def test_list_thing_groups_for_thing_pages_by_name(iot: Any) -> None:
    iot.create_thing(thingName="d")
    names = [f"g{i}" for i in range(5)]
    for name in reversed(names):
        iot.create_thing_group(thingGroupName=name)
        iot.add_thing_to_thing_group(thingGroupName=name, thingName="d")
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs: dict[str, Any] = {"thingName": "d", "maxResults": 2}
        if token:
            kwargs["nextToken"] = token
        page = iot.list_thing_groups_for_thing(**kwargs)
        seen += [g["groupName"] for g in page["thingGroups"]]
        assert all(
            g["groupArn"].endswith(f":thinggroup/{g['groupName']}") for g in page["thingGroups"]
        )
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    assert (seen, pages) == (names, 3)
    paginator = iot.get_paginator("list_thing_groups_for_thing")
    assert sum(len(p["thingGroups"]) for p in paginator.paginate(thingName="d")) == 5
    with pytest.raises(ClientError) as exc:
        iot.list_thing_groups_for_thing(thingName="ghost")
    assert _code(exc) == "ResourceNotFoundException"


def test_update_thing_groups_for_thing_adds_removes_and_moves(iot: Any) -> None:
    iot.create_thing(thingName="d")
    iot.create_thing_group(thingGroupName="fleet")
    iot.create_thing_group(thingGroupName="eu", parentGroupName="fleet")
    iot.create_thing_group(thingGroupName="us", parentGroupName="fleet")
    iot.create_thing_group(thingGroupName="beta")
    iot.update_thing_groups_for_thing(thingName="d", thingGroupsToAdd=["eu", "beta"])
    assert _groups_of(iot, "d") == ["beta", "eu"]
    # A move inside one hierarchy in one call; overrideDynamicGroups is accepted.
    iot.update_thing_groups_for_thing(
        thingName="d",
        thingGroupsToAdd=["us"],
        thingGroupsToRemove=["eu"],
        overrideDynamicGroups=True,
    )
    assert _groups_of(iot, "d") == ["beta", "us"]
    assert iot.list_things_in_thing_group(thingGroupName="eu")["things"] == []
    iot.update_thing_groups_for_thing(thingName="d", thingGroupsToRemove=["beta", "us"])
    assert _groups_of(iot, "d") == []


def test_update_thing_groups_for_thing_errors_change_nothing(iot: Any) -> None:
    iot.create_thing(thingName="d")
    iot.create_thing_group(thingGroupName="fleet")
    iot.create_thing_group(thingGroupName="eu", parentGroupName="fleet")
    iot.create_thing_group(thingGroupName="us", parentGroupName="fleet")
    iot.create_thing_group(thingGroupName="beta")
    with pytest.raises(ClientError) as exc:
        iot.update_thing_groups_for_thing(thingName="d", thingGroupsToAdd=["beta", "ghost"])
    assert _code(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        iot.update_thing_groups_for_thing(thingName="d", thingGroupsToAdd=["beta", "eu", "us"])
    assert _code(exc) == "InvalidRequestException"
    assert _groups_of(iot, "d") == []
    with pytest.raises(ClientError) as exc:
        iot.update_thing_groups_for_thing(thingName="ghost", thingGroupsToAdd=["beta"])
    assert _code(exc) == "ResourceNotFoundException"


def test_update_thing_groups_for_thing_reaches_continuous_jobs(iot: Any) -> None:
    iot.create_thing(thingName="d")
    arn = iot.create_thing_group(thingGroupName="g")["thingGroupArn"]
    iot.create_thing_group(thingGroupName="other")
    iot.create_job(jobId="j", targets=[arn], document=DOC, targetSelection="CONTINUOUS")
    iot.update_thing_groups_for_thing(thingName="d", thingGroupsToAdd=["g"])
    assert _exec_status(iot, "j", "d") == "QUEUED"
    iot.update_thing_groups_for_thing(
        thingName="d", thingGroupsToAdd=["other"], thingGroupsToRemove=["g"]
    )
    assert _exec_status(iot, "j", "d") == "REMOVED"


# --- DeleteThing, AssociateTargetsWithJob ---------------------------------------------------


def test_delete_missing_thing_is_success(iot: Any, emulator: Emulator) -> None:
    iot.delete_thing(thingName="never-existed")
    emulator.config.delete_missing_thing_ok = False
    with pytest.raises(ClientError) as exc:
        iot.delete_thing(thingName="never-existed")
    assert _code(exc) == "ResourceNotFoundException"


def test_associate_targets_takes_group_arns_only(iot: Any, emulator: Emulator) -> None:
    thing_arn = iot.create_thing(thingName="d")["thingArn"]
    g1 = iot.create_thing_group(thingGroupName="g1")["thingGroupArn"]
    iot.create_job(jobId="j", targets=[g1], document=DOC, targetSelection="CONTINUOUS")
    with pytest.raises(ClientError) as exc:
        iot.associate_targets_with_job(jobId="j", targets=[thing_arn])
    assert _code(exc) == "InvalidRequestException"
    assert iot.describe_job(jobId="j")["job"]["targets"] == [g1]
    emulator.config.associate_targets_groups_only = False
    iot.associate_targets_with_job(jobId="j", targets=[thing_arn])
    assert iot.describe_job(jobId="j")["job"]["targets"] == [g1, thing_arn]
