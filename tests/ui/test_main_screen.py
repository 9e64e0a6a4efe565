"""The main screen against the emulator over HTTP (no mocks): list, filters, detail, loop."""

from __future__ import annotations

import socket
import time
from typing import Any

from textual.geometry import Region

from iotjobs_tui.aws.models import JobFilters
from iotjobs_tui.sim.server import FaultInjector
from iotjobs_tui.sim.wire.errors import ServiceError
from iotjobs_tui.ui.screens.main import MainScreen
from iotjobs_tui.ui.widgets.field import Field
from iotjobs_tui.ui.widgets.job_detail import JobDetail
from iotjobs_tui.ui.widgets.job_table import JobTable
from iotjobs_tui.ui.widgets.status_bar import StatusBar

from .conftest import seed_group, wait_for


def screen_of(app: Any) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def table(app: Any) -> JobTable:
    return app.screen.query_one(JobTable)


def detail(app: Any) -> JobDetail:
    return app.screen.query_one(JobDetail)


def painted(widget: Any) -> str:
    """The text a widget actually paints (after Rich/Textual rendering)."""
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join("".join(seg.text for seg in strip) for strip in widget.render_lines(region))


def field(app: Any, name: str) -> str:
    return app.screen.query_one(f"#{name}", Field).plain


def make_jobs(iot: Any, group: str, count: int, prefix: str = "job", **extra: Any) -> list[str]:
    ids = [f"{prefix}-{i:03d}" for i in range(count)]
    for job_id in ids:
        iot.create_job(jobId=job_id, targets=[group], document='{"op": "x"}', **extra)
    return ids


async def test_every_job_across_several_pages(make_app: Any, iot: Any, sim_server: Any) -> None:
    group = seed_group(iot, "fleet", 1)
    ids = make_jobs(iot, group, 23)
    app = make_app(page_size=5)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count == 23)
        assert set(table(app).jobs) == set(ids)
        await wait_for(pilot, lambda: screen_of(app).list_loop.policy.last_success is not None)
    assert sim_server.stats.count("iot", "ListJobs") >= 5  # 23 jobs at 5 per page


async def test_server_side_filters(make_app: Any, iot: Any) -> None:
    fleet = seed_group(iot, "fleet", 2)
    other = seed_group(iot, "other", 1)
    make_jobs(iot, fleet, 2, "snap")
    make_jobs(iot, fleet, 1, "cont", targetSelection="CONTINUOUS")
    make_jobs(iot, other, 1, "grp")
    make_jobs(iot, fleet, 1, "ns", namespaceId="greengrass")
    iot.cancel_job(jobId="snap-001")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count == 5)
        screen = screen_of(app)

        async def shown(filters: JobFilters) -> set[str]:
            # The new list replaces an emptied table: wait for its rows, not for the loop
            # to look idle (a restarted loop is idle for a moment before its fetch begins).
            screen.apply_filters(filters)
            await wait_for(pilot, lambda: table(app).row_count > 0)
            await wait_for(pilot, lambda: not screen.list_loop.busy)
            return set(table(app).jobs)

        assert await shown(JobFilters(status="CANCELED")) == {"snap-001"}
        assert await shown(JobFilters(target_selection="CONTINUOUS")) == {"cont-000"}
        assert await shown(JobFilters(thing_group_name="other")) == {"grp-000"}
        assert await shown(JobFilters(namespace_id="greengrass")) == {"ns-000"}
        assert "namespaceId=greengrass" in str(screen.query_one("#list-pane").border_title)


async def test_filter_dialog_and_text_filter(make_app: Any, iot: Any) -> None:
    fleet = seed_group(iot, "fleet", 1)
    other = seed_group(iot, "other", 1)
    make_jobs(iot, fleet, 3, "fleetjob")
    make_jobs(iot, other, 2, "otherjob")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count == 5)
        # `/` filters by text on the client.
        await pilot.press("slash", *"other")
        await wait_for(pilot, lambda: table(app).row_count == 2)
        await pilot.press("escape")
        await wait_for(pilot, lambda: table(app).row_count == 5)
        # `f` opens the server-side filter dialog; Enter in a field applies it.
        await pilot.press("f")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "FilterScreen")
        app.screen.query_one("#f-group").focus()
        await pilot.press(*"fleet", "enter")
        await wait_for(pilot, lambda: set(table(app).jobs) == {f"fleetjob-00{i}" for i in range(3)})


async def test_cursor_survives_refreshes(make_app: Any, iot: Any, emulator: Any) -> None:
    group = seed_group(iot, "fleet", 1)
    make_jobs(iot, group, 6)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count == 6)
        await pilot.press("down", "down", "down")
        chosen = table(app).selected_job_id
        assert chosen is not None
        await wait_for(pilot, lambda: detail(app).job_id == chosen)
        # New jobs sort above the cursor (newest first); the cursor must stay on `chosen`.
        emulator.clock.advance(60)
        make_jobs(iot, group, 4, "newer")
        await pilot.press("r")
        await wait_for(pilot, lambda: table(app).row_count == 10)
        assert table(app).selected_job_id == chosen
        assert detail(app).job_id == chosen
        # And a refresh that changes cells (a cancel) keeps it too.
        iot.cancel_job(jobId="newer-000")
        await pilot.press("r")
        await wait_for(pilot, lambda: table(app).jobs["newer-000"].status == "CANCELED")
        assert table(app).selected_job_id == chosen


async def test_detail_values_equal_describe_job(make_app: Any, iot: Any) -> None:
    group = seed_group(iot, "fleet", 3)
    iot.create_job(
        jobId="fw-1",
        targets=[group],
        document='{"op": "fw"}',
        description="Firmware one",
        jobExecutionsRolloutConfig={"maximumPerMinute": 100},
        abortConfig={
            "criteriaList": [
                {
                    "failureType": "FAILED",
                    "action": "CANCEL",
                    "thresholdPercentage": 25,
                    "minNumberOfExecutedThings": 2,
                }
            ]
        },
        timeoutConfig={"inProgressTimeoutInMinutes": 90},
        jobExecutionsRetryConfig={
            "criteriaList": [{"failureType": "FAILED", "numberOfRetries": 3}]
        },
    )
    app = make_app(job_id="fw-1")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: detail(app).job is not None)
        expected = iot.describe_job(jobId="fw-1")["job"]
        summary = field(app, "d-summary") + field(app, "d-times")
        for value in (expected["status"], "Firmware one"):
            assert value in summary
        # ARNs never wrap mid-token: shortened in the pane, whole one key away.
        assert "…:job/fw-1" in summary
        await pilot.press("tab", "a")
        arns = field(app, "d-arns")
        for arn in (expected["jobArn"], *expected["targets"]):
            assert arn in arns
        counters = field(app, "d-counters")
        process = expected["jobProcessDetails"]
        assert (
            f"queued{process['numberOfQueuedThings']:>15,}"
            in counters.replace(" ", "").join(["queued", ""])
            or f"{process['numberOfQueuedThings']}" in counters
        )
        for label, member in (
            ("succeeded", "numberOfSucceededThings"),
            ("failed", "numberOfFailedThings"),
        ):
            line = next(part for part in counters.splitlines() if label in part)
            assert str(process[member]) in line
        config = field(app, "d-config")
        assert "at most 100/min" in config
        assert "FAILED ≥ 25 % → CANCEL · armed at 2 notified" in config
        radar = field(app, "radar-body")
        assert "FAILED    0.0 % of 3 notified executions; aborts at 25 %" in radar
        assert "1 h 30 min in progress" in config
        assert "FAILED: 3 retries" in config
        assert table(app).selected_job_id == "fw-1"


async def test_counters_change_as_the_clock_advances(
    make_app: Any, iot: Any, emulator: Any
) -> None:
    group = seed_group(iot, "fleet", 6)
    iot.create_job(
        jobId="roll",
        targets=[group],
        document="{}",
        jobExecutionsRolloutConfig={"maximumPerMinute": 2},
    )
    app = make_app(job_id="roll")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: detail(app).job is not None)
        first = detail(app).job
        assert first is not None and first.process is not None
        queued_before = first.process.count("queued")
        assert "measuring" in field(app, "d-rate")

        def queued_now() -> int:
            job = detail(app).job
            return job.process.count("queued") if job and job.process else 0

        # The rollout creates two executions per virtual minute.
        for _ in range(5):
            emulator.clock.advance(61)
            await pilot.press("r")
            await pilot.pause(0.2)
            if queued_now() > queued_before:
                break
        await wait_for(pilot, lambda: queued_now() > queued_before)
        delta = queued_now() - queued_before
        queued_line = next(
            line for line in field(app, "d-counters").splitlines() if "queued" in line
        )
        assert f"{queued_now()} +{delta}" in " ".join(queued_line.split())
        assert "created" in field(app, "d-rate") and "/min" in field(app, "d-rate")
        # Of the 6 counted targets, as in the detail, not of the executions created so far.
        await wait_for(pilot, lambda: table(app).progress["roll"] == (0, 6))


async def test_progress_column_filled_for_rows_on_screen(
    make_app: Any, iot: Any, sim_server: Any
) -> None:
    group = seed_group(iot, "fleet", 3)
    ids = make_jobs(iot, group, 4)
    iot.cancel_job(jobId=ids[0])
    # A running clock: the filler waits 2 s after a selection change before it calls.
    app = make_app(
        progress_every=0.1, detail_interval=3600, list_interval=3600, monotonic=time.monotonic
    )
    asked: list[tuple[str, bool]] = []  # (job id, first value?) of each filler call
    job_progress = app.data.job_progress

    async def recorded(target: Any, job_id: str, first: bool = False) -> Any:
        asked.append((job_id, first))
        return await job_progress(target, job_id, first=first)

    app.data.job_progress = recorded  # type: ignore[method-assign]
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: set(table(app).progress) == set(ids))
        # A row's first value is what the user is looking at (`…`): a foreground call.
        assert asked and all(first for _, first in asked)
        for job_id in ids:
            expected = iot.describe_job(jobId=job_id)["job"]["jobProcessDetails"]
            total = sum(v for k, v in expected.items() if k.startswith("numberOf"))
            assert table(app).progress[job_id] == (expected["numberOfSucceededThings"], total)
        jobs = table(app)
        index = [row.key for row in jobs.visible_rows].index(ids[1])
        line = "".join(segment.text for segment in jobs.render_line(1 + index))
        # Of executions ("ex") until the job's targets are counted.
        assert f" 0/{jobs.progress[ids[1]][1]} ex" in line
        # Each row is described once (the detail pane's job by the detail loop), then no more
        # until active rows age out.
        calls = sim_server.stats.count("iot", "DescribeJob")
        await pilot.pause(0.5)
        assert sim_server.stats.count("iot", "DescribeJob") == calls
        # An active row whose value aged is refreshed as background work.
        screen = app.main_screen
        active = next(j for j in ids[1:] if j != screen.detail.job_id)
        screen.progress.described_at[active] -= 61
        await wait_for(pilot, lambda: asked[-1] == (active, False))


async def test_pause_stops_the_calls(make_app: Any, iot: Any, sim_server: Any) -> None:
    group = seed_group(iot, "fleet", 1)
    make_jobs(iot, group, 2)
    app = make_app(detail_interval=0.1, list_interval=0.2)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: sim_server.stats.count("iot", "DescribeJob") >= 3)
        await pilot.press("p")
        await pilot.pause(0.3)  # let any call in flight land
        paused_at = sim_server.stats.total()
        await pilot.pause(1.0)
        assert sim_server.stats.total() == paused_at
        assert "PAUSED" in app.screen.query_one(StatusBar).plain
        await pilot.press("p")
        await wait_for(pilot, lambda: sim_server.stats.total() > paused_at)


class ThrottleDescribe(FaultInjector):
    def __init__(self) -> None:
        self.enabled = True

    def before_request(self, service: str, operation: str) -> ServiceError | None:
        if self.enabled and operation == "DescribeJob":
            return ServiceError("ThrottlingException", "Rate exceeded")
        return None


async def test_error_in_its_pane_and_the_app_keeps_running(
    make_app: Any, iot: Any, sim_server: Any
) -> None:
    group = seed_group(iot, "fleet", 1)
    make_jobs(iot, group, 2)
    faults = ThrottleDescribe()
    sim_server.faults = faults
    app = make_app(detail_interval=0.2)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: "ThrottlingException" in field(app, "d-message"))
        assert table(app).row_count == 2  # the list pane is unaffected
        await wait_for(pilot, lambda: "throttled" in app.screen.query_one(StatusBar).plain)
        assert "STALE" in app.screen.query_one(StatusBar).plain
        faults.enabled = False
        await pilot.press("r")
        await wait_for(pilot, lambda: detail(app).job is not None, timeout=15)
        assert field(app, "d-message") == ""
        assert app.is_running


async def test_unreachable_endpoint_is_one_sentence(make_app: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = make_app(url=f"http://127.0.0.1:{port}")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = screen_of(app)
        await wait_for(pilot, lambda: screen.list_loop.policy.failures > 0, timeout=20)
        message = str(screen.query_one("#list-message").render())
        assert f"Could not connect to http://127.0.0.1:{port}/jobs" in message
        assert "--demo" in message
        assert app.is_running


async def test_hostile_strings_are_shown_literally(make_app: Any, iot: Any) -> None:
    group = seed_group(iot, "fleet", 1)
    markup = "[bold red]boom[/] [link=http://evil]x[/link] $primary"
    # Not JSON, so it is shown as stored: the control characters must become visible escapes.
    document = "\x1b[2J\x1b]0;pwned\x07 [b]hi[/b] \u202eevil"
    iot.create_job(jobId="evil", targets=[group], document=document, description=markup)
    app = make_app(job_id="evil")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: detail(app).job is not None)
        assert markup in field(app, "d-summary")
        # Wrapped over two lines in the value column; compare without whitespace.
        squeezed = "".join(painted(app.screen.query_one("#d-summary")).split())
        assert "".join(markup.split()) in squeezed
        await pilot.press("d")
        await wait_for(pilot, lambda: "pwned" in painted(app.screen.query_one("#document")))
        shown = painted(app.screen.query_one("#document"))
        assert not any(char in shown for char in "\x1b\x07\u202e")
        assert "\\x1b[2J\\x1b]0;pwned\\x07 [b]hi[/b] \\u202eevil" in shown


async def test_start_up_gc_pause_ends_with_the_first_rows(make_app: Any, iot: Any) -> None:
    """cli.main holds the collector; the first job rows on screen release it."""
    import gc

    from iotjobs_tui.common import gc_pause

    make_jobs(iot, seed_group(iot, "fleet", 1), 3)
    app = make_app()
    gc_pause.hold()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: table(app).row_count == 3)
            await wait_for(pilot, gc.isenabled)
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()


async def test_a_list_refresh_does_not_repaint_the_whole_pane(make_app: Any, iot: Any) -> None:
    """Setting the pane's border title repaints all of it: only a changed title is set."""
    group = seed_group(iot, "fleet", 1)
    make_jobs(iot, group, 3)
    app = make_app(
        list_interval=3600, detail_interval=3600, progress_every=3600, monotonic=time.monotonic
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count == 3)
        screen = screen_of(app)
        await wait_for(pilot, lambda: not screen.list_loop.busy)
        pane = screen.query_one("#list-pane")
        whole: list[bool] = []
        original = pane.refresh

        def counted(*regions: Any, **options: Any) -> Any:
            whole.append(not regions)
            return original(*regions, **options)

        pane.refresh = counted  # type: ignore[method-assign]
        before = screen.list_loop.policy.last_success
        screen.list_loop.refresh_now()
        await wait_for(pilot, lambda: screen.list_loop.policy.last_success != before)
        await wait_for(pilot, lambda: not screen.list_loop.busy)
        assert not any(whole)
        make_jobs(iot, group, 1, "late")  # a new count changes the title: set once
        screen.list_loop.refresh_now()
        await wait_for(pilot, lambda: table(app).row_count == 4)
        assert any(whole)
        assert str(pane.border_title).startswith("Jobs 4")
