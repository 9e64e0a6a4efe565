"""Conformance: execution listings, describe by executionNumber, and the state machine."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.transitions import Actor, check_transition
from iotjobs_tui.sim.wire.errors import ServiceError

DOC = "{}"


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def _fleet(iot: Any, count: int) -> str:
    group = str(iot.create_thing_group(thingGroupName="g")["thingGroupArn"])
    for i in range(count):
        iot.create_thing(thingName=f"t{i:02d}")
        iot.add_thing_to_thing_group(thingGroupName="g", thingName=f"t{i:02d}")
    return group


def _pages(call: Any, **kw: Any) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    pages = 0
    token = None
    while True:
        args = dict(kw)
        if token:
            args["nextToken"] = token
        page = call(**args)
        pages += 1
        items += page["executionSummaries"]
        token = page.get("nextToken")
        if not token:
            return items, pages


def test_list_executions_for_job_pages_and_filters(iot: Any) -> None:
    group = _fleet(iot, 11)
    iot.create_job(jobId="j", targets=[group], document=DOC)
    for name in ("t01", "t04", "t07"):
        iot.cancel_job_execution(jobId="j", thingName=name)
    items, pages = _pages(iot.list_job_executions_for_job, jobId="j", maxResults=4)
    assert pages == 3
    things = [i["thingArn"].rsplit("/", 1)[1] for i in items]
    assert things == [f"t{i:02d}" for i in range(11)]
    canceled, pages = _pages(
        iot.list_job_executions_for_job, jobId="j", status="CANCELED", maxResults=2
    )
    assert [c["thingArn"].rsplit("/", 1)[1] for c in canceled] == ["t01", "t04", "t07"]
    assert pages == 2
    assert all(c["jobExecutionSummary"]["status"] == "CANCELED" for c in canceled)
    with pytest.raises(ClientError) as exc:
        iot.list_job_executions_for_job(jobId="ghost")
    assert _code(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        iot.list_job_executions_for_job(jobId="j", nextToken="garbage!")
    assert _code(exc) == "InvalidRequestException"


def test_default_page_size_switch(iot: Any, emulator: Emulator) -> None:
    emulator.config.default_page_size = 5
    group = _fleet(iot, 7)
    iot.create_job(jobId="j", targets=[group], document=DOC)
    first = iot.list_job_executions_for_job(jobId="j")
    assert len(first["executionSummaries"]) == 5
    assert "nextToken" in first


def test_list_executions_for_thing_filters_and_pages(iot: Any, emulator: Emulator) -> None:
    arn = iot.create_thing(thingName="a")["thingArn"]
    for i in range(5):
        kw: dict[str, Any] = {"namespaceId": "gg"} if i == 4 else {}
        iot.create_job(jobId=f"j{i}", targets=[arn], document=DOC, **kw)
        emulator.clock.advance(1)
    iot.cancel_job_execution(jobId="j2", thingName="a")
    items, pages = _pages(iot.list_job_executions_for_thing, thingName="a", maxResults=2)
    assert [i["jobId"] for i in items] == ["j0", "j1", "j2", "j3", "j4"]
    assert pages == 3
    only = iot.list_job_executions_for_thing(thingName="a", status="CANCELED")
    assert [i["jobId"] for i in only["executionSummaries"]] == ["j2"]
    by_job = iot.list_job_executions_for_thing(thingName="a", jobId="j3")
    assert [i["jobId"] for i in by_job["executionSummaries"]] == ["j3"]
    assert by_job["executionSummaries"][0]["jobExecutionSummary"]["executionNumber"] == 1
    in_ns = iot.list_job_executions_for_thing(thingName="a", namespaceId="gg")
    assert [i["jobId"] for i in in_ns["executionSummaries"]] == ["j4"]
    with pytest.raises(ClientError) as exc:
        iot.list_job_executions_for_thing(thingName="ghost")
    assert _code(exc) == "ResourceNotFoundException"


def test_describe_execution_defaults_to_latest(iot: Any) -> None:
    iot.create_thing_group(thingGroupName="g")
    iot.create_thing(thingName="a")
    iot.add_thing_to_thing_group(thingGroupName="g", thingName="a")
    group = iot.describe_thing_group(thingGroupName="g")["thingGroupArn"]
    iot.create_job(jobId="j", targets=[group], document=DOC, targetSelection="CONTINUOUS")
    iot.remove_thing_from_thing_group(thingGroupName="g", thingName="a")
    iot.add_thing_to_thing_group(thingGroupName="g", thingName="a")
    latest = iot.describe_job_execution(jobId="j", thingName="a")["execution"]
    first = iot.describe_job_execution(jobId="j", thingName="a", executionNumber=1)["execution"]
    assert latest["executionNumber"] == 2 and latest["status"] == "QUEUED"
    assert first["executionNumber"] == 1 and first["status"] == "REMOVED"
    history = iot.list_job_executions_for_thing(thingName="a", jobId="j")["executionSummaries"]
    assert [h["jobExecutionSummary"]["executionNumber"] for h in history] == [1, 2]
    with pytest.raises(ClientError) as exc:
        iot.describe_job_execution(jobId="j", thingName="a", executionNumber=3)
    assert _code(exc) == "ResourceNotFoundException"


def test_latest_only_listing_switch(iot: Any, emulator: Emulator) -> None:
    emulator.config.list_executions_for_job_latest_only = True
    group = _fleet(iot, 1)
    iot.create_job(jobId="j", targets=[group], document=DOC, targetSelection="CONTINUOUS")
    iot.remove_thing_from_thing_group(thingGroupName="g", thingName="t00")
    iot.add_thing_to_thing_group(thingGroupName="g", thingName="t00")
    summaries = iot.list_job_executions_for_job(jobId="j")["executionSummaries"]
    assert [s["jobExecutionSummary"]["executionNumber"] for s in summaries] == [2]


def test_state_machine_terminal_states_never_change() -> None:
    for terminal in ex.TERMINAL:
        for new in ex.STATUSES:
            for actor in Actor:
                with pytest.raises(ServiceError) as exc:
                    check_transition(terminal, new, actor, force=True)
                assert exc.value.code == "InvalidStateTransitionException"


def test_state_machine_service_and_device_moves() -> None:
    check_transition(ex.QUEUED, ex.CANCELED, Actor.SERVICE)
    check_transition(ex.IN_PROGRESS, ex.CANCELED, Actor.SERVICE, force=True)
    check_transition(ex.IN_PROGRESS, ex.TIMED_OUT, Actor.SERVICE)
    check_transition(ex.QUEUED, ex.IN_PROGRESS, Actor.DEVICE)
    check_transition(ex.IN_PROGRESS, ex.IN_PROGRESS, Actor.DEVICE)
    check_transition(ex.QUEUED, ex.SUCCEEDED, Actor.DEVICE)
    with pytest.raises(ServiceError) as exc:
        check_transition(ex.IN_PROGRESS, ex.CANCELED, Actor.SERVICE)
    assert exc.value.code == "InvalidStateTransitionException"
    with pytest.raises(ServiceError) as exc:
        check_transition(ex.QUEUED, ex.SUCCEEDED, Actor.DEVICE, allow_queued_to_terminal=False)
    assert exc.value.code == "InvalidStateTransitionException"
    with pytest.raises(ServiceError) as exc:
        check_transition(ex.IN_PROGRESS, ex.TIMED_OUT, Actor.DEVICE)
    assert exc.value.code == "InvalidRequestException"  # service-only statuses
    with pytest.raises(ServiceError):
        check_transition(ex.QUEUED, ex.IN_PROGRESS, Actor.SERVICE)  # only a device starts one
