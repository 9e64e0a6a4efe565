"""The executions of a job against the emulator: every page, server and text filters, keys."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.ui.screens.execution import ExecutionScreen
from iotjobs_tui.ui.screens.executions import ExecutionsScreen
from iotjobs_tui.ui.screens.main import MainScreen
from iotjobs_tui.ui.widgets.execution_list import ExecutionList
from iotjobs_tui.ui.widgets.job_table import JobTable

from .conftest import seed_group, wait_for


def fail(jobs_data: Any, job_id: str, thing: str, **details: str) -> None:
    jobs_data.start_next_pending_job_execution(thingName=thing)
    jobs_data.update_job_execution(
        jobId=job_id, thingName=thing, status="FAILED", statusDetails=details or {"r": "x"}
    )


def executions_screen(app: Any) -> ExecutionsScreen:
    screen = app.screen
    assert isinstance(screen, ExecutionsScreen)
    return screen


def listed(app: Any) -> ExecutionList:
    return app.screen.query_one(ExecutionList)


async def open_executions(pilot: Any, app: Any, rows: int = 1) -> ExecutionsScreen:
    await wait_for(pilot, lambda: app.screen.query_one(JobTable).row_count >= rows)
    await wait_for(pilot, lambda: app.screen.detail.job_id is not None)
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, ExecutionsScreen))
    screen = executions_screen(app)
    await wait_for(pilot, lambda: screen.loading_done)
    return screen


async def test_every_execution_across_pages_with_filters(
    make_app: Any, iot: Any, jobs_data: Any, sim_server: Any
) -> None:
    group = seed_group(iot, "fleet", 23)
    iot.create_job(jobId="fw", targets=[group], document="{}")
    for thing in ("fleet-003", "fleet-011", "fleet-017"):
        fail(jobs_data, "fw", thing)
    app = make_app(executions_page_pause=0)
    app.data.executions_page_size = 5
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_executions(pilot, app)
        table = listed(app)
        assert table.row_count == 23
        assert {row.thing for row in table.visible_rows} == {f"fleet-{i:03d}" for i in range(23)}
        assert sim_server.stats.count("iot", "ListJobExecutionsForJob") >= 5  # 23 at 5 a page
        assert table.counts["FAILED"] == 3 and table.counts["QUEUED"] == 20
        progress = str(screen.query_one("#x-progress").render())
        assert "23 executions in the list" in progress and "FAILED 3" in progress
        # The text filter narrows by thing name, then Esc clears it.
        await pilot.press("slash", *"fleet-01")
        assert {row.thing for row in table.visible_rows} == {
            f"fleet-{i:03d}" for i in range(10, 20)
        }
        await pilot.press("enter", "escape")
        assert table.row_count == 23
        # `f` steps the server-side status filter (any, QUEUED, IN_PROGRESS, SUCCEEDED, FAILED):
        # each step restarts the loading with ?status=.
        await pilot.press("f", "f", "f", "f")
        await wait_for(pilot, lambda: screen.status == "FAILED" and screen.loading_done)
        await wait_for(pilot, lambda: table.row_count == 3)
        assert {row.status for row in table.visible_rows} == {"FAILED"}
        await pilot.press("F", "F", "F", "F")
        await wait_for(pilot, lambda: screen.status is None and screen.loading_done)
        await wait_for(pilot, lambda: table.row_count == 23)


async def test_next_failure_enter_and_back_keeps_the_position(
    make_app: Any, iot: Any, jobs_data: Any
) -> None:
    group = seed_group(iot, "fleet", 30)
    iot.create_job(jobId="fw", targets=[group], document="{}")
    fail(jobs_data, "fw", "fleet-012", reason="CHECKSUM_MISMATCH")
    app = make_app(executions_page_pause=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_executions(pilot, app)
        table = listed(app)
        # From the job list: e, n, Enter reaches the failed device's execution.
        await pilot.press("n")
        assert table.selected is not None and table.selected.thing == "fleet-012"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExecutionScreen))
        detail = app.screen
        assert isinstance(detail, ExecutionScreen)
        await wait_for(pilot, lambda: detail.detail.execution is not None)
        assert "CHECKSUM_MISMATCH" in detail.query_one("#x-details").plain  # type: ignore[attr-defined]
        assert "fw ▸ executions ▸ fleet-012 ▸ #1" in str(detail.query_one("#breadcrumb").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ExecutionsScreen))
        assert listed(app).selected is not None and listed(app).selected.thing == "fleet-012"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_loading_is_paced_and_stops_when_leaving(
    make_app: Any, iot: Any, sim_server: Any, monkeypatch: Any
) -> None:
    from iotjobs_tui.ui.widgets.stuck_triage import StuckTriage
    from iotjobs_tui.ui.widgets.why_panel import WhyPanel

    async def no_calls(self: Any) -> None:
        return None

    # The main screen's why sampler and stuck triage list executions too (paced, in the
    # background); this test counts the executions screen's own pages.
    monkeypatch.setattr(WhyPanel, "_fetch", no_calls)
    monkeypatch.setattr(StuckTriage, "_fetch", no_calls)
    group = seed_group(iot, "fleet", 40)
    iot.create_job(jobId="fw", targets=[group], document="{}")
    app = make_app(executions_page_pause=0.4)
    app.data.executions_page_size = 2
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.screen.query_one(JobTable).row_count == 1)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExecutionsScreen))
        await wait_for(pilot, lambda: listed(app).row_count >= 2)  # first page shows at once
        await pilot.pause(1.0)
        calls = sim_server.stats.count("iot", "ListJobExecutionsForJob")
        assert 2 <= calls <= 4  # ~2.5 calls/s at a 0.4 s pause, not 20 calls at once
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.pause(1.0)
        assert sim_server.stats.count("iot", "ListJobExecutionsForJob") <= calls + 1
