"""Snapshots of the main screen at 80x24 and 160x48 (frozen clocks, fixed scene).

Sync tests: snap_compare runs its own event loop.
"""

from __future__ import annotations

from typing import Any

import pytest

from iotjobs_tui.ui.widgets.job_detail import JobDetail
from iotjobs_tui.ui.widgets.job_table import JobTable

from .conftest import seed_showcase, wait_for


def loaded(job_id: str) -> Any:
    async def run_before(pilot: Any) -> None:
        app = pilot.app
        await wait_for(pilot, lambda: app.screen.query_one(JobTable).row_count == 4)
        await wait_for(pilot, lambda: app.screen.query_one(JobDetail).job is not None)
        await wait_for(pilot, lambda: app.screen.query_one(JobDetail).job_id == job_id)
        # The rollout's size is counted (its calls are in the status bar's calls/min).
        await wait_for(pilot, lambda: app.screen.query_one(JobDetail).targets()[0] is not None)
        app.screen.tick()  # the status bar's calls/min, now
        await pilot.pause(0.3)
        await wait_for(pilot, lambda: not app.screen.list_loop.busy)

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_main_screen(snap_compare: Any, make_app: Any, iot: Any, emulator: Any, size: Any) -> None:
    seed_showcase(iot, emulator)
    app = make_app(
        demo=True,
        connection_label="us-east-1 · emulator",
        job_id="fw-2-4-1",
        detail_interval=3600,
        list_interval=3600,
        progress_every=3600,
    )
    assert snap_compare(app, terminal_size=size, run_before=loaded("fw-2-4-1"))


def test_scheduled_job_detail(snap_compare: Any, make_app: Any, iot: Any, emulator: Any) -> None:
    seed_showcase(iot, emulator)
    app = make_app(
        demo=True,
        connection_label="us-east-1 · emulator",
        job_id="night-window",
        detail_interval=3600,
        list_interval=3600,
        progress_every=3600,
    )
    assert snap_compare(app, terminal_size=(160, 48), run_before=loaded("night-window"))
