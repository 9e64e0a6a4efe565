"""`iotjobs-tui watch`: the command run in-process (`cli.main`) against the emulator over HTTP.

The emulator's clock is frozen (conftest); a test acts as the devices through the device
plane while the watch polls at its 1 s floor in a thread, so the whole file takes seconds.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from iotjobs_tui.cli import main
from iotjobs_tui.sim.server import SimServer
from iotjobs_tui.watch import Watcher, WatchOptions

DOC = "{}"


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy keys for the emulator, and nothing from this machine's AWS set-up."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IOT", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)


class Watch:
    """`iotjobs-tui watch` in a thread, its stdout and stderr captured."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> None:
        self.out, self.err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdout", self.out)
        monkeypatch.setattr(sys, "stderr", self.err)
        argv = ["watch", "--region", "us-east-1", "--endpoint-url", url, "--interval", "1"]
        self.code: Any = None
        self.thread = threading.Thread(target=self._main, args=([*argv, *args],), daemon=True)
        self.thread.start()

    def _main(self, argv: list[str]) -> None:
        try:
            self.code = main(argv)
        except SystemExit as exc:
            self.code = exc.code

    def wait(self, condition: Callable[[], bool], seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            assert self.thread.is_alive() or condition(), self.err.getvalue()
            assert time.monotonic() < deadline, f"timed out: {self.out.getvalue()!r}"
            time.sleep(0.02)

    def lines(self) -> list[str]:
        return self.out.getvalue().splitlines()

    def end(self, seconds: float = 15.0) -> tuple[Any, list[str], dict[str, Any]]:
        """(exit code, change lines, summary)."""
        self.thread.join(seconds)
        assert not self.thread.is_alive(), f"still watching: {self.out.getvalue()!r}"
        *changes, last = self.lines()
        return self.code, changes, json.loads(last)


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch, sim_url: str) -> Callable[..., Watch]:
    return lambda *args: Watch(monkeypatch, sim_url, *args)


def _fleet(iot: Any, count: int) -> str:
    group = str(iot.create_thing_group(thingGroupName="fleet")["thingGroupArn"])
    for i in range(count):
        iot.create_thing(thingName=f"t{i}")
        iot.add_thing_to_thing_group(thingGroupName="fleet", thingName=f"t{i}")
    return group


def _abort(percent: float, minimum: int) -> dict[str, Any]:
    criterion = {
        "failureType": "FAILED",
        "action": "CANCEL",
        "thresholdPercentage": percent,
        "minNumberOfExecutedThings": minimum,
    }
    return {"criteriaList": [criterion]}


def _describe_calls(server: SimServer) -> int:
    return server.stats.count("iot", "DescribeJob")


def test_a_job_that_completes_exits_0_with_one_line_per_change(
    iot: Any, jobs_data: Any, sim_server: SimServer, watch: Callable[..., Watch]
) -> None:
    iot.create_job(jobId="j", targets=[_fleet(iot, 3)], document=DOC)
    run = watch("j")
    run.wait(lambda: len(run.lines()) == 1)
    run.wait(lambda: _describe_calls(sim_server) >= 2)  # a poll that saw no change
    assert len(run.lines()) == 1, "a line was printed with nothing changed"
    for i in range(3):
        jobs_data.update_job_execution(jobId="j", thingName=f"t{i}", status="SUCCEEDED")
    code, changes, summary = run.end()
    assert code == 0
    assert len(changes) == 2
    assert " IN_PROGRESS executions: 0 succeeded, 0 failed," in changes[0]
    assert changes[0].endswith("0 in progress, 3 queued")
    assert " COMPLETED executions: 3 succeeded, " in changes[1]
    assert summary["event"] == "summary" and summary["ok"] is True
    assert (summary["job_id"], summary["status"], summary["reason"]) == (
        "j",
        "COMPLETED",
        "completed",
    )
    assert summary["executions"]["succeeded"] == 3 and summary["executions"]["total"] == 3
    assert summary["exit_code"] == 0 and summary["elapsed_seconds"] >= 1
    assert summary["calls"] == summary["polls"] == _describe_calls(sim_server) >= 3
    assert run.err.getvalue() == ""


def test_abort_firing_exits_1_and_json_lines_parse(
    iot: Any, jobs_data: Any, watch: Callable[..., Watch]
) -> None:
    iot.create_job(jobId="j", targets=[_fleet(iot, 10)], document=DOC, abortConfig=_abort(30, 5))
    run = watch("j", "--json")
    run.wait(lambda: len(run.lines()) == 1)
    for i in range(3):  # 3 of 10 executions FAILED: 30 %
        jobs_data.update_job_execution(jobId="j", thingName=f"t{i}", status="FAILED")
    code, changes, summary = run.end()
    assert code == 1
    events = [json.loads(line) for line in changes]
    assert [e["status"] for e in events] == ["IN_PROGRESS", "CANCELED"]
    assert events[1]["executions"]["failed"] == 3 and events[1]["executions"]["canceled"] == 7
    assert summary["reason"] == "abort fired: FAILED_THRESHOLD_EXCEEDED"
    assert summary["reason_code"] == "FAILED_THRESHOLD_EXCEEDED" and "30.00%" in summary["comment"]
    assert summary["ok"] is False


@pytest.mark.parametrize(
    ("args", "code", "reason"),
    [
        ((), 1, "abort fired: FAILED_THRESHOLD_EXCEEDED"),
        (
            ("--fail-on", "aborted"),
            1,
            "gate failed: aborted (abort fired: FAILED_THRESHOLD_EXCEEDED)",
        ),
        (("--until", "aborted"), 0, "abort fired: FAILED_THRESHOLD_EXCEEDED"),
    ],
)
def test_a_canceled_job_fails_unless_waiting_for_the_abort(
    iot: Any,
    jobs_data: Any,
    watch: Callable[..., Watch],
    args: tuple[str, ...],
    code: int,
    reason: str,
) -> None:
    iot.create_job(jobId="j", targets=[_fleet(iot, 2)], document=DOC, abortConfig=_abort(50, 1))
    jobs_data.update_job_execution(jobId="j", thingName="t0", status="FAILED")
    result, changes, summary = watch("j", *args).end()
    assert (result, summary["reason"]) == (code, reason)
    assert len(changes) == 1 and " CANCELED (FAILED_THRESHOLD_EXCEEDED) executions: " in changes[0]


def test_a_completed_job_fails_a_wait_for_its_abort(iot: Any, watch: Callable[..., Watch]) -> None:
    iot.create_job(jobId="j", targets=[_fleet(iot, 1)], document=DOC)
    iot.cancel_job(jobId="j", reasonCode="BY_HAND")  # canceled, but by no abort criterion
    code, _, summary = watch("j").end()
    assert (code, summary["reason"]) == (1, "canceled: BY_HAND")


@pytest.mark.parametrize(
    ("fail_on", "reason"),
    [
        ("failed>10%", "gate failed: failed>10% (2 of 10 executions, 20.0%)"),
        ("rejected>50%,failed>1", "gate failed: failed>1 (2 executions)"),
        ("all>25%", "gate failed: all>25% (3 of 10 executions, 30.0%)"),
        ("timed-out>0, rejected>5%", "gate failed: rejected>5% (1 of 10 executions, 10.0%)"),
    ],
)
def test_a_gate_that_fails_ends_the_watch_with_1(
    iot: Any, jobs_data: Any, watch: Callable[..., Watch], fail_on: str, reason: str
) -> None:
    iot.create_job(jobId="j", targets=[_fleet(iot, 10)], document=DOC)
    for thing, status in (("t0", "FAILED"), ("t1", "FAILED"), ("t2", "REJECTED")):
        jobs_data.update_job_execution(jobId="j", thingName=thing, status=status)
    code, changes, summary = watch("j", "--fail-on", fail_on).end()
    assert (code, summary["reason"], summary["status"]) == (1, reason, "IN_PROGRESS")
    assert len(changes) == 1


def test_timeout_exits_3(iot: Any, watch: Callable[..., Watch]) -> None:
    iot.create_job(jobId="j", targets=[_fleet(iot, 2)], document=DOC)
    code, changes, summary = watch("j", "--timeout", "1", "--fail-on", "failed>50%").end()
    assert (code, summary["reason"]) == (3, "timed out after 1 s")
    assert len(changes) == 1 and summary["polls"] == 2  # at the start, and at the deadline
    assert 1 <= summary["elapsed_seconds"] < 3


@pytest.mark.parametrize(("until", "code"), [("50%", 0), ("75%", 3)])
def test_until_a_share_of_the_rollout_counts_its_targets(
    iot: Any, jobs_data: Any, watch: Callable[..., Watch], until: str, code: int
) -> None:
    """2 of 4 targets notified (2 a minute, frozen clock), both succeeded: every execution is
    finished, but half of the rollout."""
    rollout = {"maximumPerMinute": 2}
    group = _fleet(iot, 4)
    iot.create_job(jobId="j", targets=[group], document=DOC, jobExecutionsRolloutConfig=rollout)
    for thing in ("t0", "t1"):
        jobs_data.update_job_execution(jobId="j", thingName=thing, status="SUCCEEDED")
    result, _, summary = watch("j", "--until", until, "--timeout", "1").end()
    assert result == code
    assert (summary["targets"], summary["finished_percent"]) == (4, 50.0)
    if code == 0:
        assert summary["reason"] == "50% finished (50.0%)"


def test_an_unknown_job_cannot_be_watched_exit_4(watch: Callable[..., Watch]) -> None:
    run = watch("no-such-job")
    code, changes, summary = run.end()
    assert code == 4 and changes == []
    errors = run.err.getvalue().splitlines()
    assert len(errors) == 1, errors
    assert errors[0].startswith("iotjobs-tui watch: cannot watch job no-such-job: DescribeJob ")
    assert "ResourceNotFoundException" in errors[0]
    assert summary["status"] is None and summary["reason"].startswith("cannot watch: ")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--fail-on", "faild>5%"], "'faild>5%' is not a condition; use aborted, failed>X%"),
        (["--fail-on", "failed>5%,"], "has an empty condition"),
        (["--fail-on", "failed>2.5"], "a count is a whole number"),
        (["--fail-on", "failed>100%"], "can never be true"),
        (["--until", "soon"], "'soon' is not done, aborted or a percentage"),
        (["--until", "0%"], "above 0 and at most 100"),
        (["--interval", "0.5"], "'0.5' is not between 1 and 3600 seconds"),
        (["--timeout", "0"], "'0' is not between 1 and"),
        (["--until", "aborted", "--fail-on", "aborted"], "contradicts --until aborted"),
        (["--speed", "60"], "--speed and --seed only apply to --demo"),
        (["--demo", "--profile", "p"], "--demo runs against the built-in emulator"),
    ],
)
def test_misuse_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["watch", "j", *args])
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1 and says in err, err
    assert err.startswith("iotjobs-tui watch: error: ")


def test_a_bad_job_id_is_misuse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["watch", "a job"])
    assert exit_.value.code == 2
    assert "'a job' is not a job id" in capsys.readouterr().err


def test_backoff_doubles_up_to_its_cap() -> None:
    watcher = Watcher.__new__(Watcher)  # the wait needs only the options and the level
    watcher.options = WatchOptions("j", interval=10)
    waits = []
    for level in range(6):
        watcher._level = level
        waits.append(watcher._wait())
    assert waits == [10, 20, 40, 80, 120, 120]


@pytest.mark.parametrize(
    ("signum", "code", "reason"),
    [
        (signal.SIGINT, 130, "interrupted"),
        (signal.SIGTERM, 143, "terminated"),
    ],
)
def test_ctrl_c_and_sigterm_end_with_the_summary(
    iot: Any, sim_url: str, signum: int, code: int, reason: str
) -> None:
    iot.create_job(jobId="j", targets=[_fleet(iot, 1)], document=DOC)
    argv = ["watch", "--region", "us-east-1", "--endpoint-url", sim_url, "--interval", "1", "j"]
    # A shell's background job ignores SIGINT, and a child inherits that: restore Ctrl-C.
    code_text = (
        "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from iotjobs_tui.cli import main\n"
        f"sys.exit(main({argv!r}))"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code_text],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert " IN_PROGRESS executions: " in first
        process.send_signal(signum)
        out, err = process.communicate(timeout=20)
    assert process.returncode == code, err
    summary = json.loads(out.splitlines()[-1])
    assert (summary["reason"], summary["exit_code"], summary["status"]) == (
        reason,
        code,
        "IN_PROGRESS",
    )
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("job_id", "code", "reason"),
    [
        ("sensor-calibration-dub-01", 0, "completed"),
        ("fw-2_4_2-rollout-esp32", 1, "abort fired: FAILED_THRESHOLD_EXCEEDED"),
    ],
)
def test_demo_jobs_complete_with_0_and_abort_with_1(
    monkeypatch: pytest.MonkeyPatch, job_id: str, code: int, reason: str
) -> None:
    """The issue's check: `watch --demo` on a demo job that completes, and on one whose abort
    fires (seed 2), at 10 virtual minutes a second."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    argv = ["watch", "--demo", "--seed", "2", "--speed", "600", "--interval", "1", "--json"]
    assert main([*argv, "--timeout", "30", job_id]) == code
    *changes, last = out.getvalue().splitlines()
    summary = json.loads(last)
    assert (summary["job_id"], summary["reason"]) == (job_id, reason)
    assert all(json.loads(line)["event"] == "change" for line in changes)
