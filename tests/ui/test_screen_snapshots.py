"""Snapshots of the dialogs and of the error, stale and not-connected states.

Sync tests: snap_compare runs its own event loop. Frozen clocks; the cursor does not blink.
"""

from __future__ import annotations

from typing import Any

import pytest

from iotjobs_tui.ui.screens.document import DocumentScreen
from iotjobs_tui.ui.screens.filters import FilterScreen
from iotjobs_tui.ui.screens.goto_execution import GotoExecutionScreen
from iotjobs_tui.ui.screens.help import HelpScreen
from iotjobs_tui.ui.screens.main import MainScreen
from iotjobs_tui.ui.widgets.job_detail import JobDetail
from iotjobs_tui.ui.widgets.job_table import JobTable

from .conftest import FrozenMonotonic, seed_showcase, wait_for

QUIET = {"detail_interval": 3600, "list_interval": 3600, "progress_every": 3600}


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False)


async def ready(pilot: Any) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.query_one(JobTable).row_count == 4)
    await wait_for(pilot, lambda: app.screen.query_one(JobDetail).job_id == "fw-2-4-1")
    await wait_for(pilot, lambda: app.screen.query_one(JobDetail).job is not None)
    await wait_for(pilot, lambda: app.screen.query_one(JobDetail).targets()[0] is not None)
    app.screen.tick()  # the status bar's calls/min, now
    await pilot.pause(0.3)
    await wait_for(pilot, lambda: not app.screen.list_loop.busy)


def showcase(make_app: Any, iot: Any, emulator: Any, **options: Any) -> Any:
    seed_showcase(iot, emulator)
    return make_app(demo=True, connection_label="us-east-1 · emulator", job_id="fw-2-4-1", **{
        **QUIET, **options})  # fmt: skip


@pytest.mark.parametrize(
    ("key", "screen"),
    [
        ("question_mark", HelpScreen),
        ("f", FilterScreen),
        ("d", DocumentScreen),
        ("g", GotoExecutionScreen),
    ],
    ids=["help", "filters", "document", "goto"],
)
def test_dialog(
    snap_compare: Any, make_app: Any, iot: Any, emulator: Any, key: str, screen: type
) -> None:
    app = showcase(make_app, iot, emulator)

    async def run_before(pilot: Any) -> None:
        await ready(pilot)
        if key == "g":
            await pilot.press("tab")  # the detail: `g` alone there, not `g g` of the list
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen))
        if key == "d":
            await wait_for(pilot, lambda: "Loading" not in str(pilot.app.screen.query_one(
                "#document").render()))  # fmt: skip
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_stale_after_failures(
    snap_compare: Any, make_app: Any, iot: Any, emulator: Any, sim_server: Any
) -> None:
    """The service fails: both panes keep their last data, marked STALE with a retry."""
    from iotjobs_tui.sim.wire.faults.injector import FaultConfig, FaultInjector

    monotonic = FrozenMonotonic()
    app = showcase(make_app, iot, emulator, monotonic=monotonic)

    async def run_before(pilot: Any) -> None:
        await ready(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        sim_server.faults = FaultInjector(
            FaultConfig(error_rates={"ServiceUnavailableException": 1.0})
        )
        monotonic.now += 40
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.list_loop.policy.failures > 0, timeout=20)
        await wait_for(pilot, lambda: screen.detail_loop.policy.failures > 0, timeout=20)
        screen.tick()
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)


def test_not_connected(
    snap_compare: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any, make_app: Any
) -> None:
    """No region: NOT CONNECTED, the loops stopped, and what to do, in one sentence."""
    from iotjobs_tui.aws.session import ConnectionSettings
    from iotjobs_tui.ui.app import IotJobsApp
    from iotjobs_tui.ui.data import DataService
    from iotjobs_tui.ui.protocols import ViewOptions

    for var in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    options = ViewOptions(connection_label="aws", monotonic=FrozenMonotonic(), **QUIET)
    app = IotJobsApp(DataService(ConnectionSettings()), options)

    async def run_before(pilot: Any) -> None:
        await wait_for(pilot, lambda: pilot.app.setup_error is not None)
        await wait_for(pilot, lambda: pilot.app.main_screen.list_loop.stopped is not None)
        pilot.app.main_screen.tick()
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_permanent_error_stops_the_list(
    snap_compare: Any, make_app: Any, iot: Any, emulator: Any
) -> None:
    """A server filter naming a missing group: ResourceNotFound, not retried, says what to do."""
    from iotjobs_tui.aws.models import JobFilters

    app = showcase(make_app, iot, emulator, monotonic=FrozenMonotonic())

    async def run_before(pilot: Any) -> None:
        await ready(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        screen.apply_filters(JobFilters(thing_group_name="no-such-group"))
        await wait_for(pilot, lambda: screen.list_loop.stopped is not None)
        screen.tick()
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)


@pytest.mark.parametrize("theme", ["iotjobs-light", "iotjobs-high-contrast"])
def test_main_screen_in_theme(
    snap_compare: Any, make_app: Any, iot: Any, emulator: Any, theme: str
) -> None:
    """The main screen in the light theme and the 16-colour one (every other snapshot is in
    Textual's default, which iotjobs-dark copies). Set as launch sets a --theme: before run."""
    app = showcase(make_app, iot, emulator, monotonic=FrozenMonotonic())
    app.theme = theme
    assert snap_compare(app, terminal_size=(160, 48), run_before=ready)
