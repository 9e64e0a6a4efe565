"""Conformance: GetThingConnectivityData, from the simulated devices' offline spells, and what it
answers without fleet indexing; and the demo job blocked behind another on the same things."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.sim.devices import simulated as devices
from iotjobs_tui.sim.devices.connectivity import DISCONNECT_REASON
from iotjobs_tui.sim.devices.simulated import DeviceProfile, Step
from iotjobs_tui.sim.emulator import Emulator

T0 = 1_767_225_600.0  # tests/conftest.py's frozen start


def _step(emulator: Emulator, seconds: float) -> None:
    emulator.clock.advance(seconds)
    with emulator.lock:
        emulator.advance()


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def _flaky_device(iot: Any, emulator: Emulator) -> str:
    """A simulated device "dev-1" that drops off the network for 100 s as its first job's
    action begins; returns its thing ARN."""
    flaky = DeviceProfile(
        "always-offline-first",
        steps=(Step("install", 5.0, jitter=0.0),),
        offline_chance=0.999,
        offline_seconds=(100.0, 100.0),
        react_seconds=(1.0, 1.0),
    )
    devices.install(emulator, profiles=[flaky])
    return str(
        iot.create_thing(
            thingName="dev-1", attributePayload={"attributes": {"simProfile": flaky.name}}
        )["thingArn"]
    )


def test_indexing_off_is_invalid_request(iot: Any, emulator: Emulator) -> None:
    assert emulator.config.connectivity_indexing is False  # a new account's default
    iot.create_thing(thingName="dev-1")
    with pytest.raises(ClientError) as exc:
        iot.get_thing_connectivity_data(thingName="dev-1")
    assert _code(exc) == "InvalidRequestException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "indexing" in exc.value.response["Error"]["Message"]


def test_thing_without_a_device_never_connected(iot: Any, emulator: Emulator) -> None:
    emulator.config.connectivity_indexing = True
    iot.create_thing(thingName="plant:line-1")
    answer = iot.get_thing_connectivity_data(thingName="plant:line-1")
    assert answer["thingName"] == "plant:line-1"
    assert answer["connected"] is False
    assert "timestamp" not in answer and "disconnectReason" not in answer


def test_unknown_thing_is_not_found(iot: Any, emulator: Emulator) -> None:
    emulator.config.connectivity_indexing = True
    with pytest.raises(ClientError) as exc:
        iot.get_thing_connectivity_data(thingName="nobody")
    assert _code(exc) == "ResourceNotFoundException"


def test_offline_spell_of_a_simulated_device(iot: Any, emulator: Emulator) -> None:
    emulator.config.connectivity_indexing = True
    arn = _flaky_device(iot, emulator)
    answer = iot.get_thing_connectivity_data(thingName="dev-1")
    assert answer["connected"] is True  # simulated: connected since it was provisioned
    assert answer["timestamp"] == datetime.fromtimestamp(T0, tz=UTC)

    iot.create_job(jobId="j", targets=[arn], document="{}")
    _step(emulator, 1.0)  # the device wakes and drops off the network for 100 s
    answer = iot.get_thing_connectivity_data(thingName="dev-1")
    assert answer["connected"] is False
    assert answer["disconnectReason"] == DISCONNECT_REASON
    assert answer["timestamp"] == datetime.fromtimestamp(T0 + 1.0, tz=UTC)

    _step(emulator, 100.0)  # back; it may well drop again before its next action
    answer = iot.get_thing_connectivity_data(thingName="dev-1")
    assert answer["timestamp"] >= datetime.fromtimestamp(T0 + 101.0, tz=UTC)


def test_second_job_waits_behind_the_first(iot: Any, jobs_data: Any, emulator: Emulator) -> None:
    """What the triage calls blocked: the device works on its IN_PROGRESS execution first."""
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(jobId="first", targets=[arn], document="{}")
    iot.create_job(jobId="second", targets=[arn], document="{}")
    started = jobs_data.start_next_pending_job_execution(thingName="dev")["execution"]
    assert started["jobId"] == "first"
    _step(emulator, 3600.0)
    again = jobs_data.start_next_pending_job_execution(thingName="dev")["execution"]
    assert (again["jobId"], again["status"]) == ("first", "IN_PROGRESS")
    rows = iot.list_job_executions_for_thing(thingName="dev")["executionSummaries"]
    statuses = {r["jobId"]: r["jobExecutionSummary"]["status"] for r in rows}
    assert statuses == {"first": "IN_PROGRESS", "second": "QUEUED"}


def test_connectivity_fields_in_queries(iot: Any, emulator: Emulator) -> None:
    """SearchIndex and GetStatistics read connectivity when the query runs: a device that
    drops off the network matches `connected:false` without any registry change."""
    iot.update_indexing_configuration(
        thingIndexingConfiguration={
            "thingIndexingMode": "REGISTRY",
            "thingConnectivityIndexingMode": "STATUS",
        }
    )
    arn = _flaky_device(iot, emulator)
    iot.create_thing(thingName="bench-1")  # no device: never connected

    def names(query: str) -> list[str]:
        return sorted(t["thingName"] for t in iot.search_index(queryString=query)["things"])

    def count(query: str) -> int:
        return int(iot.get_statistics(queryString=query)["statistics"]["count"])

    assert names("connectivity.connected:true") == ["dev-1"]
    assert names("connectivity.connected:false") == ["bench-1"]
    assert names("connectivity.timestamp:*") == ["dev-1"]  # never connected: no timestamp

    iot.create_job(jobId="j", targets=[arn], document="{}")
    _step(emulator, 1.0)  # the device drops off the network for 100 s
    assert names("connectivity.connected:false") == ["bench-1", "dev-1"]
    assert names(f"connectivity.disconnectReason:{DISCONNECT_REASON}") == ["dev-1"]
    assert count("connectivity.connected:false AND thingName:dev*") == 1
    since = int((T0 + 1.0) * 1000)
    assert names(f"connectivity.timestamp>={since}") == ["dev-1"]
    assert count("connectivity.connected:true") == 0

    iot.update_indexing_configuration(
        thingIndexingConfiguration={
            "thingIndexingMode": "REGISTRY",
            "thingConnectivityIndexingMode": "OFF",
        }
    )
    with pytest.raises(ClientError) as exc:
        iot.search_index(queryString="connectivity.connected:true")
    assert _code(exc) == "InvalidQueryException"
    assert "connectivity indexing on" in exc.value.response["Error"]["Message"]
