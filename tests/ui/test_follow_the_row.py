"""The detail, `d` and `e` act on the highlighted row; a deleted job is marked, then dropped."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.ui.screens.document import DocumentScreen
from iotjobs_tui.ui.screens.executions import ExecutionsScreen

from .conftest import seed_group, wait_for
from .test_main_screen import detail, make_jobs, screen_of, table


async def test_filter_moves_the_detail_and_e_to_the_filtered_row(make_app: Any, iot: Any) -> None:
    group = seed_group(iot, "fleet", 1)
    make_jobs(iot, group, 3, prefix="meter")
    iot.create_job(jobId="wireguard-keys", targets=[group], document="{}")
    app = make_app(list_interval=3600, detail_interval=3600, progress_every=3600)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count == 4)
        await wait_for(pilot, lambda: detail(app).job is not None)
        assert detail(app).job_id == "wireguard-keys"  # newest first
        await pilot.press("down")
        await wait_for(pilot, lambda: detail(app).job_id == "meter-002")
        await pilot.press("slash", *"wireguard")
        assert table(app).row_count == 1
        await wait_for(pilot, lambda: detail(app).job_id == "wireguard-keys")
        await pilot.press("enter", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExecutionsScreen))
        assert app.screen.job_id == "wireguard-keys"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ExecutionsScreen))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentScreen))
        assert app.screen.job_id == "wireguard-keys"


async def test_a_job_deleted_while_highlighted(make_app: Any, iot: Any, emulator: Any) -> None:
    group = seed_group(iot, "fleet", 1)
    make_jobs(iot, group, 3)
    app = make_app(list_interval=3600, detail_interval=3600, progress_every=3600)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count == 3)
        await wait_for(pilot, lambda: detail(app).job_id == "job-002")
        iot.delete_job(jobId="job-002", force=True)
        emulator.clock.advance(3600)  # deletion finishes: ListJobs no longer returns it
        with emulator.lock:
            while emulator.advance():
                pass
        screen = screen_of(app)
        screen.list_loop.refresh_now()
        row = table(app).rows["job-002"]
        # Marked in the list and in the detail, with a toast, until the next refresh.
        await wait_for(pilot, lambda: row.mark == "deleted")
        assert table(app).row_count == 3
        assert "was deleted" in detail(app).query_one("#d-message").render().__str__()
        assert any("job-002 was deleted" in n.message for n in app._notifications)
        screen.list_loop.refresh_now()
        await wait_for(pilot, lambda: "job-002" not in table(app).jobs)
        assert table(app).row_count == 2
