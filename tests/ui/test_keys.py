"""Keys: help, sort, interval, pane focus; and a configuration error shown in the panes."""

from __future__ import annotations

from typing import Any

import pytest

from iotjobs_tui.aws.session import ConnectionSettings
from iotjobs_tui.ui.app import IotJobsApp
from iotjobs_tui.ui.data import DataService
from iotjobs_tui.ui.protocols import ViewOptions
from iotjobs_tui.ui.screens.help import HelpScreen
from iotjobs_tui.ui.screens.main import MainScreen
from iotjobs_tui.ui.widgets.job_detail import JobDetail
from iotjobs_tui.ui.widgets.job_table import JobTable
from iotjobs_tui.ui.widgets.status_bar import StatusBar

from .conftest import seed_group, wait_for


async def test_keys(make_app: Any, iot: Any, emulator: Any) -> None:
    group = seed_group(iot, "fleet", 1)
    for name in ("b-job", "a-job", "c-job"):
        iot.create_job(jobId=name, targets=[group], document="{}")
        emulator.clock.advance(10)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        jobs = app.screen.query_one(JobTable)
        await wait_for(pilot, lambda: jobs.row_count == 3)
        # Newest first by default.
        assert jobs.selected_job_id == "c-job"
        await pilot.press("j")
        assert jobs.selected_job_id == "a-job"
        await pilot.press("k")
        assert jobs.selected_job_id == "c-job"
        # `s` moves the sort to the next column after "created": updated, then back around.
        for _ in range(3):
            await pilot.press("s")
        assert jobs.sort_column == "id"

        def order() -> list[str | None]:
            return [row.key for row in jobs.visible_rows[:3]]

        assert order() == ["c-job", "b-job", "a-job"]  # still descending
        await pilot.press("S")
        assert order() == ["a-job", "b-job", "c-job"]
        assert jobs.selected_job_id == "c-job"  # the cursor followed its row
        screen = app.screen
        assert isinstance(screen, MainScreen)
        # `+`/`-` act on the focused pane only: the list here, then the detail.
        await pilot.press("plus")
        assert screen.list_loop.policy.interval == 30
        assert screen.detail_loop.policy.interval == 5
        await pilot.press("tab")
        assert isinstance(app.focused, JobDetail)
        await pilot.press("plus")
        assert screen.detail_loop.policy.interval == 10
        await pilot.press("minus", "minus")
        assert screen.detail_loop.policy.interval == 3
        assert screen.list_loop.policy.interval == 30
        assert "job every 3s" in screen.query_one(StatusBar).plain
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("q")
    assert not app.is_running


async def test_missing_region_is_shown_not_raised(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    app = IotJobsApp(DataService(ConnectionSettings()), ViewOptions(connection_label="aws"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.setup_error is not None)
        assert "No AWS region is configured" in str(app.setup_error)
        detail = app.screen.query_one(JobDetail)
        assert "--region" in detail.query_one("#d-message").render().__str__()
        assert app.is_running


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TEXTUAL_COLOR_SYSTEM": "standard"}])
async def test_no_color_and_16_colours(
    make_app: Any, iot: Any, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    group = seed_group(iot, "fleet", 2)
    iot.create_job(jobId="j1", targets=[group], document="{}")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.query_one(JobDetail).job is not None)
        assert app.screen.query_one(JobTable).row_count == 1
        assert app.no_color == ("NO_COLOR" in env)
        # Without colour the stacked bar still reads: queued executions are drawn as ░.
        bar = app.screen.query_one("#d-bar")
        assert set(bar.plain) == {"░"}  # type: ignore[attr-defined]
        assert app.is_running
