"""The job list shows the launch helper's page first (aws.prefetch), then its own pages."""

from __future__ import annotations

from typing import Any

import pytest

from iotjobs_tui.aws import prefetch
from iotjobs_tui.aws.prefetch import Prefetch
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.server import SimServer
from iotjobs_tui.sim.wire.faults.injector import FaultConfig
from iotjobs_tui.ui.app import IotJobsApp
from iotjobs_tui.ui.data import DataService
from iotjobs_tui.ui.protocols import ViewOptions

from .conftest import FrozenMonotonic, seed_group, settings_for, wait_for
from .test_main_screen import make_jobs, table


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setattr(prefetch, "_usable_cpus", lambda: 2)


def _app(url: str, helper: Prefetch | None, emulator: Emulator) -> tuple[IotJobsApp, DataService]:
    data = DataService(settings_for(url), prefetch=helper)
    options = ViewOptions(
        connection_label="emulator", clock=emulator.clock.now, monotonic=FrozenMonotonic()
    )
    return IotJobsApp(data, options), data


async def test_the_helpers_page_then_one_call_of_the_apps_own(
    iot: Any, emulator: Emulator, sim_server: SimServer
) -> None:
    ids = make_jobs(iot, seed_group(iot, "fleet", 1), 40)
    helper = Prefetch.start(None, "us-east-1", sim_server.base_url)
    assert helper is not None
    app, data = _app(sim_server.base_url, helper, emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count == 40)
        await wait_for(pilot, lambda: app.main_screen.list_loop.policy.last_success is not None)
        assert set(table(app).jobs) == set(ids)
    # The helper's page (counted as the app's) and one full page of the app's own: without
    # the helper the app would have asked for a first page of 50 and needed no second call.
    assert data.stats.calls["ListJobs"] == 2
    assert sim_server.stats.snapshot()["iot"]["ListJobs"] == 2


async def test_a_slow_helpers_page_is_shown_while_the_app_still_waits(
    iot: Any, emulator: Emulator, sim_server: SimServer
) -> None:
    """The helper's link is slow (1 s), the app's slower (4 s): the helper's page shows first."""
    make_jobs(iot, seed_group(iot, "fleet", 1), 3)
    slower = SimServer(emulator)
    slower.start_in_thread("127.0.0.1", 0)
    try:
        sim_server.faults.configure(FaultConfig(latency_ms=1000))
        slower.faults.configure(FaultConfig(latency_ms=4000))
        helper = Prefetch.start(None, "us-east-1", sim_server.base_url)
        assert helper is not None
        app, data = _app(slower.base_url, helper, emulator)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: table(app).row_count == 3)
            assert not data._listed  # these rows are the helper's: the app's call is in flight
            await wait_for(pilot, lambda: data._listed)
            assert table(app).row_count == 3
    finally:
        slower.stop_thread()


async def test_a_failed_helper_changes_nothing(iot: Any, emulator: Emulator, sim_url: str) -> None:
    make_jobs(iot, seed_group(iot, "fleet", 1), 3)
    helper = Prefetch.start(None, "us-east-1", "http://127.0.0.1:9")
    app, data = _app(sim_url, helper, emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count == 3)
    assert data.stats.calls["ListJobs"] == 1
