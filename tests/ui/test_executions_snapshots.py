"""Snapshots of the executions list and of one execution, at 80x24 and 160x48.

Sync tests: snap_compare runs its own event loop. Frozen clocks, no timers running.
"""

from __future__ import annotations

from typing import Any

import pytest

from iotjobs_tui.ui.screens.execution import ExecutionScreen
from iotjobs_tui.ui.screens.executions import ExecutionsScreen
from iotjobs_tui.ui.widgets.job_table import JobTable

from .conftest import seed_group, wait_for

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
RETRY = {"criteriaList": [{"failureType": "FAILED", "numberOfRetries": 2}]}
JOB = "meter-fw-5_2_0"
QUIET = {"detail_interval": 3600, "list_interval": 3600, "progress_every": 3600}


def seed(iot: Any, jobs_data: Any, emulator: Any) -> None:
    group = seed_group(iot, "meter", 30)
    iot.create_job(
        jobId="meter-fw-5_2_0", targets=[group], document="{}", jobExecutionsRetryConfig=RETRY
    )
    iot.create_job(jobId="meter-config-7", targets=[group], document="{}")
    emulator.clock.advance(60)
    for i in range(0, 30, 3):
        thing = f"meter-{i:03d}"
        jobs_data.start_next_pending_job_execution(thingName=thing)
        emulator.clock.advance(20)
        if i % 2:
            jobs_data.update_job_execution(
                jobId="meter-fw-5_2_0",
                thingName=thing,
                status="FAILED",
                statusDetails={"reason": "MODEM_DFU_VERIFY_FAILED", "step": "verify 3/4"},
            )
        elif i % 4 == 0:
            jobs_data.update_job_execution(
                jobId="meter-fw-5_2_0", thingName=thing, status="SUCCEEDED"
            )
    emulator.clock.advance(3600)  # the IN_PROGRESS ones now look stuck


@SIZES
def test_executions_screen(
    snap_compare: Any, make_app: Any, iot: Any, jobs_data: Any, emulator: Any, size: Any
) -> None:
    seed(iot, jobs_data, emulator)
    app = make_app(demo=True, job_id="meter-fw-5_2_0", executions_page_pause=0, **QUIET)

    async def run_before(pilot: Any) -> None:
        await wait_for(pilot, lambda: pilot.app.screen.query_one(JobTable).row_count == 2)
        detail = pilot.app.screen.detail
        # The first row is highlighted before --job's row is: wait for the debounce to settle.
        await pilot.pause(0.3)
        await wait_for(pilot, lambda: detail.job is not None and detail.job.job_id == JOB)
        await wait_for(pilot, lambda: detail.targets()[0] is not None)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExecutionsScreen))
        await wait_for(pilot, lambda: pilot.app.screen.loading_done)
        await pilot.press("n")
        await pilot.pause(0.2)
        # Which calls have landed by now (the first row's target count, a page) is timing:
        # the calls/min shown is reset just before the status bar reads it.
        pilot.app.data.stats.forget_recent()
        pilot.app.screen.tick()  # the status bar's calls/min, now

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_execution_screen(
    snap_compare: Any, make_app: Any, iot: Any, jobs_data: Any, emulator: Any, size: Any
) -> None:
    seed(iot, jobs_data, emulator)
    app = make_app(
        demo=True, job_id="meter-fw-5_2_0", thing_name="meter-003", execution_number=1, **QUIET
    )

    async def run_before(pilot: Any) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExecutionScreen))
        screen = pilot.app.screen
        await wait_for(pilot, lambda: screen.detail.execution is not None)
        await wait_for(pilot, lambda: len(screen.history) == 2)
        await wait_for(pilot, lambda: screen.query_one("#x-others").row_count == 1)
        await pilot.pause(0.2)
        screen.tick()  # the status bar's calls/min, now

    assert snap_compare(app, terminal_size=size, run_before=run_before)
