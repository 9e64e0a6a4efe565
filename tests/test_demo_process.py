"""`--demo`'s emulator as a child process (`demo_process.DemoProcess`), over real HTTP."""

from __future__ import annotations

import json
import os
import time
import urllib.request

import pytest

from iotjobs_tui.demo_process import DemoProcess, DemoStartError


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0): read its state.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ", 1)[1][0] != "Z"


def test_the_child_serves_the_demo_and_its_clock_is_mirrored() -> None:
    process = DemoProcess(seed=1, speed=60.0)
    url = process.start()
    try:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{url}/_sim/clock", timeout=10) as response:
            child = json.load(response)["now"]
        # Speed 60: a millisecond of request is 60 ms of virtual time; allow for a slow CI.
        assert abs(process.now() - child) < 60 * 0.5
        later = process.now()
        time.sleep(0.2)
        assert process.now() - later == pytest.approx(12, abs=6)  # 0.2 s at 60x
        with urllib.request.urlopen(f"{url}/_sim/config", timeout=10) as response:
            assert response.status == 200
    finally:
        pid = process.pid
        process.stop()
    assert pid is not None and not _alive(pid)


def test_a_child_that_cannot_start_says_why_in_one_sentence() -> None:
    class Broken(DemoProcess):
        def command(self) -> list[str]:
            return [*super().command(), "--scenario", "no-such-scenario"]

    process = Broken(seed=1, speed=1.0)
    with pytest.raises(DemoStartError, match="unknown scenario 'no-such-scenario'"):
        process.start()
    assert process.pid is not None and not _alive(process.pid)


def test_before_the_child_runs_the_clock_is_wall_time() -> None:
    assert DemoProcess(seed=1, speed=60.0).now() == pytest.approx(time.time(), abs=1)
