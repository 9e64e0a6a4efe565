"""Conformance: fleet indexing (Update/GetIndexingConfiguration, SearchIndex, GetStatistics,
DescribeIndex, ListIndices) and dynamic thing groups (Create/Update/DeleteDynamicThingGroup,
membership kept current, CONTINUOUS jobs reaching things that join), over boto3 and HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.sim.api.handlers import things as thing_handlers
from iotjobs_tui.sim.demo.fleet import control_context
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.engine.fleet_query_parse import parse_query

DOC = '{"op": "noop"}'
ON = {"thingIndexingMode": "REGISTRY"}


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def _message(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Message"])


def _step(emulator: Emulator, seconds: float) -> None:
    emulator.clock.advance(seconds)
    with emulator.lock:
        emulator.advance()


def _names(iot: Any, query: str) -> list[str]:
    return [t["thingName"] for t in iot.search_index(queryString=query)["things"]]


def _members(iot: Any, group: str) -> list[str]:
    return list(iot.list_things_in_thing_group(thingGroupName=group)["things"])


@pytest.fixture
def fleet(iot: Any) -> Any:
    """Indexing on, and five things across two groups (one a child group)."""
    iot.update_indexing_configuration(thingIndexingConfiguration=ON)
    iot.create_thing_group(thingGroupName="site-a")
    iot.create_thing_group(thingGroupName="site-a-lab", parentGroupName="site-a")
    things = {
        "meter-01": ({"fw": "5.1", "kind": "meter", "serial": "abcd"}, "site-a", "Meter"),
        "meter-02": ({"fw": "5.3", "kind": "meter", "serial": "abce"}, "site-a", "Meter"),
        "meter-10": ({"fw": "4.9", "kind": "meter", "serial": "abcg"}, "site-a-lab", None),
        "gw-1": ({"fw": "2.3.0", "kind": "gateway"}, "site-a", None),
        "Cam-7": ({"kind": "camera", "note": "rack-2"}, None, None),
    }
    for name, (attributes, group, type_name) in things.items():
        kwargs: dict[str, Any] = {"attributePayload": {"attributes": attributes}}
        if type_name:
            kwargs["thingTypeName"] = type_name
        iot.create_thing(thingName=name, **kwargs)
        if group:
            iot.add_thing_to_thing_group(thingGroupName=group, thingName=name)
    return iot


# --- indexing configuration ---------------------------------------------------------------------


def test_indexing_is_off_by_default_and_search_answers_not_found(iot: Any) -> None:
    config = iot.get_indexing_configuration()
    assert config["thingIndexingConfiguration"]["thingIndexingMode"] == "OFF"
    assert config["thingGroupIndexingConfiguration"] == {"thingGroupIndexingMode": "OFF"}
    for call in (iot.search_index, iot.get_statistics):
        with pytest.raises(ClientError) as exc:
            call(queryString="*")
        assert _code(exc) == "ResourceNotFoundException"
        assert "AWS_Things" in _message(exc)
    with pytest.raises(ClientError) as exc:
        iot.create_dynamic_thing_group(thingGroupName="d", queryString="*")
    assert _code(exc) == "ResourceNotFoundException"
    assert iot.list_indices()["indexNames"] == []


def test_update_and_get_indexing_configuration(iot: Any) -> None:
    with pytest.raises(ClientError) as exc:
        iot.update_indexing_configuration(
            thingIndexingConfiguration={
                "thingIndexingMode": "OFF",
                "thingConnectivityIndexingMode": "STATUS",
            }
        )
    assert _code(exc) == "InvalidRequestException"
    iot.update_indexing_configuration(
        thingIndexingConfiguration={
            "thingIndexingMode": "REGISTRY",
            "thingConnectivityIndexingMode": "STATUS",
            "customFields": [{"name": "attributes.fw", "type": "Number"}],
        }
    )
    things = iot.get_indexing_configuration()["thingIndexingConfiguration"]
    assert things["thingIndexingMode"] == "REGISTRY"
    assert things["thingConnectivityIndexingMode"] == "STATUS"
    assert things["customFields"] == [{"name": "attributes.fw", "type": "Number"}]
    managed = {f["name"] for f in things["managedFields"]}
    assert {"thingName", "registry.thingGroupNames", "connectivity.connected"} <= managed
    described = iot.describe_index(indexName="AWS_Things")
    assert described["indexStatus"] == "ACTIVE"
    assert described["schema"] == "REGISTRY_AND_CONNECTIVITY_STATUS"
    assert iot.list_indices()["indexNames"] == ["AWS_Things"]
    iot.create_thing(thingName="t")
    doc = iot.search_index(queryString="thingName:t")["things"][0]
    assert doc["connectivity"] == {"connected": False}  # no simulated device: never connected


# --- SearchIndex: the query subset ----------------------------------------------------------------

QUERIES = [
    ("thingName:meter-01", ["meter-01"]),
    ("thingName:meter-*", ["meter-01", "meter-02", "meter-10"]),
    ("thingName:meter-0?", ["meter-01", "meter-02"]),
    ("thingName:cam-7", ["Cam-7"]),  # search is case insensitive
    ("attributes.kind:meter", ["meter-01", "meter-02", "meter-10"]),
    ("attributes.note:*", ["Cam-7"]),
    ('attributes.note:"RACK-2"', ["Cam-7"]),
    ("attributes.fw:2.3.*", ["gw-1"]),
    ("thingTypeName:Meter", ["meter-01", "meter-02"]),
    ("thingGroupNames:site-a", ["gw-1", "meter-01", "meter-02"]),
    ("thingGroupNames:site-a-lab", ["meter-10"]),
    ("attributes.fw:[5 TO 5.3]", ["meter-01", "meter-02"]),
    ("attributes.fw:{5.1 TO 5.3]", ["meter-02"]),
    ("attributes.fw<5.2", ["meter-01", "meter-10"]),
    ("attributes.fw>=5.3", ["meter-02"]),
    ('attributes.serial:["abcd" TO "abcf"]', ["meter-01", "meter-02"]),
    ("attributes.kind:meter AND NOT thingGroupNames:site-a-lab", ["meter-01", "meter-02"]),
    ("attributes.kind:meter attributes.fw<5", ["meter-10"]),  # the default operator is AND
    ("thingName:gw-1 OR thingTypeName:Meter", ["gw-1", "meter-01", "meter-02"]),
    ("attributes.kind:meter -attributes.fw:5.3", ["meter-01", "meter-10"]),
    ("thingName:(gw-* OR cam-*)", ["Cam-7", "gw-1"]),
    ("(attributes.kind:camera OR attributes.kind:gateway) AND attributes.fw:*", ["gw-1"]),
    ("rack", []),
    ("camera", ["Cam-7"]),  # a term without a field searches every field
    ("*", ["Cam-7", "gw-1", "meter-01", "meter-02", "meter-10"]),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_search_index_query_subset(fleet: Any, query: str, expected: list[str]) -> None:
    assert _names(fleet, query) == expected


def test_search_index_documents_and_paging(fleet: Any) -> None:
    seen: list[str] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"queryString": "thingName:*", "maxResults": 2}
        if token:
            kwargs["nextToken"] = token
        page = fleet.search_index(**kwargs)
        assert len(page["things"]) <= 2
        seen += [t["thingName"] for t in page["things"]]
        token = page.get("nextToken")
        if not token:
            break
    assert seen == ["Cam-7", "gw-1", "meter-01", "meter-02", "meter-10"]
    doc = fleet.search_index(queryString="thingName:meter-01")["things"][0]
    assert doc["thingGroupNames"] == ["site-a"]
    assert doc["attributes"] == {"fw": "5.1", "kind": "meter", "serial": "abcd"}
    assert doc["thingTypeName"] == "Meter"
    assert doc["thingId"] == fleet.describe_thing(thingName="meter-01")["thingId"]
    with pytest.raises(ClientError) as exc:
        fleet.search_index(queryString="*", maxResults=101)
    assert _code(exc) == "InvalidRequestException"
    first = fleet.search_index(queryString="*", maxResults=1)["nextToken"]
    with pytest.raises(ClientError) as exc:  # a token only resumes the query that made it
        fleet.search_index(queryString="thingName:*", nextToken=first)
    assert _code(exc) == "InvalidRequestException"


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("thingGroupName:site-a", "field name: thingGroupName"),
        ("shadow.reported.fw:1", "shadow.reported.fw"),
        ("connectivity.connected:true", "connectivity.connected"),
        ("thingName:meter~", "(~)"),
        ("thingName:meter^2", "(^)"),
        ("/met.*/", "Regular expressions"),
        ("thingName:a@b", "'@'"),
        ("(thingName:a", "missing ')'"),
        ("attributes.fw:[1 TO", "range"),
        ("thingName:*a OR attributes.kind:*b", "wildcard"),
        (" OR ".join(f"thingName:t{i}" for i in range(13)), "at most 12 terms"),
    ],
)
def test_unsupported_or_invalid_query_is_invalid_query(fleet: Any, query: str, named: str) -> None:
    with pytest.raises(ClientError) as exc:
        fleet.search_index(queryString=query)
    assert _code(exc) == "InvalidQueryException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert named in _message(exc)


# --- GetStatistics -----------------------------------------------------------------------------


def test_get_statistics_counts_and_aggregates(fleet: Any) -> None:
    assert fleet.get_statistics(queryString="thingGroupNames:site-a")["statistics"] == {"count": 3}
    assert fleet.get_statistics(queryString="*")["statistics"]["count"] == 5
    with pytest.raises(ClientError) as exc:
        fleet.get_statistics(queryString="*", aggregationField="attributes.fw")
    assert _code(exc) == "InvalidAggregationException"
    fleet.update_indexing_configuration(
        thingIndexingConfiguration={
            **ON,
            "customFields": [
                {"name": "attributes.fw", "type": "Number"},
                {"name": "attributes.kind", "type": "String"},
            ],
        }
    )
    stats = fleet.get_statistics(
        queryString="attributes.kind:meter", aggregationField="attributes.fw"
    )["statistics"]
    assert stats["count"] == 3
    assert stats["minimum"] == pytest.approx(4.9) and stats["maximum"] == pytest.approx(5.3)
    assert stats["sum"] == pytest.approx(15.3) and stats["average"] == pytest.approx(5.1)
    assert stats["variance"] == pytest.approx(((0.0) + 0.04 + 0.04) / 3)
    strings = fleet.get_statistics(queryString="*", aggregationField="attributes.kind")
    assert strings["statistics"] == {"count": 5}  # documented: a String field gives a count


def test_get_statistics_on_a_group_of_1000_things(iot: Any, emulator: Emulator) -> None:
    iot.update_indexing_configuration(thingIndexingConfiguration=ON)
    iot.create_thing_group(thingGroupName="fleet")
    ctx = control_context(emulator, "us-east-1")
    with emulator.lock:  # setup through the handlers: 2,000 HTTP calls would be slow
        for i in range(1000):
            thing_handlers.create_thing(ctx, {"thingName": f"m-{i:04d}"})
            thing_handlers.add_thing_to_thing_group(
                ctx, {"thingGroupName": "fleet", "thingName": f"m-{i:04d}"}
            )
    iot.create_thing(thingName="outsider")
    assert iot.get_statistics(queryString="thingGroupNames:fleet")["statistics"]["count"] == 1000
    assert iot.get_statistics(queryString="thingGroupNames:FLEET")["statistics"]["count"] == 1000
    # A single thingGroupNames term is the group's own membership set: a lookup, not a scan.
    index = emulator.region("us-east-1").index
    query = parse_query("thingGroupNames:fleet", 12)
    assert index.select(query) is index.by_group["fleet"]


def test_index_group_names_switch_adds_ancestors(iot: Any, emulator: Emulator) -> None:
    emulator.config.index_group_names = "with_ancestors"
    iot.update_indexing_configuration(thingIndexingConfiguration=ON)
    iot.create_thing_group(thingGroupName="root")
    iot.create_thing_group(thingGroupName="leaf", parentGroupName="root")
    iot.create_thing(thingName="t")
    iot.add_thing_to_thing_group(thingGroupName="leaf", thingName="t")
    assert _names(iot, "thingGroupNames:root") == ["t"]
    assert iot.search_index(queryString="t")["things"][0]["thingGroupNames"] == ["leaf", "root"]


# --- index lag ----------------------------------------------------------------------------------


def test_index_lag_switch(iot: Any, emulator: Emulator) -> None:
    emulator.config.index_lag_seconds = 30.0
    iot.create_thing(thingName="t", attributePayload={"attributes": {"fw": "1"}})
    iot.update_indexing_configuration(thingIndexingConfiguration=ON)
    assert iot.describe_index(indexName="AWS_Things")["indexStatus"] == "BUILDING"
    with pytest.raises(ClientError) as exc:
        iot.search_index(queryString="*")
    assert _code(exc) == "IndexNotReadyException"
    _step(emulator, 30.0)
    assert _names(iot, "attributes.fw:1") == ["t"]
    iot.update_thing(thingName="t", attributePayload={"attributes": {"fw": "2"}})
    assert _names(iot, "attributes.fw:1") == ["t"]  # not yet reindexed
    iot.create_dynamic_thing_group(thingGroupName="d", queryString="attributes.fw:2")
    assert iot.describe_thing_group(thingGroupName="d")["status"] == "BUILDING"
    _step(emulator, 30.0)
    assert _names(iot, "attributes.fw:2") == ["t"]
    assert iot.describe_thing_group(thingGroupName="d")["status"] == "ACTIVE"
    assert iot.list_things_in_thing_group(thingGroupName="d")["things"] == ["t"]


# --- dynamic thing groups -------------------------------------------------------------------------


def test_dynamic_group_create_describe_and_list(fleet: Any) -> None:
    created = fleet.create_dynamic_thing_group(
        thingGroupName="old-meters",
        queryString="attributes.kind:meter AND attributes.fw<5.2",
        thingGroupProperties={"thingGroupDescription": "below 5.2"},
    )
    assert created["indexName"] == "AWS_Things" and created["queryVersion"] == "2017-09-30"
    assert created["thingGroupArn"].endswith(":thinggroup/old-meters")
    described = fleet.describe_thing_group(thingGroupName="old-meters")
    assert described["queryString"] == "attributes.kind:meter AND attributes.fw<5.2"
    assert described["indexName"] == "AWS_Things"
    assert described["status"] == "ACTIVE"
    assert described["thingGroupProperties"]["thingGroupDescription"] == "below 5.2"
    assert "status" not in fleet.describe_thing_group(thingGroupName="site-a")
    assert fleet.list_things_in_thing_group(thingGroupName="old-meters")["things"] == [
        "meter-01",
        "meter-10",
    ]
    groups = fleet.list_thing_groups_for_thing(thingName="meter-01")["thingGroups"]
    assert sorted(g["groupName"] for g in groups) == ["old-meters", "site-a"]
    # Idempotent for the same query; another query under the name is a conflict.
    fleet.create_dynamic_thing_group(
        thingGroupName="old-meters", queryString="attributes.kind:meter AND attributes.fw<5.2"
    )
    for name, query in (("old-meters", "thingName:x"), ("site-a", "thingName:x")):
        with pytest.raises(ClientError) as exc:
            fleet.create_dynamic_thing_group(thingGroupName=name, queryString=query)
        assert _code(exc) == "ResourceAlreadyExistsException"


def test_dynamic_membership_stays_current(fleet: Any) -> None:
    fleet.create_dynamic_thing_group(
        thingGroupName="old-meters", queryString="attributes.kind:meter AND attributes.fw<5.2"
    )
    fleet.create_dynamic_thing_group(
        thingGroupName="lab-or-gw", queryString="thingGroupNames:site-a-lab OR thingName:gw-*"
    )
    fleet.update_thing(
        thingName="meter-02", attributePayload={"attributes": {"fw": "5.0"}, "merge": True}
    )
    fleet.update_thing(
        thingName="meter-01", attributePayload={"attributes": {"fw": "6.0"}, "merge": True}
    )
    fleet.create_thing(
        thingName="meter-99", attributePayload={"attributes": {"kind": "meter", "fw": "1"}}
    )
    fleet.delete_thing(thingName="meter-10")
    assert _members(fleet, "old-meters") == ["meter-02", "meter-99"]
    fleet.add_thing_to_thing_group(thingGroupName="site-a-lab", thingName="meter-99")
    fleet.create_thing(thingName="gw-2")
    assert _members(fleet, "lab-or-gw") == ["gw-1", "gw-2", "meter-99"]
    fleet.remove_thing_from_thing_group(thingGroupName="site-a-lab", thingName="meter-99")
    assert _members(fleet, "lab-or-gw") == ["gw-1", "gw-2"]
    # The index sees dynamic memberships in thingGroupNames.
    assert _names(fleet, "thingGroupNames:old-meters") == ["meter-02", "meter-99"]
    out = fleet.update_dynamic_thing_group(
        thingGroupName="old-meters",
        thingGroupProperties={"thingGroupDescription": "below 5.1"},
        queryString="attributes.fw<5.1",
    )
    assert out["version"] == 2
    assert _members(fleet, "old-meters") == ["meter-02", "meter-99"]
    fleet.update_dynamic_thing_group(
        thingGroupName="old-meters", thingGroupProperties={}, queryString="attributes.fw:6*"
    )
    assert _members(fleet, "old-meters") == ["meter-01"]
    fleet.delete_dynamic_thing_group(thingGroupName="old-meters")
    with pytest.raises(ClientError) as exc:
        fleet.describe_thing_group(thingGroupName="old-meters")
    assert _code(exc) == "ResourceNotFoundException"
    assert _names(fleet, "thingGroupNames:old-meters") == []
    fleet.delete_dynamic_thing_group(thingGroupName="old-meters")  # already gone: no error


def test_dynamic_group_errors(fleet: Any, emulator: Emulator) -> None:
    fleet.create_dynamic_thing_group(thingGroupName="d", queryString="thingName:meter-*")
    cases: list[tuple[Callable[[], Any], str]] = [
        (
            lambda: fleet.add_thing_to_thing_group(thingGroupName="d", thingName="gw-1"),
            "InvalidRequestException",
        ),
        (
            lambda: fleet.remove_thing_from_thing_group(thingGroupName="d", thingName="meter-01"),
            "InvalidRequestException",
        ),
        (
            lambda: fleet.update_thing_groups_for_thing(thingName="gw-1", thingGroupsToAdd=["d"]),
            "InvalidRequestException",
        ),
        (
            lambda: fleet.create_thing_group(thingGroupName="child", parentGroupName="d"),
            "InvalidRequestException",
        ),
        (
            lambda: fleet.update_thing_group(thingGroupName="d", thingGroupProperties={}),
            "InvalidRequestException",
        ),
        (lambda: fleet.delete_thing_group(thingGroupName="d"), "InvalidRequestException"),
        (
            lambda: fleet.delete_dynamic_thing_group(thingGroupName="site-a"),
            "InvalidRequestException",
        ),
        (
            lambda: fleet.update_dynamic_thing_group(
                thingGroupName="site-a", thingGroupProperties={}
            ),
            "InvalidRequestException",
        ),
        (
            lambda: fleet.update_dynamic_thing_group(
                thingGroupName="nope", thingGroupProperties={}
            ),
            "ResourceNotFoundException",
        ),
        (
            lambda: fleet.update_dynamic_thing_group(
                thingGroupName="d", thingGroupProperties={}, expectedVersion=7
            ),
            "VersionConflictException",
        ),
        (
            lambda: fleet.create_dynamic_thing_group(thingGroupName="e", queryString="nope:1"),
            "InvalidQueryException",
        ),
        (
            lambda: fleet.create_dynamic_thing_group(
                thingGroupName="e", queryString="*", indexName="AWS_ThingGroups"
            ),
            "ResourceNotFoundException",
        ),
        (
            lambda: fleet.update_indexing_configuration(
                thingIndexingConfiguration={"thingIndexingMode": "OFF"}
            ),
            "InvalidRequestException",
        ),
    ]
    for call, code in cases:
        with pytest.raises(ClientError) as exc:
            call()
        assert _code(exc) == code, _message(exc)
    emulator.config.max_dynamic_groups = 1
    with pytest.raises(ClientError) as exc:
        fleet.create_dynamic_thing_group(thingGroupName="e", queryString="*")
    assert _code(exc) == "LimitExceededException"
    # The whole group goes through DeleteDynamicThingGroup; then indexing can be turned off.
    fleet.delete_dynamic_thing_group(thingGroupName="d")
    fleet.update_indexing_configuration(thingIndexingConfiguration={"thingIndexingMode": "OFF"})
    assert _members(fleet, "site-a") == ["gw-1", "meter-01", "meter-02"]


def test_ten_group_limit_counts_dynamic_groups(iot: Any) -> None:
    iot.update_indexing_configuration(thingIndexingConfiguration=ON)
    iot.create_thing(thingName="t", attributePayload={"attributes": {"a": "1"}})
    for i in range(9):
        iot.create_thing_group(thingGroupName=f"g{i}")
        iot.add_thing_to_thing_group(thingGroupName=f"g{i}", thingName="t")
    iot.create_dynamic_thing_group(thingGroupName="older", queryString="attributes.b:1")
    iot.create_dynamic_thing_group(thingGroupName="newer", queryString="attributes.a:1")
    assert _members(iot, "newer") == ["t"]  # the tenth group
    # An older dynamic group takes the place of a newer one (documented).
    iot.update_thing(thingName="t", attributePayload={"attributes": {"b": "1"}, "merge": True})
    assert _members(iot, "older") == ["t"] and _members(iot, "newer") == []
    iot.create_thing_group(thingGroupName="g9")
    with pytest.raises(ClientError) as exc:
        iot.add_thing_to_thing_group(thingGroupName="g9", thingName="t")
    assert _code(exc) == "InvalidRequestException"
    iot.add_thing_to_thing_group(thingGroupName="g9", thingName="t", overrideDynamicGroups=True)
    groups = {g["groupName"] for g in iot.list_thing_groups_for_thing(thingName="t")["thingGroups"]}
    assert groups == {f"g{i}" for i in range(10)}


# --- jobs on dynamic groups ---------------------------------------------------------------------


def _exec_status(iot: Any, job: str, thing: str) -> str:
    return str(iot.describe_job_execution(jobId=job, thingName=thing)["execution"]["status"])


def test_continuous_job_reaches_a_thing_that_joins_the_dynamic_group(fleet: Any) -> None:
    arn = fleet.create_dynamic_thing_group(
        thingGroupName="old-meters", queryString="attributes.kind:meter AND attributes.fw<5.2"
    )["thingGroupArn"]
    fleet.create_job(jobId="fw", targets=[arn], document=DOC, targetSelection="CONTINUOUS")
    summaries = fleet.list_job_executions_for_job(jobId="fw")["executionSummaries"]
    assert sorted(s["thingArn"].rsplit("/", 1)[1] for s in summaries) == ["meter-01", "meter-10"]
    # meter-02 is downgraded below 5.2: it joins the group, and the job reaches it at once.
    fleet.update_thing(
        thingName="meter-02", attributePayload={"attributes": {"fw": "5.0"}, "merge": True}
    )
    assert _exec_status(fleet, "fw", "meter-02") == "QUEUED"
    # meter-01 is upgraded: it leaves the group, and its QUEUED execution is REMOVED.
    fleet.update_thing(
        thingName="meter-01", attributePayload={"attributes": {"fw": "5.9"}, "merge": True}
    )
    assert _exec_status(fleet, "fw", "meter-01") == "REMOVED"
    assert fleet.describe_job(jobId="fw")["job"]["status"] == "IN_PROGRESS"


def test_snapshot_job_on_a_dynamic_group_takes_its_members_now(fleet: Any) -> None:
    """The API reference only recommends CONTINUOUS for dynamic groups: SNAPSHOT is accepted
    and targets the things that are members when the job is created."""
    arn = fleet.create_dynamic_thing_group(
        thingGroupName="gateways", queryString="attributes.kind:gateway"
    )["thingGroupArn"]
    fleet.create_job(jobId="snap", targets=[arn], document=DOC, targetSelection="SNAPSHOT")
    fleet.create_thing(thingName="gw-2", attributePayload={"attributes": {"kind": "gateway"}})
    assert _members(fleet, "gateways") == ["gw-1", "gw-2"]
    summaries = fleet.list_job_executions_for_job(jobId="snap")["executionSummaries"]
    assert [s["thingArn"].rsplit("/", 1)[1] for s in summaries] == ["gw-1"]
