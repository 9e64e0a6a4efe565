"""One execution against the emulator: by number after a retry, history, countdown, hostile
status details shown literally, and the command line's --thing/--execution-number."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.ui.screens.execution import ExecutionScreen
from iotjobs_tui.ui.screens.main import MainScreen
from iotjobs_tui.ui.widgets.execution_detail import ExecutionDetail
from iotjobs_tui.ui.widgets.field import Field

from .conftest import wait_for
from .test_main_screen import painted

RETRY = {"criteriaList": [{"failureType": "FAILED", "numberOfRetries": 2}]}


def execution_screen(app: Any) -> ExecutionScreen:
    screen = app.screen
    assert isinstance(screen, ExecutionScreen)
    return screen


def field(app: Any, name: str) -> str:
    return str(app.screen.query_one(f"#{name}", Field).plain)


async def test_execution_two_after_a_retry_by_number(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Any
) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_thing(thingName="other")
    iot.create_job(jobId="j", targets=[arn], document="{}", jobExecutionsRetryConfig=RETRY)
    iot.create_job(jobId="k", targets=[arn], document="{}")
    jobs_data.start_next_pending_job_execution(thingName="dev")
    jobs_data.update_job_execution(
        jobId="j", thingName="dev", status="FAILED", statusDetails={"reason": "DFU_TIMEOUT"}
    )
    app = make_app(job_id="j", thing_name="dev", execution_number=2)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ExecutionScreen))
        screen = execution_screen(app)
        detail = screen.query_one(ExecutionDetail)
        await wait_for(pilot, lambda: detail.execution is not None)
        assert detail.execution is not None
        assert (detail.execution.execution_number, detail.execution.status) == (2, "QUEUED")
        members = field(app, "x-members")
        assert "execution #     2" in members and "version" in members
        assert "thing/dev" in members
        await wait_for(pilot, lambda: len(screen.history) == 2)
        assert [(r.execution_number, r.status, r.retry_attempt) for r in screen.history] == [
            (1, "FAILED", 0),
            (2, "QUEUED", 1),
        ]
        others = screen.query_one("#x-others")
        await wait_for(pilot, lambda: others.row_count == 1)  # type: ignore[attr-defined]
        # `[` steps to execution 1 and shows why it failed; `]` comes back.
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: detail.execution is not None and screen.number == 1)
        await wait_for(pilot, lambda: "DFU_TIMEOUT" in field(app, "x-details"))
        assert detail.execution is not None and detail.execution.status == "FAILED"
        assert not screen.query_one("#x-timeout", Field).display  # finished: no timer shown
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: screen.number == 2 and detail.execution is not None)
        await wait_for(
            pilot, lambda: detail.execution is not None and detail.execution.execution_number == 2
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.screen.detail.job_id == "j"


async def test_countdown_and_stuck_marker(make_app: Any, iot: Any, jobs_data: Any) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(
        jobId="j", targets=[arn], document="{}", timeoutConfig={"inProgressTimeoutInMinutes": 3}
    )
    jobs_data.start_next_pending_job_execution(thingName="dev")
    app = make_app(job_id="j", thing_name="dev")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ExecutionScreen))
        screen = execution_screen(app)
        await wait_for(pilot, lambda: screen.detail.execution is not None)
        assert screen.number == 1  # "latest" resolved to its number
        await wait_for(pilot, lambda: "s; AWS may act up to 60 s later" in field(app, "x-timeout"))
        seconds = int(field(app, "x-timeout").split("(")[1].split(" s;")[0])
        assert 170 <= seconds <= 180  # 3 minutes, counted down locally
        # Less than five minutes before the timeout: marked as about to time out.
        assert "looks stuck: about to time out" in field(app, "x-timeout")


async def test_hostile_status_details_are_shown_literally(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Any
) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(jobId="j", targets=[arn], document="{}")
    # Markup passes AWS's validation as it is; control characters do not, so a misbehaving
    # endpoint is simulated by writing them into the emulator's state directly.
    jobs_data.start_next_pending_job_execution(thingName="dev")
    jobs_data.update_job_execution(
        jobId="j",
        thingName="dev",
        status="IN_PROGRESS",
        statusDetails={"markup": "[link=http://x]click[/link] [bold red]boom[/]"},
    )
    execution = emulator.region("us-east-1").jobs["j"].by_thing["dev"][-1]
    execution.status_details.update(
        {
            "[b]key[/b]": "\x1b[2J\x1b]0;owned\x07 \u202eevil",
            "long": "x" * 900,
            "nl": "line1\nline2\r\x00",
        }
    )
    app = make_app(job_id="j", thing_name="dev")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ExecutionScreen))
        screen = execution_screen(app)
        await wait_for(pilot, lambda: screen.detail.execution is not None)
        details = screen.query_one("#x-details", Field)
        await wait_for(pilot, lambda: "boom" in painted(details))
        shown = painted(details)
        assert "[link=http://x]click[/link] [bold red]boom[/]" in shown
        assert "[b]key[/b]" in shown
        assert "\\x1b[2J" in shown and "\\x1b]0;owned\\x07" in shown and "\\u202e" in shown
        assert "\\x0a" in shown and "\\x00" in shown  # newlines made visible too
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        assert shown.count("x") >= 900  # a long value is folded, never cut


def test_command_line_reaches_the_view_options(monkeypatch: Any) -> None:
    from iotjobs_tui import cli, launch

    captured: dict[str, Any] = {}

    class Stub:
        available_themes: dict[str, Any] = {}
        setup_error = None

        def run(self) -> None:
            pass

    def build(settings: Any, **view: Any) -> Stub:
        captured.update(view)
        return Stub()

    monkeypatch.setattr(launch, "build_app", build)
    argv = ["--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1", "--job", "J"]
    argv += ["--thing", "T", "--execution-number", "2", "--executions-pause", "1.5"]
    assert launch.launch(cli.build_parser().parse_args(argv)) == 0
    assert (captured["job_id"], captured["thing_name"], captured["execution_number"]) == (
        "J",
        "T",
        2,
    )
    assert captured["executions_page_pause"] == 1.5
