"""Slow set-up (the demo's emulator) runs after the first paint, off the event loop."""

from __future__ import annotations

import threading
from typing import Any

from iotjobs_tui.aws.errors import AwsSetupError
from iotjobs_tui.ui.app import IotJobsApp
from iotjobs_tui.ui.data import DataService
from iotjobs_tui.ui.protocols import ViewOptions
from iotjobs_tui.ui.screens.main import MainScreen
from iotjobs_tui.ui.widgets.status_bar import StatusBar

from .conftest import FrozenMonotonic, seed_group, settings_for, wait_for


async def test_the_app_paints_while_prepare_runs_then_uses_its_settings(
    sim_url: str, iot: Any
) -> None:
    group = seed_group(iot, "fleet", 2)
    iot.create_job(jobId="fw-1", targets=[group], document="{}")
    started, release = threading.Event(), threading.Event()

    def prepare() -> Any:
        started.set()
        release.wait(20)
        return settings_for(sim_url)

    # The initial settings point nowhere: only what prepare returns may be used.
    data = DataService(settings_for("http://127.0.0.1:9"), prepare=prepare)
    options = ViewOptions(connection_label="demo", demo=True, monotonic=FrozenMonotonic())
    app = IotJobsApp(data, options)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await wait_for(pilot, started.is_set)
        bar = screen.query_one(StatusBar)
        # Never "live" before a call went through.
        assert "connecting… demo" in bar.plain and "live" not in bar.plain
        # Painted and answering keys while set-up is still blocked in its thread.
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, MainScreen)
        await pilot.press("escape")
        assert screen.table.row_count == 0
        release.set()
        await wait_for(pilot, lambda: "fw-1" in screen.table.jobs)
        await wait_for(pilot, lambda: "connecting" not in bar.plain)
        assert "live demo" in bar.plain


async def test_a_failed_prepare_is_a_setup_error_not_a_crash(sim_url: str) -> None:
    def prepare() -> Any:
        raise AwsSetupError("The built-in demo emulator did not start (OSError: boom).")

    data = DataService(settings_for(sim_url), prepare=prepare)
    app = IotJobsApp(data, ViewOptions(connection_label="demo", monotonic=FrozenMonotonic()))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.setup_error is not None)
        assert app.setup_error is not None and "did not start" in app.setup_error
        assert app.is_running
