"""The previous session's job list shows, marked as cached, until the live list replaces it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from iotjobs_tui.aws.models import JobFilters, JobSummary
from iotjobs_tui.sim.server import SimServer
from iotjobs_tui.sim.wire.faults.injector import FaultConfig
from iotjobs_tui.ui.app import IotJobsApp
from iotjobs_tui.ui.job_cache import JobListCache
from iotjobs_tui.ui.screens.main import MainScreen

from .conftest import seed_group, wait_for


def _title(app: IotJobsApp) -> str:
    return str(app.screen.query_one("#list-pane").border_title)


async def test_cached_rows_show_until_the_live_list_replaces_them(
    make_app: Callable[..., IotJobsApp], iot: Any, sim_server: SimServer, tmp_path: Path
) -> None:
    group = seed_group(iot, "fleet", 2)
    iot.create_job(jobId="live-job", targets=[group], document="{}")
    caches: dict[str, JobListCache] = {}

    def factory(filters: JobFilters) -> JobListCache:
        return caches.setdefault(str(filters), JobListCache("key", tmp_path))

    factory(JobFilters()).save([JobSummary("gone-job", status="IN_PROGRESS")], now=0.0)
    # Hold every live answer back long enough to look at the cached list.
    sim_server.faults.configure(FaultConfig(latency_ms=1500))
    app = make_app(job_cache=factory)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.pause()
        assert set(screen.table.jobs) == {"gone-job"}
        assert "cached" in _title(app)
        await wait_for(pilot, lambda: set(screen.table.jobs) == {"live-job"})
        assert "cached" not in _title(app)
    saved = JobListCache("key", tmp_path).load()
    assert saved is not None
    assert [job.job_id for job in saved.jobs] == ["live-job"]


async def test_without_a_cache_nothing_is_shown_or_written(
    make_app: Callable[..., IotJobsApp], iot: Any, tmp_path: Path
) -> None:
    group = seed_group(iot, "fleet", 1)
    iot.create_job(jobId="live-job", targets=[group], document="{}")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await wait_for(pilot, lambda: "live-job" in screen.table.jobs)
        assert "cached" not in _title(app)
    assert list(tmp_path.iterdir()) == []
