"""The executions list keeps itself current (aws.execution_sync) without re-listing it all."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.ui.widgets.status_bar import StatusBar

from .conftest import seed_group, wait_for
from .test_executions import fail, listed, open_executions


def succeed(jobs_data: Any, job_id: str, thing: str) -> None:
    jobs_data.start_next_pending_job_execution(thingName=thing)
    jobs_data.update_job_execution(jobId=job_id, thingName=thing, status="SUCCEEDED")


async def test_statuses_change_in_place_and_new_executions_appear(
    make_app: Any, iot: Any, jobs_data: Any, sim_server: Any
) -> None:
    group = seed_group(iot, "fleet", 12)
    iot.create_job(
        jobId="fw",
        targets=[group],
        document="{}",
        jobExecutionsRetryConfig={
            "criteriaList": [{"failureType": "FAILED", "numberOfRetries": 1}]
        },
    )
    app = make_app(executions_page_pause=0, list_interval=1, detail_interval=1)
    app.data.executions_page_size = 5
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_executions(pilot, app)
        table = listed(app)
        await wait_for(pilot, lambda: table.row_count == 12 and screen.loading_done)
        table.select_key("fleet-005#1")
        # Devices act while the list is open: one succeeds, one fails (and is retried as #2),
        # one starts. Nobody presses r.
        succeed(jobs_data, "fw", "fleet-002")
        fail(jobs_data, "fw", "fleet-007")
        jobs_data.start_next_pending_job_execution(thingName="fleet-005")
        calls_before = sim_server.stats.count("iot", "ListJobExecutionsForJob")
        await wait_for(pilot, lambda: table.rows["fleet-002#1"].status == "SUCCEEDED")
        await wait_for(pilot, lambda: "fleet-007#2" in table.rows)  # the retry appeared
        assert table.rows["fleet-007#1"].status == "FAILED"
        assert table.rows["fleet-005#1"].status == "IN_PROGRESS"
        assert table.selected is not None and table.selected.key == "fleet-005#1"
        assert table.counts["SUCCEEDED"] == 1 and table.counts["FAILED"] == 1
        # A cycle re-lists QUEUED and IN_PROGRESS (a few pages), never the whole job.
        listed_since = sim_server.stats.count("iot", "ListJobExecutionsForJob") - calls_before
        cycles = max(1, screen.rows_loop.generation - 1)
        assert listed_since / cycles <= 6
        assert screen._last_cycle_calls is not None and screen._last_cycle_calls <= 8
        bar = screen.query_one(StatusBar).plain
        assert "executions every 1s, updated" in bar and "counts every 1s" in bar
        progress = str(screen.query_one("#x-progress").render())
        assert "service counts" in progress and "SUCCEEDED 1" in progress


async def test_a_status_bar_on_every_screen(make_app: Any, iot: Any) -> None:
    group = seed_group(iot, "fleet", 2)
    iot.create_job(jobId="fw", targets=[group], document="{}")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_executions(pilot, app)
        bar = app.screen.query_one(StatusBar)
        # The RO/RW badge first (no terminal is too narrow for it), then the connection.
        await wait_for(pilot, lambda: bar.plain.startswith(" RO live us-east-1 · http://127.0.0.1"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "execution every" in app.screen.query_one(StatusBar).plain)
        # The account comes from the first ARN an answer carried: no extra call.
        assert "· account 123456789012" in app.screen.query_one(StatusBar).plain
