"""Guarded writes against the emulator over HTTP: read-only sends nothing, a typed
confirmation gates every write, and every attempt and outcome is in the audit log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Checkbox, Input

from iotjobs_tui.aws.session import ConnectionSettings
from iotjobs_tui.ui.app import IotJobsApp
from iotjobs_tui.ui.data import DataService
from iotjobs_tui.ui.protocols import ViewOptions
from iotjobs_tui.ui.screens.confirm_write import ConfirmWriteScreen
from iotjobs_tui.ui.screens.execution import ExecutionScreen
from iotjobs_tui.ui.screens.executions import ExecutionsScreen
from iotjobs_tui.ui.widgets.execution_list import ExecutionList
from iotjobs_tui.ui.widgets.job_detail import JobDetail
from iotjobs_tui.ui.widgets.job_table import JobTable
from iotjobs_tui.ui.widgets.status_bar import StatusBar

from .conftest import FrozenMonotonic, seed_group, wait_for

WRITES = ("CancelJob", "CancelJobExecution", "DeleteJobExecution")
QUIET = {"detail_interval": 3600, "list_interval": 3600, "progress_every": 3600}


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "cursor_blink", False)


def rollout(iot: Any, jobs_data: Any) -> None:
    """Job `fw24` on 5 things: fleet-000 IN_PROGRESS, fleet-001 FAILED, 3 QUEUED."""
    group = seed_group(iot, "fleet", 5)
    iot.create_job(jobId="fw24", targets=[group], document="{}")
    jobs_data.start_next_pending_job_execution(thingName="fleet-000")
    jobs_data.start_next_pending_job_execution(thingName="fleet-001")
    jobs_data.update_job_execution(jobId="fw24", thingName="fleet-001", status="FAILED")


def write_calls(sim_server: Any) -> dict[str, int]:
    return {name: sim_server.stats.count("iot", name) for name in WRITES}


def messages(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


def audit_lines(state_dir: Path) -> list[dict[str, Any]]:
    path = state_dir / "audit.log"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


async def main_ready(pilot: Any) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.query_one(JobTable).row_count == 1)
    await wait_for(pilot, lambda: app.screen.query_one(JobDetail).job is not None)


async def open_executions(pilot: Any) -> ExecutionsScreen:
    app = pilot.app
    await main_ready(pilot)
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, ExecutionsScreen))
    screen = app.screen
    assert isinstance(screen, ExecutionsScreen)
    await wait_for(pilot, lambda: screen.loading_done and screen.job is not None)
    return screen


def highlight(screen: ExecutionsScreen, thing: str) -> None:
    table = screen.query_one(ExecutionList)
    table.action_first()
    if table.selected is None or table.selected.thing != thing:
        assert table.find_next(lambda row: row.thing == thing)


async def dialog(pilot: Any) -> ConfirmWriteScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmWriteScreen))
    screen = pilot.app.screen
    assert isinstance(screen, ConfirmWriteScreen)
    return screen


def go_button(screen: ConfirmWriteScreen) -> Button:
    return screen.query_one("#w-go", Button)


# --- (a) read-only is absolute --------------------------------------------------------------


async def test_read_only_sends_nothing(
    make_app: Any, iot: Any, jobs_data: Any, sim_server: Any, tmp_path: Path
) -> None:
    rollout(iot, jobs_data)
    app = make_app(state_dir=tmp_path, **QUIET)  # read_write defaults to False
    async with app.run_test(size=(160, 48)) as pilot:
        await main_ready(pilot)
        assert app.screen.query_one(StatusBar).plain.startswith(" RO ")
        await pilot.press("C", "D")
        screen = await open_executions(pilot)
        highlight(screen, "fleet-002")
        await pilot.press("C", "D")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExecutionScreen))
        execution_screen = app.screen
        await wait_for(pilot, lambda: execution_screen.detail.execution is not None)
        await pilot.press("C", "D")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmWriteScreen)
        hints = [m for m in messages(app) if "--read-write" in m]
        assert len(hints) == 1  # the same toast is never stacked (one per key is audited)
        assert "read_write = true" in hints[0]
    assert write_calls(sim_server) == dict.fromkeys(WRITES, 0)
    lines = audit_lines(tmp_path)
    assert {line["event"] for line in lines} == {"refused"}
    assert len(lines) == 6  # C and D on each of the three screens
    assert {line["mode"] for line in lines} == {"read-only"}


async def test_help_lists_the_write_keys(make_app: Any, iot: Any, jobs_data: Any) -> None:
    from textual.widgets import Static

    from iotjobs_tui.ui.screens.help import HelpScreen

    rollout(iot, jobs_data)
    app = make_app(**QUIET)
    async with app.run_test(size=(160, 48)) as pilot:
        await main_ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = "".join(
            "".join(segment.text for segment in line)
            for line in app.screen.query_one(Static).render_lines(
                app.screen.query_one(Static).region.reset_offset
            )
        )
        assert "Every screen" in text
        words = text.split()
        assert "Cancel" in words and "job/execution" in words and "Delete" in words
        assert words[words.index("job/execution") - 2] == "C"


# --- (b) cancel a job: typed id, reason code and comment ------------------------------------


async def test_cancel_job_needs_the_typed_id(
    make_app: Any, iot: Any, jobs_data: Any, sim_server: Any, tmp_path: Path
) -> None:
    rollout(iot, jobs_data)
    app = make_app(state_dir=tmp_path, read_write=True, **QUIET)
    async with app.run_test(size=(160, 48)) as pilot:
        await main_ready(pilot)
        assert app.screen.query_one(StatusBar).plain.startswith(" RW ")
        # Esc goes back: nothing is sent.
        await pilot.press("C")
        await dialog(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmWriteScreen))
        assert write_calls(sim_server)["CancelJob"] == 0

        await pilot.press("C")
        confirm = await dialog(pilot)
        plan = str(confirm.query_one("#w-plan").render())
        assert plan == "Cancels 3 queued executions; 1 in progress continue unless forced."
        await pilot.press(*"BAD_BUILD")  # the reason code has the focus first
        confirm.query_one("#w-comment", Input).value = "rolled back, see OPS-12"
        confirm.query_one("#w-confirm", Input).focus()
        # A wrong or partial id keeps the action disabled; Enter does nothing.
        await pilot.press(*"fw2")
        assert go_button(confirm).disabled
        await pilot.press("enter")
        assert app.screen is confirm
        await pilot.press(*"5")
        assert go_button(confirm).disabled
        await pilot.press("backspace", "4")
        assert not go_button(confirm).disabled
        # The force switch changes the plan; switched back, it is a plain cancel.
        confirm.query_one("#w-force", Checkbox).value = True
        await pilot.pause()
        assert "are canceled too" in str(confirm.query_one("#w-plan").render())
        confirm.query_one("#w-force", Checkbox).value = False
        await pilot.pause()
        await pilot.click("#w-go")
        await wait_for(pilot, lambda: any("canceled" in m for m in messages(app)))
        detail = app.screen.query_one(JobDetail)
        await wait_for(pilot, lambda: detail.job is not None and detail.job.status == "CANCELED")
    assert write_calls(sim_server) == {"CancelJob": 1, "CancelJobExecution": 0,
                                       "DeleteJobExecution": 0}  # fmt: skip
    job = iot.describe_job(jobId="fw24")["job"]
    assert (job["status"], job["reasonCode"], job["comment"]) == (
        "CANCELED",
        "BAD_BUILD",
        "rolled back, see OPS-12",
    )
    assert job["jobProcessDetails"]["numberOfInProgressThings"] == 1  # not forced
    attempt, outcome = audit_lines(tmp_path)
    assert (attempt["event"], outcome["event"], outcome["outcome"]) == ("attempt", "outcome", "ok")
    assert attempt["parameters"] == {
        "jobId": "fw24",
        "reasonCode": "BAD_BUILD",
        "comment": "rolled back, see OPS-12",
    }
    assert attempt["mode"] == "read-write" and attempt["region"] == "us-east-1"


async def test_an_invalid_reason_code_keeps_the_action_disabled(
    make_app: Any, iot: Any, jobs_data: Any, tmp_path: Path
) -> None:
    rollout(iot, jobs_data)
    app = make_app(state_dir=tmp_path, read_write=True, **QUIET)
    async with app.run_test(size=(160, 48)) as pilot:
        await main_ready(pilot)
        await pilot.press("C")
        confirm = await dialog(pilot)
        confirm.query_one("#w-reason", Input).value = "bad code"
        confirm.query_one("#w-confirm", Input).value = "fw24"
        await pilot.pause()
        assert go_button(confirm).disabled
        assert "capital letters" in str(confirm.query_one("#w-reason-error").render())


# --- (c) cancel and delete an execution, audited --------------------------------------------


async def test_cancel_and_delete_executions_are_audited(
    make_app: Any, iot: Any, jobs_data: Any, sim_server: Any, tmp_path: Path
) -> None:
    rollout(iot, jobs_data)
    app = make_app(state_dir=tmp_path, read_write=True, executions_page_pause=0, **QUIET)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_executions(pilot)
        table = screen.query_one(ExecutionList)
        # Cancel the QUEUED execution of fleet-002: the thing name is what must be typed.
        highlight(screen, "fleet-002")
        await pilot.press("C")
        confirm = await dialog(pilot)
        assert confirm.expected == "fleet-002"
        await pilot.press(*"fleet-00")
        assert go_button(confirm).disabled
        await pilot.press("2", "enter")
        await wait_for(pilot, lambda: table.status_of("fleet-002#1") == "CANCELED")

        # Delete the FAILED execution of fleet-001.
        highlight(screen, "fleet-001")
        await pilot.press("D")
        confirm = await dialog(pilot)
        assert "Deletes execution #1 (FAILED)" in str(confirm.query_one("#w-plan").render())
        await pilot.press(*"fleet-001", "enter")
        await wait_for(pilot, lambda: sim_server.stats.count("iot", "DeleteJobExecution") == 1)

        # A refused write: the IN_PROGRESS execution without force, one sentence with the code.
        highlight(screen, "fleet-000")
        await pilot.press("C")
        confirm = await dialog(pilot)
        await pilot.press(*"fleet-000", "enter")
        await wait_for(
            pilot, lambda: any("InvalidStateTransitionException" in m for m in messages(app))
        )
    status = iot.describe_job_execution(jobId="fw24", thingName="fleet-002")["execution"]["status"]
    assert status == "CANCELED"
    assert iot.list_job_executions_for_thing(thingName="fleet-001")["executionSummaries"] == []
    lines = audit_lines(tmp_path)
    assert [(line["event"], line["operation"], line.get("outcome")) for line in lines] == [
        ("attempt", "CancelJobExecution", None),
        ("outcome", "CancelJobExecution", "ok"),
        ("attempt", "DeleteJobExecution", None),
        ("outcome", "DeleteJobExecution", "ok"),
        ("attempt", "CancelJobExecution", None),
        ("outcome", "CancelJobExecution", "error"),
    ]
    assert lines[2]["thing"] == "fleet-001" and lines[2]["execution_number"] == 1
    assert lines[3]["parameters"] == {"jobId": "fw24", "thingName": "fleet-001",
                                      "executionNumber": 1}  # fmt: skip
    assert lines[5]["error_code"] == "InvalidStateTransitionException"


async def test_the_whole_job_from_the_executions_screen(
    make_app: Any, iot: Any, jobs_data: Any, sim_server: Any, tmp_path: Path
) -> None:
    rollout(iot, jobs_data)
    app = make_app(state_dir=tmp_path, read_write=True, executions_page_pause=0, **QUIET)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_executions(pilot)
        highlight(screen, "fleet-002")
        await pilot.press("C")
        await dialog(pilot)
        await pilot.click("#w-job")
        confirm = await dialog(pilot)
        await wait_for(pilot, lambda: confirm.operation == "CancelJob")
        assert confirm.expected == "fw24"
        assert "Cancels 3 queued" in str(confirm.query_one("#w-plan").render())
        confirm.query_one("#w-confirm", Input).value = "fw24"
        await pilot.pause()
        await pilot.click("#w-go")
        await wait_for(pilot, lambda: sim_server.stats.count("iot", "CancelJob") == 1)
    assert iot.describe_job(jobId="fw24")["job"]["status"] == "CANCELED"


# --- (e) the audit log parses and holds no secret -------------------------------------------


async def test_audit_log_is_json_without_credentials(
    sim_url: str, emulator: Any, iot: Any, jobs_data: Any, tmp_path: Path
) -> None:
    secret = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"
    rollout(iot, jobs_data)
    settings = ConnectionSettings(
        region="us-east-1",
        endpoint_url=sim_url,
        access_key_id="AKIAIOSFODNN7EXAMPLE",
        secret_access_key=secret,
        max_attempts=1,
    )
    options = ViewOptions(
        read_write=True,
        state_dir=tmp_path,
        clock=emulator.clock.now,
        monotonic=FrozenMonotonic(),
        connection_label="emulator",
        **QUIET,  # type: ignore[arg-type]
    )
    app = IotJobsApp(DataService(settings), options)
    async with app.run_test(size=(160, 48)) as pilot:
        await main_ready(pilot)
        await pilot.press("C")
        confirm = await dialog(pilot)
        confirm.query_one("#w-confirm", Input).value = "fw24"
        await pilot.pause()
        await pilot.click("#w-go")
        await wait_for(pilot, lambda: len(audit_lines(tmp_path)) == 2)
    text = (tmp_path / "audit.log").read_text()
    assert secret not in text and "AKIAIOSFODNN7EXAMPLE" not in text
    for line in audit_lines(tmp_path):
        assert line["time"].endswith("Z")
        assert line["job_id"] == "fw24" and line["operation"] == "CancelJob"
        assert not any("secret" in key or "key" in key for key in line)


# --- the dialog, as it looks --------------------------------------------------------------


def test_confirm_dialog_snapshot(
    snap_compare: Any, make_app: Any, iot: Any, jobs_data: Any, tmp_path: Path
) -> None:
    rollout(iot, jobs_data)
    app = make_app(state_dir=tmp_path, read_write=True, job_id="fw24", demo=True, **QUIET)

    async def run_before(pilot: Any) -> None:
        await main_ready(pilot)
        await pilot.press("C")
        confirm = await dialog(pilot)
        confirm.query_one("#w-confirm", Input).value = "fw2"
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(100, 34), run_before=run_before)
