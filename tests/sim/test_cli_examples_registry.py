"""The AWS CLI's documented examples for things, thing groups, DescribeEndpoint and fleet
indexing, run with the real `aws` CLI (v1); see `cli_examples_kit` for what is compared.

The registry's `version` follows from the calls made (1 on creation, one more per update), so
these tests replay the examples' history and compare it (`keep=VERSION`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.sim.cli_examples_kit import AwsCli, assert_matches, client, needs_cli

pytestmark = needs_cli

VERSION = ("version",)
# The attribute payload of the create-thing and update-thing examples. On the pages it is
# "{"attributes": {"wattage":"75", "model":"123"}}", whose inner quotes a shell strips; the JSON
# it means is passed here (the tests run the CLI without a shell).
BULB_ATTRIBUTES = '{"attributes": {"wattage":"75", "model":"123"}}'
BULB = {
    "thingTypeName": "LightBulb",
    "attributePayload": {"attributes": {"wattage": "75", "model": "123"}},
}
# How those bulbs show in the list-things and search-index examples.
BULB_ENTRY = {"thingTypeName": "LightBulb", "attributes": {"model": "123", "wattage": "75"}}
# The thing group properties of the create-thing-group and update-thing-group examples
# (CLI shorthand syntax).
GROUP_PROPERTIES = (
    'thingGroupDescription="{}", attributePayload={{attributes={{Manufacturer=AnyCompany,'
    "wattage=60}}}}"
)


@pytest.fixture
def cli(sim_url: str, tmp_path: Path) -> AwsCli:
    return AwsCli(sim_url, tmp_path)


@pytest.fixture
def iot(sim_url: str) -> Any:
    """boto3 in the examples' region (us-west-2), to create what an example presupposes."""
    return client("iot", sim_url)


def _thing(name: str, version: int, **extra: Any) -> dict[str, Any]:
    """An entry of the list-things examples."""
    arn = f"arn:aws:iot:us-west-2:123456789012:thing/{name}"
    return {"thingName": name, "thingArn": arn, "version": version, **extra}


def test_things(cli: AwsCli, iot: Any) -> None:
    # https://docs.aws.amazon.com/cli/latest/reference/iot/create-thing.html, example 1
    # (the page's thingArn and thingId carry stray spaces, left out here)
    out = cli.run("iot", "create-thing", "--thing-name", "SampleIoTThing")
    assert_matches(
        out,
        {
            "thingName": "SampleIoTThing",
            "thingArn": "arn:aws:iot:us-west-2:123456789012:thing/SampleIoTThing",
            "thingId": "EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE",
        },
    )
    # Example 2. It presupposes the thing type LightBulb (create-thing-type); the emulator
    # has no thing type API and takes the name as given.
    out = cli.run(
        "iot", "create-thing",
        "--thing-name", "MyLightBulb",
        "--thing-type-name", "LightBulb",
        "--attribute-payload", BULB_ATTRIBUTES,
    )  # fmt: skip
    assert_matches(
        out,
        {
            "thingName": "MyLightBulb",
            "thingArn": "arn:aws:iot:us-west-2:123456789012:thing/MyLightBulb",
            "thingId": "40da2e73-c6af-406e-b415-15acae538797",
        },
    )
    # https://docs.aws.amazon.com/cli/latest/reference/iot/describe-thing.html
    assert_matches(
        cli.run("iot", "describe-thing", "--thing-name", "MyLightBulb"),
        {
            "defaultClientId": "MyLightBulb",
            "thingName": "MyLightBulb",
            "thingId": "40da2e73-c6af-406e-b415-15acae538797",
            "thingArn": "arn:aws:iot:us-west-2:123456789012:thing/MyLightBulb",
            "thingTypeName": "LightBulb",
            "attributes": {"model": "123", "wattage": "75"},
            "version": 1,
        },
        keep=VERSION,
    )
    # https://docs.aws.amazon.com/cli/latest/reference/iot/update-thing.html
    # No output. The list-things examples show MyOtherLightBulb at version 3: created, updated
    # once, then by this example.
    iot.create_thing(thingName="MyOtherLightBulb")
    iot.update_thing(thingName="MyOtherLightBulb", attributePayload={"attributes": {"on": "1"}})
    assert cli.run(
        "iot", "update-thing",
        "--thing-name", "MyOtherLightBulb",
        "--thing-type-name", "LightBulb",
        "--attribute-payload", BULB_ATTRIBUTES,
    ) is None  # fmt: skip
    described = iot.describe_thing(thingName="MyOtherLightBulb")
    assert (described["thingTypeName"], described["attributes"]) == (
        "LightBulb",
        {"model": "123", "wattage": "75"},
    )
    # https://docs.aws.amazon.com/cli/latest/reference/iot/list-things.html, example 2
    # (made before ThirdBulb had attributes: example 1 shows it at version 2)
    assert_matches(
        cli.run("iot", "list-things", "--attribute-name", "wattage"),
        {
            "things": [
                _thing("MyLightBulb", 1, **BULB_ENTRY),
                _thing("MyOtherLightBulb", 3, **BULB_ENTRY),
            ]
        },
        keep=VERSION,
    )
    # Example 1 (its order is not alphabetical; AWS documents no order for ListThings).
    iot.create_thing(thingName="ThirdBulb")
    iot.update_thing(thingName="ThirdBulb", **BULB)
    assert_matches(
        cli.run("iot", "list-things"),
        {
            "things": [
                _thing("ThirdBulb", 2, **BULB_ENTRY),
                _thing("MyOtherLightBulb", 3, **BULB_ENTRY),
                _thing("MyLightBulb", 1, **BULB_ENTRY),
                _thing("SampleIoTThing", 1, attributes={}),
            ]
        },
        keep=VERSION,
    )
    # https://docs.aws.amazon.com/cli/latest/reference/iot/delete-thing.html
    # No output.
    iot.create_thing(thingName="FourthBulb")
    assert cli.run("iot", "delete-thing", "--thing-name", "FourthBulb") is None
    with pytest.raises(ClientError):
        iot.describe_thing(thingName="FourthBulb")


def test_thing_groups(cli: AwsCli, iot: Any) -> None:
    # https://docs.aws.amazon.com/cli/latest/reference/iot/create-thing-group.html, example 1
    out = cli.run(
        "iot", "create-thing-group",
        "--thing-group-name", "LightBulbs",
        "--thing-group-properties", GROUP_PROPERTIES.format("Generic bulb group"),
    )  # fmt: skip
    assert_matches(
        out,
        {
            "thingGroupName": "LightBulbs",
            "thingGroupArn": "arn:aws:iot:us-west-2:123456789012:thinggroup/LightBulbs",
            "thingGroupId": "9198bf9f-1e76-4a88-8e8c-e7140142c331",
        },
    )
    assert iot.describe_thing_group(thingGroupName="LightBulbs")["thingGroupProperties"] == {
        "thingGroupDescription": "Generic bulb group",
        "attributePayload": {"attributes": {"Manufacturer": "AnyCompany", "wattage": "60"}},
    }
    # Example 2
    out = cli.run(
        "iot", "create-thing-group",
        "--thing-group-name", "HalogenBulbs", "--parent-group-name", "LightBulbs",
    )  # fmt: skip
    assert_matches(
        out,
        {
            "thingGroupName": "HalogenBulbs",
            "thingGroupArn": "arn:aws:iot:us-west-2:123456789012:thinggroup/HalogenBulbs",
            "thingGroupId": "f4ec6b84-b42b-499d-9ce1-4dbd4d4f6f6e",
        },
    )
    # https://docs.aws.amazon.com/cli/latest/reference/iot/describe-thing-group.html
    assert_matches(
        cli.run("iot", "describe-thing-group", "--thing-group-name", "HalogenBulbs"),
        {
            "thingGroupName": "HalogenBulbs",
            "thingGroupId": "f4ec6b84-b42b-499d-9ce1-4dbd4d4f6f6e",
            "thingGroupArn": "arn:aws:iot:us-west-2:123456789012:thinggroup/HalogenBulbs",
            "version": 1,
            "thingGroupProperties": {},
            "thingGroupMetadata": {
                "parentGroupName": "LightBulbs",
                "rootToParentThingGroups": [
                    {
                        "groupName": "LightBulbs",
                        "groupArn": "arn:aws:iot:us-west-2:123456789012:thinggroup/LightBulbs",
                    }
                ],
                "creationDate": 1559927609.897,
            },
        },
        keep=VERSION,
    )
    # https://docs.aws.amazon.com/cli/latest/reference/iot/list-thing-groups.html
    assert_matches(
        cli.run("iot", "list-thing-groups"),
        {
            "thingGroups": [
                {
                    "groupName": "HalogenBulbs",
                    "groupArn": "arn:aws:iot:us-west-2:123456789012:thinggroup/HalogenBulbs",
                },
                {
                    "groupName": "LightBulbs",
                    "groupArn": "arn:aws:iot:us-west-2:123456789012:thinggroup/LightBulbs",
                },
            ]
        },
    )
    # https://docs.aws.amazon.com/cli/latest/reference/iot/update-thing-group.html
    out = cli.run(
        "iot", "update-thing-group",
        "--thing-group-name", "HalogenBulbs",
        "--thing-group-properties", GROUP_PROPERTIES.format("Halogen bulb group"),
    )  # fmt: skip
    assert out == {"version": 2}
    properties = iot.describe_thing_group(thingGroupName="HalogenBulbs")["thingGroupProperties"]
    assert properties["thingGroupDescription"] == "Halogen bulb group"
    # https://docs.aws.amazon.com/cli/latest/reference/iot/delete-thing-group.html
    # No output.
    iot.create_thing_group(thingGroupName="DefectiveBulbs")
    assert cli.run("iot", "delete-thing-group", "--thing-group-name", "DefectiveBulbs") is None
    assert "DefectiveBulbs" not in {g["groupName"] for g in iot.list_thing_groups()["thingGroups"]}


def _groups_of(iot: Any, thing: str) -> set[str]:
    return {g["groupName"] for g in iot.list_thing_groups_for_thing(thingName=thing)["thingGroups"]}


def test_group_membership(cli: AwsCli, iot: Any) -> None:
    for thing in ("MyLightBulb", "bulb7"):
        iot.create_thing(thingName=thing)
    for group in ("LightBulbs", "DeadBulbs", "replaceableItems"):
        iot.create_thing_group(thingGroupName=group)
    # https://docs.aws.amazon.com/cli/latest/reference/iot/add-thing-to-thing-group.html
    # No output.
    assert cli.run(
        "iot", "add-thing-to-thing-group",
        "--thing-name", "MyLightBulb", "--thing-group-name", "LightBulbs",
    ) is None  # fmt: skip
    # https://docs.aws.amazon.com/cli/latest/reference/iot/list-things-in-thing-group.html
    out = cli.run("iot", "list-things-in-thing-group", "--thing-group-name", "LightBulbs")
    assert out == {"things": ["MyLightBulb"]}
    # https://docs.aws.amazon.com/cli/latest/reference/iot/list-thing-groups-for-thing.html
    iot.add_thing_to_thing_group(thingGroupName="DeadBulbs", thingName="MyLightBulb")
    assert_matches(
        cli.run("iot", "list-thing-groups-for-thing", "--thing-name", "MyLightBulb"),
        {
            "thingGroups": [
                {
                    "groupName": "DeadBulbs",
                    "groupArn": "arn:aws:iot:us-west-2:123456789012:thinggroup/DeadBulbs",
                },
                {
                    "groupName": "LightBulbs",
                    "groupArn": "arn:aws:iot:us-west-2:123456789012:thinggroup/LightBulbs",
                },
            ]
        },
    )
    # https://docs.aws.amazon.com/cli/latest/reference/iot/update-thing-groups-for-thing.html
    # No output.
    assert cli.run(
        "iot", "update-thing-groups-for-thing",
        "--thing-name", "MyLightBulb",
        "--thing-groups-to-add", "replaceableItems",
        "--thing-groups-to-remove", "DeadBulbs",
    ) is None  # fmt: skip
    assert _groups_of(iot, "MyLightBulb") == {"LightBulbs", "replaceableItems"}
    # https://docs.aws.amazon.com/cli/latest/reference/iot/remove-thing-from-thing-group.html
    # No output.
    iot.add_thing_to_thing_group(thingGroupName="DeadBulbs", thingName="bulb7")
    assert cli.run("iot", "remove-thing-from-thing-group",
                   "--thing-name", "bulb7", "--thing-group-name", "DeadBulbs") is None  # fmt: skip
    assert _groups_of(iot, "bulb7") == set()


def test_describe_endpoint(cli: AwsCli, sim_url: str) -> None:
    # https://docs.aws.amazon.com/cli/latest/reference/iot/describe-endpoint.html
    # The examples answer "abc123defghijk.iot.us-west-2.amazonaws.com" (example 1) and
    # "abc123defghijk-ats.iot.us-west-2.amazonaws.com" (example 2, --endpoint-type
    # iot:Data-ATS): one member, a hostname without a scheme. By design the emulator answers
    # its own host:port for every type, since one port serves them all
    # (EmulatorConfig.endpoint_address, sim/api/handlers/endpoint.py).
    host = sim_url.partition("://")[2]
    assert cli.run("iot", "describe-endpoint") == {"endpointAddress": host}
    out = cli.run("iot", "describe-endpoint", "--endpoint-type", "iot:Data-ATS")
    assert out == {"endpointAddress": host}


@pytest.fixture
def indexed(iot: Any) -> Any:
    """Fleet indexing with connectivity on, as the index examples presuppose."""
    iot.update_indexing_configuration(
        thingIndexingConfiguration={
            "thingIndexingMode": "REGISTRY",
            "thingConnectivityIndexingMode": "STATUS",
        }
    )
    return iot


def test_dynamic_group_and_search_index(cli: AwsCli, indexed: Any) -> None:
    iot = indexed
    # https://docs.aws.amazon.com/cli/latest/reference/iot/create-dynamic-thing-group.html
    out = cli.run(
        "iot", "create-dynamic-thing-group",
        "--thing-group-name", "RoomTooWarm",
        "--query-string", "attributes.temperature>60",
    )  # fmt: skip
    assert_matches(
        out,
        {
            "thingGroupName": "RoomTooWarm",
            "thingGroupArn": "arn:aws:iot:us-west-2:123456789012:thinggroup/RoomTooWarm",
            "thingGroupId": "9d52492a-fc87-43f4-b6e2-e571d2ffcad1",
            "indexName": "AWS_Things",
            "queryString": "attributes.temperature>60",
            "queryVersion": "2017-09-30",
        },
    )
    # https://docs.aws.amazon.com/cli/latest/reference/iot/search-index.html
    for name in ("MyLightBulb", "ThirdBulb", "MyOtherLightBulb"):
        iot.create_thing(thingName=name, **BULB)
    iot.create_thing(thingName="SampleIoTThing")  # no type: not a match
    for group in ("LightBulbs", "DeadBulbs"):
        iot.create_thing_group(thingGroupName=group)
        iot.add_thing_to_thing_group(thingGroupName=group, thingName="MyLightBulb")
    out = cli.run(
        "iot", "search-index",
        "--index-name", "AWS_Things", "--query-string", "thingTypeName:LightBulb",
    )  # fmt: skip
    found = {**BULB_ENTRY, "connectivity": {"connected": False}}
    assert_matches(
        out,
        {
            "things": [
                {
                    "thingName": "MyLightBulb",
                    "thingId": "40da2e73-c6af-406e-b415-15acae538797",
                    "thingGroupNames": ["LightBulbs", "DeadBulbs"],
                    **found,
                },
                {
                    "thingName": "ThirdBulb",
                    "thingId": "615c8455-33d5-40e8-95fd-3ee8b24490af",
                    **found,
                },
                {
                    "thingName": "MyOtherLightBulb",
                    "thingId": "6dae0d3f-40c1-476a-80c4-1ed24ba6aa11",
                    **found,
                },
            ]
        },
    )


def test_get_statistics(cli: AwsCli, indexed: Any) -> None:
    for n in range(6):
        indexed.create_thing(thingName=f"offline-{n}")
    # https://docs.aws.amazon.com/cli/latest/reference/iot/get-statistics.html
    out = cli.run(
        "iot", "get-statistics",
        "--index-name", "AWS_Things", "--query-string", "connectivity.connected:false",
    )  # fmt: skip
    assert out == {"statistics": {"count": 6}}
