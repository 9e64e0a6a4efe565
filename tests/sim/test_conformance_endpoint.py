"""Conformance: DescribeEndpoint answers this emulator's own address for every endpoint type."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.sim.emulator import Emulator

TYPES = ["iot:Data", "iot:Data-ATS", "iot:CredentialProvider", "iot:Jobs"]


def _host(url: str) -> str:
    return url.partition("://")[2]


@pytest.mark.parametrize("endpoint_type", TYPES)
def test_every_endpoint_type_answers_the_emulator_host(
    iot: Any, sim_url: str, endpoint_type: str
) -> None:
    out = iot.describe_endpoint(endpointType=endpoint_type)
    # As on AWS, an address without a scheme; here host:port from the Host header.
    assert out["endpointAddress"] == _host(sim_url)


def test_no_type_is_the_legacy_data_endpoint(iot: Any, sim_url: str) -> None:
    assert iot.describe_endpoint()["endpointAddress"] == _host(sim_url)


def test_url_switch_gives_a_usable_endpoint_url(
    iot: Any, sim_url: str, emulator: Emulator, make_client: Any
) -> None:
    emulator.config.endpoint_address = "url"
    address = iot.describe_endpoint(endpointType="iot:Jobs")["endpointAddress"]
    assert address == sim_url
    # The answer works as the jobs device plane's endpoint.
    jobs_data = make_client("iot-jobs-data", address)
    iot.create_thing(thingName="dev-1")
    out = jobs_data.get_pending_job_executions(thingName="dev-1")
    assert out["queuedJobs"] == [] and out["inProgressJobs"] == []


def test_unknown_endpoint_type_is_invalid_request(iot: Any, emulator: Emulator) -> None:
    with pytest.raises(ClientError) as exc:
        iot.describe_endpoint(endpointType="iot:Bogus")
    assert exc.value.response["Error"]["Code"] == "InvalidRequestException"
    emulator.config.unknown_endpoint_type_error = False
    assert iot.describe_endpoint(endpointType="iot:Bogus")["endpointAddress"]
