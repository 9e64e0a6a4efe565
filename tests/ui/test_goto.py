"""The go-to-execution prompt against the emulator: shape errors as you type, existence
errors per field on Enter, and a valid target opening the execution."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.ui.screens.execution import ExecutionScreen
from iotjobs_tui.ui.screens.goto_execution import GotoExecutionScreen, check_number
from iotjobs_tui.ui.widgets.job_table import JobTable

from .conftest import wait_for

RETRY = {"criteriaList": [{"failureType": "FAILED", "numberOfRetries": 1}]}


def prompt(app: Any) -> GotoExecutionScreen:
    screen = app.screen
    assert isinstance(screen, GotoExecutionScreen)
    return screen


async def fill(pilot: Any, app: Any, job: str, thing: str, number: str) -> GotoExecutionScreen:
    screen = prompt(app)
    for field_id, value in (("g-job", job), ("g-thing", thing), ("g-number", number)):
        box = screen.query_one(f"#{field_id}")
        box.value = value  # type: ignore[attr-defined]
    await pilot.pause()
    return screen


def test_number_checks() -> None:
    assert check_number("") is None
    assert check_number("2") is None
    assert "not a number" in (check_number("two") or "")
    assert "not a number" in (check_number("-1") or "")
    assert "not a number" in (check_number("²") or "")  # isdigit() but not a number here
    assert "start at 1" in (check_number("0") or "")


async def test_goto_errors_and_success(make_app: Any, iot: Any, jobs_data: Any) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_thing(thingName="idle")
    iot.create_job(jobId="j", targets=[arn], document="{}", jobExecutionsRetryConfig=RETRY)
    jobs_data.start_next_pending_job_execution(thingName="dev")
    jobs_data.update_job_execution(jobId="j", thingName="dev", status="FAILED")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.query_one(JobTable).row_count == 1)
        await wait_for(pilot, lambda: app.screen.detail.job_id == "j")
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GotoExecutionScreen))
        screen = prompt(app)
        assert screen.value("g-job") == "j"  # prefilled from the selected job
        await wait_for(pilot, lambda: app.focused is screen.query_one("#g-thing"))
        # As you type: a number that is not a number says so before any call.
        await pilot.press(*"dev", "tab", *"2x")
        assert "'2x' is not a number" in screen.error("g-number")
        await pilot.press("enter")
        assert screen.checking is None  # nothing sent while a field is malformed
        # Unknown job, unknown thing: each field gets its own message with the AWS code.
        await fill(pilot, app, "nope", "ghost", "")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(screen.error("g-job")))
        assert "No job nope (DescribeJob: ResourceNotFoundException)" in screen.error("g-job")
        assert "No thing ghost" in screen.error("g-thing")
        # A thing without an execution of this job.
        await fill(pilot, app, "j", "idle", "")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "no execution of job j" in screen.error("g-thing"))
        assert not screen.error("g-job")
        # An execution number the thing does not have.
        await fill(pilot, app, "j", "dev", "7")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(screen.error("g-number")))
        assert "No execution number 7 (this thing has 1, 2)" in screen.error("g-number")
        # A good target opens the execution.
        await fill(pilot, app, "j", "dev", "2")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExecutionScreen))
        opened = app.screen
        assert isinstance(opened, ExecutionScreen)
        assert (opened.job_id, opened.thing_name, opened.number) == ("j", "dev", 2)


async def test_goto_from_the_command_palette(make_app: Any, iot: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Go to execution")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GotoExecutionScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, GotoExecutionScreen))
