"""The abort radar's lines, and alerts end to end: the emulator aborts a job through the
device plane while the app watches it, and the terminal bytes and the hook are captured."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from iotjobs_tui.aws.abort_radar import Rates, assess
from iotjobs_tui.aws.alerts import AlertSettings
from iotjobs_tui.aws.models import parse_describe_job
from iotjobs_tui.cli import build_parser
from iotjobs_tui.common.config import ConfigError, decode
from iotjobs_tui.launch import _alert_settings
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.ui.alerts import connection_age, signal_sequence
from iotjobs_tui.ui.refresh import PaneState
from iotjobs_tui.ui.widgets.abort_radar import heading_text, radar_text
from iotjobs_tui.ui.widgets.field import Field

from .conftest import seed_group, wait_for

CRITERION = {
    "failureType": "FAILED",
    "action": "CANCEL",
    "thresholdPercentage": 30,
    "minNumberOfExecutedThings": 5,
}


def described(counters: dict[str, int], abort: bool = True, status: str = "IN_PROGRESS") -> Any:
    body: dict[str, Any] = {
        "jobId": "j",
        "status": status,
        "jobProcessDetails": {f"numberOf{name}Things": n for name, n in counters.items()},
    }
    if abort:
        body["abortConfig"] = {"criteriaList": [CRITERION]}
    return parse_describe_job({"job": body})


def text(job: Any, rates: Rates | None) -> str:
    body = radar_text(job, assess(job, rates))
    assert body is not None
    return body.plain


# --- the radar's lines -------------------------------------------------------------------------


def test_no_abort_config_says_unprotected() -> None:
    job = described({"Queued": 5}, abort=False)
    assert text(job, None) == (
        "UNPROTECTED: no abort config: nothing stops this rollout automatically"
    )
    finished = described({"Succeeded": 5}, abort=False, status="COMPLETED")
    assert radar_text(finished, assess(finished, None)) is None  # nothing to say: hidden


def test_under_the_minimum_says_unprotected_and_how_many_more() -> None:
    lines = text(described({"Queued": 2, "Failed": 1}), None).splitlines()
    assert lines == [
        "FAILED    33.3 % of 3 notified executions; aborts at 30 %",
        "          UNPROTECTED until 5 notified: 2 more · rate: measuring (needs two refreshes)",
    ]


def test_projection_in_executions_and_minutes() -> None:
    rates = Rates(created=0.0, finished=2.0, by_counter={"failed": 1.0, "succeeded": 1.0})
    lines = text(described({"Queued": 5, "Succeeded": 4, "Failed": 1}), rates).splitlines()
    assert lines == [
        "FAILED    10.0 % of 10 notified executions; aborts at 30 %",
        "          armed · threshold reached in ≈ 2 more FAILED executions / ≈ 2 min",
    ]


def test_not_at_this_rate() -> None:
    rates = Rates(created=0.0, finished=2.0, by_counter={"succeeded": 2.0})
    lines = text(described({"Queued": 5, "Succeeded": 4, "Failed": 1}), rates).splitlines()
    assert lines[1].strip() == "armed · not at this rate (2 more FAILED executions would reach it)"


def test_aborted_and_finished_jobs_have_no_projection() -> None:
    aborted = described({"Canceled": 5, "Succeeded": 2, "Failed": 3}, status="CANCELED")
    assert text(aborted, None).splitlines()[1].strip() == "ABORTED: this criterion was met"
    done = described({"Succeeded": 9, "Failed": 1}, status="COMPLETED")
    assert text(done, None).splitlines()[1].strip() == "did not fire (job COMPLETED)"


def test_the_heading_says_how_old_the_numbers_are() -> None:
    assert heading_text(4.0).plain == "Abort radar  DescribeJob 4 s ago"
    assert heading_text(None).plain == "Abort radar"
    stale = heading_text(120.0, stale_after=15)
    assert stale.spans[-1].style == "yellow"


# --- delivery: bytes and the stale age ---------------------------------------------------------


def test_signal_sequences_byte_for_byte() -> None:
    assert signal_sequence("bel", "j was aborted", in_tmux=False) == "\x07"
    assert signal_sequence("bel", "j was aborted", in_tmux=True) == "\x07"  # tmux rings itself
    assert signal_sequence("osc9", "j; done", False) == "\x1b]9;iotjobs-tui: j, done\x07"
    assert signal_sequence("osc777", "j done", False) == ("\x1b]777;notify;iotjobs-tui;j done\x07")
    # Inside tmux: DCS passthrough, every ESC doubled (the clipboard's one helper).
    assert signal_sequence("osc777", "j done", True) == (
        "\x1bPtmux;\x1b\x1b]777;notify;iotjobs-tui;j done\x07\x1b\\"
    )
    # Nothing untrusted can end the sequence early or send its own.
    hostile = signal_sequence("osc9", "x\x07\x1b]52;c;AAAA\x07", False)
    assert hostile.count("\x1b") == 1 and hostile.count("\x07") == 1


def pane(age: float | None, stale: bool, **flags: bool) -> PaneState:
    return PaneState("p", 5.0, age, stale, backing_off=stale, **flags)


def test_connection_age_is_the_newest_data() -> None:
    assert connection_age([]) is None
    assert connection_age([pane(400, True), pane(3, False)]) == 0.0
    assert connection_age([pane(400, True), pane(350, True)]) == 350
    assert connection_age([pane(400, True, paused=True), pane(None, False)]) is None
    assert connection_age([pane(400, True, busy=True)]) is None


# --- settings ------------------------------------------------------------------------------------


def test_flags_and_config() -> None:
    parser = build_parser()
    config = decode(
        {
            "alerts": {
                "enabled": False,
                "delivery": "osc9",
                "on_alert": "notify-send 'rollout alert'",
                "abort_fraction": 0.5,
                "stuck_over": 0,
                "stale_minutes": 3,
            }
        }
    )
    assert config.alerts.on_alert == ("notify-send", "rollout alert")
    off = _alert_settings(parser.parse_args([]), config)
    assert not off.enabled and off.delivery == "osc9" and off.stuck_over == 0
    hook = _alert_settings(parser.parse_args(["--on-alert", "logger -t iot"]), config)
    assert hook.enabled and hook.on_alert == ("logger", "-t", "iot")
    assert _alert_settings(parser.parse_args(["--alert-delivery", "osc777"]), config).enabled
    assert _alert_settings(parser.parse_args(["--alerts"]), decode({})) == AlertSettings(
        enabled=True
    )
    for bad, problem in (
        ({"abort_fraction": 0}, "alerts.abort_fraction: must be above 0 and at most 1"),
        ({"delivery": "sms"}, "alerts.delivery: must be one of bel, osc9, osc777"),
        ({"on_alert": "'unbalanced"}, "alerts.on_alert: cannot split"),
        ({"stale_minutes": 0.5}, "alerts.stale_minutes: must be from 1 to 1440 minutes"),
        ({"ring": True}, "alerts.ring: is not a setting"),
    ):
        with pytest.raises(ConfigError, match=problem):
            decode({"alerts": bad})


# --- end to end against the emulator -------------------------------------------------------------

HOOK = """
import json, os, sys
path = sys.argv[1]
with open(path + ".tmp", "w") as out:
    json.dump({k: v for k, v in os.environ.items() if k.startswith("IOTJOBS_")}, out)
os.replace(path + ".tmp", path)
"""


def capture(app: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    writes: list[str] = []
    monkeypatch.setattr(app._driver, "write", writes.append)
    return writes


def radar(app: Any) -> str:
    return str(app.screen.query_one("#radar-body", Field).plain)


def fail(jobs_data: Any, thing: str) -> None:
    jobs_data.update_job_execution(jobId="j", thingName=thing, status="FAILED")


async def watch_abort(
    make_app: Any,
    iot: Any,
    jobs_data: Any,
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    settings: AlertSettings,
) -> tuple[Any, list[str]]:
    """A job 2 FAILED executions from its abort: the radar projects it, then it aborts."""
    group = seed_group(iot, "fleet", 10)
    iot.create_job(
        jobId="j", targets=[group], document="{}", abortConfig={"criteriaList": [CRITERION]}
    )
    for i in range(4):
        jobs_data.update_job_execution(jobId="j", thingName=f"fleet-{i:03d}", status="SUCCEEDED")
    app = make_app(job_id="j", detail_interval=3600, alerts=settings)
    async with app.run_test(size=(160, 48)) as pilot:
        app.alerts.environ = {"PATH": "/usr/bin:/bin"}  # not inside tmux, whatever runs this
        writes = capture(app, monkeypatch)
        await wait_for(pilot, lambda: "0.0 % of 10 notified executions" in radar(app))
        head = app.screen.query_one("#radar-head", Field)
        assert head.plain == "Abort radar  DescribeJob 0 s ago"
        app.main_screen.monotonic.now += 30  # the status bar's clock
        app.main_screen.tick()
        assert head.plain == "Abort radar  DescribeJob 30 s ago"
        emulator.clock.advance(60)
        fail(jobs_data, "fleet-004")  # 1 of 10 FAILED, at 1 a minute
        await pilot.press("r")
        await wait_for(pilot, lambda: "10.0 % of 10" in radar(app))
        assert "threshold reached in ≈ 2 more FAILED executions / ≈ 2 min" in radar(app)
        emulator.clock.advance(60)
        fail(jobs_data, "fleet-005")
        fail(jobs_data, "fleet-006")  # 3 of 10 = 30 %: the emulator aborts the job
        assert iot.describe_job(jobId="j")["job"]["status"] == "CANCELED"
        await pilot.press("r")
        await wait_for(pilot, lambda: "ABORTED" in radar(app))
        if settings.enabled:
            await wait_for(pilot, lambda: len(app.alerts.history) == 1)
        # Once more: the same event is never delivered again.
        seen = len(writes)
        calls: list[str] = []
        real = app.alerts.job_described

        def counted(job: Any) -> None:
            calls.append(job.job_id)
            real(job)

        monkeypatch.setattr(app.alerts, "job_described", counted)
        await pilot.press("r")
        await wait_for(pilot, lambda: calls != [])
        await pilot.pause(0.2)
        assert writes[seen:] == []
        return app, writes


async def test_an_alert_fires_when_the_job_aborts(
    make_app: Any,
    iot: Any,
    jobs_data: Any,
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    out = tmp_path / "hook.json"
    settings = AlertSettings(
        enabled=True,
        delivery="osc777",
        on_alert=tuple(shlex.split(shlex.join([sys.executable, "-c", HOOK, str(out)]))),
    )
    app, writes = await watch_abort(make_app, iot, jobs_data, emulator, monkeypatch, settings)
    expected = (
        "\x1b]777;notify;iotjobs-tui;j was aborted: FAILED 30.0 % of 10 notified executions "
        "reached 30 %\x07"
    )
    assert [w for w in writes if w.startswith("\x1b]")] == [expected]
    assert [alert.event for alert in app.alerts.history] == ["aborted"]
    assert any(n.title == "Alert: Job aborted" for n in app._notifications)
    env = json.loads(out.read_text())
    assert env["IOTJOBS_JOB_ID"] == "j" and env["IOTJOBS_EVENT"] == "aborted"
    assert env["IOTJOBS_SUCCEEDED"] == "4" and env["IOTJOBS_FAILED"] == "3"
    assert env["IOTJOBS_CANCELED"] == "3" and env["IOTJOBS_EXECUTIONS"] == "10"
    assert env["IOTJOBS_STATUS"] == "CANCELED"
    assert env["IOTJOBS_REASON_CODE"] == "FAILED_THRESHOLD_EXCEEDED"


async def test_alerts_off_send_nothing(
    make_app: Any,
    iot: Any,
    jobs_data: Any,
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    out = tmp_path / "hook.json"
    settings = AlertSettings(on_alert=(sys.executable, "-c", HOOK, str(out)))  # not enabled
    app, writes = await watch_abort(make_app, iot, jobs_data, emulator, monkeypatch, settings)
    assert not [w for w in writes if "\x07" in w]
    assert not app.alerts.history and not out.exists()
    assert not any(n.title.startswith("Alert") for n in app._notifications)


async def test_a_failing_hook_is_said_once_and_the_stale_alert_rings(
    make_app: Any, iot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    iot.create_job(jobId="j", targets=[seed_group(iot, "fleet", 2)], document="{}")
    missing = AlertSettings(enabled=True, on_alert=("/nonexistent/iotjobs-hook",), stuck_over=1)
    app = make_app(job_id="j", alerts=missing)
    async with app.run_test(size=(80, 24)) as pilot:
        writes = capture(app, monkeypatch)
        await wait_for(pilot, lambda: app.main_screen.detail.job is not None)
        app.alerts.stuck_count("j", 2)
        app.alerts.stuck_count("other", 5)
        titles = lambda: [n.title for n in app._notifications]  # noqa: E731
        await wait_for(pilot, lambda: "Alert hook" in titles())
        await pilot.pause(0.3)
        assert titles().count("Alert hook") == 1
        assert titles().count("Alert: Executions stuck") == 2
        assert writes.count("\x07") == 1  # one bell for the two (debounced)
        # Six minutes without fresh data on any pane of the screen on top: stale, once.
        app.alerts.monotonic = lambda: 1e9  # past the bell's debounce
        app.main_screen.monotonic.now += 360
        for loop in app.main_screen.loops:
            loop.policy.failures = 1  # as after a failed refresh
            loop.busy = False
        app._check_stale()
        app._check_stale()
        assert [alert.event for alert in app.alerts.history][-1] == "stale"
        assert [alert.event for alert in app.alerts.history].count("stale") == 1
        assert writes.count("\x07") == 2


async def test_a_hook_still_running_is_killed(
    make_app: Any, iot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iotjobs_tui.ui import alerts

    monkeypatch.setattr(alerts, "HOOK_TIMEOUT", 0.5)
    iot.create_job(jobId="j", targets=[seed_group(iot, "fleet", 1)], document="{}")
    slow = (sys.executable, "-c", "import time; time.sleep(60)")
    app = make_app(job_id="j", alerts=AlertSettings(enabled=True, on_alert=slow, stuck_over=0))
    async with app.run_test(size=(80, 24)) as pilot:
        app.alerts.stuck_count("j", 1)
        hook = lambda: [n.message for n in app._notifications if n.title == "Alert hook"]  # noqa: E731
        await wait_for(pilot, lambda: hook() != [], timeout=10)
        assert "still running after 0.5 s: killed" in hook()[0]
