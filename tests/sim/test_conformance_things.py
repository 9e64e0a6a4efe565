"""Conformance: things and thing groups, the registry that job targets resolve against."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_create_and_describe_thing_keeps_attributes(iot: Any) -> None:
    created = iot.create_thing(thingName="dev-1", attributePayload={"attributes": {"fw": "1.2"}})
    described = iot.describe_thing(thingName="dev-1")
    assert created["thingArn"] == "arn:aws:iot:us-east-1:123456789012:thing/dev-1"
    assert described["thingId"] == created["thingId"]
    assert described["attributes"] == {"fw": "1.2"}
    assert described["version"] == 1
    # thingId is a UUID.
    assert len(created["thingId"]) == 36 and created["thingId"].count("-") == 4


def test_thing_ids_are_reproducible_per_seed(iot: Any, emulator: Any) -> None:
    from iotjobs_tui.sim.emulator import Emulator
    from iotjobs_tui.sim.engine.clock import VirtualClock

    first = iot.create_thing(thingName="a")["thingId"]
    other = Emulator(VirtualClock(start=0, speed=0))
    assert other.new_uuid() == first


def test_duplicate_thing_with_other_attributes_is_resource_already_exists(iot: Any) -> None:
    iot.create_thing(thingName="dev-1", attributePayload={"attributes": {"a": "1"}})
    # An identical request is idempotent.
    iot.create_thing(thingName="dev-1", attributePayload={"attributes": {"a": "1"}})
    with pytest.raises(ClientError) as exc:
        iot.create_thing(thingName="dev-1", attributePayload={"attributes": {"a": "2"}})
    assert _code(exc) == "ResourceAlreadyExistsException"
    assert exc.value.response["resourceArn"].endswith(":thing/dev-1")


def test_list_things_pages_in_name_order(iot: Any) -> None:
    names = [f"dev-{i:02d}" for i in range(7)]
    for name in reversed(names):
        iot.create_thing(thingName=name, attributePayload={"attributes": {"site": "x"}})
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs: dict[str, Any] = {"maxResults": 3}
        if token:
            kwargs["nextToken"] = token
        page = iot.list_things(**kwargs)
        seen += [t["thingName"] for t in page["things"]]
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    assert seen == names
    assert pages == 3
    filtered = iot.list_things(attributeName="site", attributeValue="y")
    assert filtered["things"] == []


def test_delete_thing_and_unknown_thing(iot: Any) -> None:
    iot.create_thing(thingName="dev-1")
    iot.delete_thing(thingName="dev-1")
    with pytest.raises(ClientError) as exc:
        iot.describe_thing(thingName="dev-1")
    assert _code(exc) == "ResourceNotFoundException"


def test_nested_groups_describe_root_to_parent(iot: Any) -> None:
    root = iot.create_thing_group(thingGroupName="fleet")
    iot.create_thing_group(thingGroupName="eu", parentGroupName="fleet")
    leaf = iot.create_thing_group(thingGroupName="eu-west", parentGroupName="eu")
    assert leaf["thingGroupArn"] == "arn:aws:iot:us-east-1:123456789012:thinggroup/eu-west"
    assert all(c.isalnum() or c == "-" for c in leaf["thingGroupId"])
    described = iot.describe_thing_group(thingGroupName="eu-west")
    meta = described["thingGroupMetadata"]
    assert meta["parentGroupName"] == "eu"
    assert [g["groupName"] for g in meta["rootToParentThingGroups"]] == ["fleet", "eu"]
    assert meta["rootToParentThingGroups"][0]["groupArn"] == root["thingGroupArn"]
    top = iot.describe_thing_group(thingGroupName="fleet")
    assert "parentGroupName" not in top["thingGroupMetadata"]
    assert "rootToParentThingGroups" not in top["thingGroupMetadata"]


def test_list_thing_groups_filters(iot: Any) -> None:
    iot.create_thing_group(thingGroupName="fleet")
    iot.create_thing_group(thingGroupName="eu", parentGroupName="fleet")
    iot.create_thing_group(thingGroupName="eu-west", parentGroupName="eu")
    iot.create_thing_group(thingGroupName="us", parentGroupName="fleet")
    iot.create_thing_group(thingGroupName="lab")

    def names(**kw: Any) -> list[str]:
        return [g["groupName"] for g in iot.list_thing_groups(**kw)["thingGroups"]]

    assert names() == ["eu", "eu-west", "fleet", "lab", "us"]
    assert names(parentGroup="fleet") == ["eu", "us"]
    assert names(parentGroup="fleet", recursive=True) == ["eu", "eu-west", "us"]
    assert names(namePrefixFilter="eu") == ["eu", "eu-west"]
    with pytest.raises(ClientError) as exc:
        iot.list_thing_groups(parentGroup="nope")
    assert _code(exc) == "ResourceNotFoundException"


def test_membership_by_name_or_arn_and_recursive_listing(iot: Any) -> None:
    iot.create_thing_group(thingGroupName="fleet")
    eu = iot.create_thing_group(thingGroupName="eu", parentGroupName="fleet")
    a = iot.create_thing(thingName="a")
    iot.create_thing(thingName="b")
    iot.add_thing_to_thing_group(thingGroupName="fleet", thingName="b")
    iot.add_thing_to_thing_group(thingGroupArn=eu["thingGroupArn"], thingArn=a["thingArn"])
    direct = iot.list_things_in_thing_group(thingGroupName="fleet")["things"]
    every = iot.list_things_in_thing_group(thingGroupName="fleet", recursive=True)["things"]
    assert direct == ["b"]
    assert every == ["a", "b"]
    iot.remove_thing_from_thing_group(thingGroupArn=eu["thingGroupArn"], thingArn=a["thingArn"])
    iot.remove_thing_from_thing_group(thingGroupName="fleet", thingName="b")
    assert iot.list_things_in_thing_group(thingGroupName="fleet", recursive=True)["things"] == []


def test_thing_cannot_join_two_groups_of_one_hierarchy(iot: Any) -> None:
    iot.create_thing_group(thingGroupName="fleet")
    iot.create_thing_group(thingGroupName="eu", parentGroupName="fleet")
    iot.create_thing(thingName="a")
    iot.add_thing_to_thing_group(thingGroupName="eu", thingName="a")
    with pytest.raises(ClientError) as exc:
        iot.add_thing_to_thing_group(thingGroupName="fleet", thingName="a")
    assert _code(exc) == "InvalidRequestException"


def test_unknown_group_or_thing_in_membership_is_not_found(iot: Any) -> None:
    iot.create_thing_group(thingGroupName="fleet")
    with pytest.raises(ClientError) as exc:
        iot.add_thing_to_thing_group(thingGroupName="fleet", thingName="ghost")
    assert _code(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        iot.create_thing_group(thingGroupName="child", parentGroupName="ghost")
    assert _code(exc) == "InvalidRequestException"


def test_regions_do_not_share_data(iot: Any, sim_url: str) -> None:
    import boto3
    from botocore.config import Config

    iot.create_thing(thingName="only-in-us-east-1")
    other = boto3.client(
        "iot",
        endpoint_url=sim_url,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "max_attempts": 1}),
    )
    assert other.list_things()["things"] == []
    created = other.create_thing(thingName="only-in-us-east-1")
    assert created["thingArn"] == "arn:aws:iot:eu-west-1:123456789012:thing/only-in-us-east-1"


def test_list_thing_groups_not_recursive_lists_roots(iot: Any) -> None:
    iot.create_thing_group(thingGroupName="fleet")
    iot.create_thing_group(thingGroupName="eu", parentGroupName="fleet")
    roots = iot.list_thing_groups(recursive=False)["thingGroups"]
    assert [g["groupName"] for g in roots] == ["fleet"]


def test_forged_token_is_invalid_request(iot: Any) -> None:
    import base64
    import json

    for i in range(3):
        iot.create_thing(thingName=f"t{i}")
    forged = base64.urlsafe_b64encode(json.dumps({"k": "things", "a": [1]}).encode()).decode()
    other_list = iot.list_thing_groups  # a token from another list is refused too
    token = iot.list_things(maxResults=1)["nextToken"]
    for call, bad in ((iot.list_things, forged), (other_list, token)):
        with pytest.raises(ClientError) as exc:
            call(nextToken=bad)
        assert _code(exc) == "InvalidRequestException"
