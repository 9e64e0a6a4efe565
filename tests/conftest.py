"""Shared fixtures: a frozen-clock emulator, the emulator's HTTP server, and boto3 clients.

Every test gets its own emulator and server (port 0), so tests never share state.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.engine.clock import VirtualClock
from iotjobs_tui.sim.server import SimServer

# 2026-01-01T00:00:00Z; the clock is frozen (speed 0) and tests step it.
T0 = 1_767_225_600.0

# Keep credential and region lookups local: no instance metadata, no named profiles.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_DEFAULT_PROFILE", None)
# Config, themes, audit log, exports and logs go to a throwaway directory, never the real home.
os.environ.setdefault("IOTJOBS_TUI_HOME", tempfile.mkdtemp(prefix="iotjobs-tui-tests-"))


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(VirtualClock(start=T0, speed=0))


@pytest.fixture
def sim_server(emulator: Emulator) -> Iterator[SimServer]:
    server = SimServer(emulator)
    server.start_in_thread("127.0.0.1", 0)
    try:
        yield server
    finally:
        server.stop_thread()


@pytest.fixture
def sim_url(sim_server: SimServer) -> str:
    return sim_server.base_url


# No retries: botocore's `max_attempts` counts *retries*, so a throttled or failed call would
# reach the emulator twice; `total_max_attempts` counts every attempt.
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def _client(service: str, url: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=NO_RETRIES,
    )


@pytest.fixture
def make_client() -> Callable[[str, str], Any]:
    """Build a boto3 client (service, url) like `iot`/`jobs_data`, for servers a test starts."""
    return _client


@pytest.fixture
def iot(sim_url: str) -> Any:
    """A boto3 control-plane client pointed at the emulator (no retries)."""
    return _client("iot", sim_url)


@pytest.fixture
def jobs_data(sim_url: str) -> Any:
    """A boto3 iot-jobs-data (device plane) client pointed at the emulator (no retries)."""
    return _client("iot-jobs-data", sim_url)
