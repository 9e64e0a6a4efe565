"""The job detail's stuck triage against the emulator: blocked, never picked up, connectivity
unknown without fleet indexing, `t` and the things list message, names shown literally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from iotjobs_tui.aws.models import JobExecutionSummary
from iotjobs_tui.aws.stuck import Entry, TriageReport
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.ui.messages import ShowThings
from iotjobs_tui.ui.screens.choose import ChoiceScreen
from iotjobs_tui.ui.screens.main import MainScreen
from iotjobs_tui.ui.widgets.field import Field
from iotjobs_tui.ui.widgets.stuck_triage import StuckTriage, kind_line

from .conftest import wait_for


def section(app: Any) -> StuckTriage:
    return app.screen.query_one(StuckTriage)


def text(app: Any, name: str) -> str:
    return str(section(app).query_one(f"#{name}", Field).plain)


def reported(app: Any) -> bool:
    report = section(app).report
    return report is not None and bool(report.entries)


def plant_blocked(iot: Any, jobs_data: Any, emulator: Emulator, thing: str = "dev") -> None:
    """Two jobs on one thing; the device works on the first, the second waits 11 minutes."""
    arn = iot.create_thing(thingName=thing)["thingArn"]
    iot.create_job(jobId="soak", targets=[arn], document="{}")
    iot.create_job(jobId="hotfix", targets=[arn], document="{}")
    jobs_data.start_next_pending_job_execution(thingName=thing)
    emulator.clock.advance(11 * 60)


async def test_thing_with_two_jobs_shown_as_blocked(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    plant_blocked(iot, jobs_data, emulator, thing="plant:line-1")
    app = make_app(job_id="hotfix")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: reported(app))
        assert section(app).display
        head = text(app, "stuck-head")
        assert head.startswith("Stuck")
        assert "scanned 1 of 1 queued/in-progress executions" in head
        assert "0 s ago" in head  # the frozen monotonic clock
        kinds = text(app, "stuck-kinds").splitlines()
        assert " ".join(kinds[0].split()) == "blocked by another job 1 behind soak · plant:line-1"
        assert kinds[1].split() == ["never", "picked", "up", "0"]
        # Connectivity was not needed: blocked explains it.
        assert " ".join(kinds[3].split()) == "offline — not asked yet"
        assert "checked 1 of 1 suspects" in text(app, "stuck-foot")
        # Its age is real time (the loop's monotonic clock), not the fleet's: a demo at 60x
        # would call a 12 s old scan "12 min ago".
        emulator.clock.advance(20 * 60)
        app.options.monotonic.now += 20
        await wait_for(pilot, lambda: "20 s ago" in text(app, "stuck-head"))


async def test_never_picked_up_and_connectivity_unknown_without_indexing(
    make_app: Any, iot: Any, emulator: Emulator
) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(jobId="j", targets=[arn], document="{}")
    emulator.clock.advance(9 * 60)
    app = make_app(job_id="j")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: section(app).report is not None)
        # 9 minutes: nothing stuck, and the section says so with what it scanned.
        assert section(app).display
        assert (
            "none of the scanned executions looks stuck"
            in section(app).query_one("#stuck-kinds").plain
        )
        emulator.clock.advance(2 * 60)
        await pilot.press("r")
        await wait_for(pilot, lambda: reported(app))
        kinds = text(app, "stuck-kinds")
        assert "  never picked up         1  queued 11 min · dev" in kinds
        assert "  offline                 —  connectivity unknown (fleet indexing off)" in kinds
        assert "⚠" not in text(app, "stuck-foot")  # indexing off is no error


async def test_t_lists_the_things_of_a_kind(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    plant_blocked(iot, jobs_data, emulator)
    app = make_app(job_id="hotfix")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: reported(app))
        posted: list[Any] = []
        stuck = section(app)
        original = stuck.post_message

        def spy(message: Any) -> bool:
            posted.append(message)
            return original(message)

        stuck.post_message = spy  # type: ignore[method-assign]
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("2")  # never picked up: none, so it only says why
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("1")  # blocked by another job
        await wait_for(pilot, lambda: any(isinstance(m, ShowThings) for m in posted))
        message = next(m for m in posted if isinstance(m, ShowThings))
        assert (message.job_id, message.things) == ("hotfix", ("dev",))
        assert message.title == "blocked by another job: 1 of hotfix"
        known = message.known["dev"]
        assert isinstance(known, JobExecutionSummary) and known.status == "QUEUED"
        # The main screen opens exactly those things' executions.
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ThingSetScreen")


async def test_t_without_a_stuck_execution_says_so(make_app: Any, iot: Any) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(jobId="j", targets=[arn], document="{}")
    app = make_app(job_id="j")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: section(app).report is not None)
        await pilot.press("t")
        await pilot.pause(0.1)
        assert isinstance(app.screen, MainScreen)


def test_names_and_job_ids_render_literally() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    hostile = "[bold red]x[/bold red]\x1b[2J"
    entry = Entry(hostile, "blocked", "QUEUED", now - timedelta(minutes=20), True, ("[i]j",))
    report = TriageReport("j", now, 1, True, "on", (entry,))
    line = kind_line(report, "blocked", now)
    assert "[bold red]x[/bold red]" in line.plain
    assert "behind [i]j" in line.plain
    assert "\x1b" not in line.plain  # the control character is shown as an escape
    assert not any("bold red" in str(span.style) for span in line.spans)


async def test_another_job_starts_over(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    plant_blocked(iot, jobs_data, emulator)
    app = make_app(job_id="hotfix")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: reported(app))
        app.screen.jump_to_job("soak")
        await wait_for(pilot, lambda: section(app).job_id == "soak")
        assert section(app).report is None and not section(app).display
        # soak's execution is IN_PROGRESS for 11 minutes: not silent yet (30): none stuck.
        await wait_for(pilot, lambda: section(app).report is not None)
        report = section(app).report
        assert report is not None and report.job_id == "soak" and report.entries == ()
        assert "none of the scanned" in section(app).query_one("#stuck-kinds").plain


def test_a_scan_that_outgrew_its_start_says_so() -> None:
    """The rollout queued more while the pages were read: never "scanned 500 of 456"."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    section = StuckTriage()
    grew = TriageReport("j", now, 500, True, "on", unfinished=456)
    text = section._heading(grew, now).plain
    assert "scanned 500 queued/in-progress executions (456 when the scan began)" in text
    fewer = TriageReport("j", now, 400, True, "on", unfinished=456)
    assert "scanned 400 of 456 queued/in-progress executions" in section._heading(fewer, now).plain


async def test_a_job_with_nothing_unfinished_has_nothing_stuck(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    """A scan from before the job finished is not shown as if it still described the job."""
    plant_blocked(iot, jobs_data, emulator)
    app = make_app(job_id="hotfix", detail_interval=1)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: reported(app))
        assert "scanned 1 of 1" in text(app, "stuck-head")
        # Both jobs finish on the device; the next DescribeJob says nothing is unfinished.
        jobs_data.update_job_execution(jobId="soak", thingName="dev", status="SUCCEEDED")
        jobs_data.start_next_pending_job_execution(thingName="dev")
        jobs_data.update_job_execution(jobId="hotfix", thingName="dev", status="SUCCEEDED")
        await pilot.press("r")
        await wait_for(
            pilot, lambda: "no queued or in-progress executions now" in text(app, "stuck-head")
        )
        assert section(app).query_one("#stuck-kinds", Field).plain == ""
