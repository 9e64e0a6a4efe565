"""Shared helpers for the benchmarks: an emulator with jobs, tmux, and /proc CPU readings."""

from __future__ import annotations

import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REGION = "us-east-1"
T0 = 1_767_225_600.0
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_PAGER": "",
}


def start_emulator(jobs: int, things: int = 10, speed: float = 0.0) -> tuple[Any, Any, str]:
    import boto3

    from iotjobs_tui.sim.emulator import Emulator
    from iotjobs_tui.sim.emulator_config import NO_JOB_LIMITS
    from iotjobs_tui.sim.engine.clock import VirtualClock
    from iotjobs_tui.sim.server import SimServer

    emulator = Emulator(VirtualClock(start=T0, speed=speed), NO_JOB_LIMITS)
    server = SimServer(emulator)
    url = server.start_in_thread("127.0.0.1", 0)
    iot = boto3.client(
        "iot",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )
    group = iot.create_thing_group(thingGroupName="bench")["thingGroupArn"]
    for i in range(things):
        iot.create_thing(thingName=f"bench-{i:04d}")
        iot.add_thing_to_thing_group(thingGroupName="bench", thingName=f"bench-{i:04d}")
    for i in range(jobs):
        iot.create_job(jobId=f"bench-job-{i:04d}", targets=[group], document="{}")
    return emulator, server, url


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        sys.exit(f"{tool} is not installed; this benchmark needs it")
    return path


def tmux(*args: str) -> str:
    # ENV, not os.environ: the tmux server (and so every app it starts) inherits it.
    return subprocess.run(
        ["tmux", "-L", "iotjobs-bench", *args],
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
    ).stdout


def compile_bytecode() -> None:
    """Launches are timed from bytecode, as after a first run or a `pip install`.

    The package is installed editable, so its .pyc files are written on first import, unless
    PYTHONDONTWRITEBYTECODE is set (it is on some CI and sandbox images): then every launch
    would compile ~30 modules from source, about 60 ms that no user's second launch pays.
    """
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "iotjobs_tui")], check=True
    )


def wait_in_pane(
    session: str,
    needle: str,
    timeout: float = 30.0,
    absent: str | None = None,
    interval: float = 0.005,
) -> float | None:
    """Seconds until `needle` is visible (and `absent` is not), polling every `interval` s.

    Each poll spawns a tmux client: at the default interval, about 0.3 of a core (measured).
    Timings of launches use `WatchedPane` instead.
    """
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        pane = tmux("capture-pane", "-p", "-t", session)
        if needle in pane and (absent is None or absent not in pane):
            return time.perf_counter() - start
        time.sleep(interval)
    return None


_OCTAL = re.compile(rb"\\([0-7]{3})")


class WatchedPane:
    """A tmux pane watched through a control-mode client: no polling.

    `capture-pane` polling spawned a tmux client every ~5 ms, about 0.3 of a core here (a
    third of the second core): enough to slow whatever the pane runs. A control-mode client
    is told of every byte the pane's program writes (`%output`) as tmux reads it, so the
    watch costs next to nothing and sees the output the moment tmux does.

    The command waits for a line on its terminal before it starts (`read`), so the client is
    attached first; `go()` sends that line and starts the clock.
    """

    def __init__(self, session: str, command: str, env: dict[str, str] | None = None) -> None:
        self.session = session
        flags = [arg for key, value in (env or {}).items() for arg in ("-e", f"{key}={value}")]
        tmux(
            "new-session", "-d", "-s", session, "-x", "120", "-y", "40", *flags,
            f"read _; exec {command}",
        )  # fmt: skip
        self._client = subprocess.Popen(
            ["tmux", "-L", "iotjobs-bench", "-C", "attach", "-t", session],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=ENV,
        )
        self._output = b""
        self._started = 0.0
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self._until(lambda line: line.startswith(b"%session-changed"), 10)

    def _read(self) -> None:
        assert self._client.stdout is not None
        for line in self._client.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _until(self, done: Callable[[bytes], bool], timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        while (left := deadline - time.perf_counter()) > 0:
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                return False
            if line is None:
                return False
            if line.startswith(b"%output "):
                data = line.split(b" ", 2)[2].rstrip(b"\n")
                self._output += _OCTAL.sub(lambda m: bytes([int(m.group(1), 8)]), data)
            if done(line):
                return True
        return False

    def go(self) -> None:
        tmux("send-keys", "-t", self.session, "Enter")
        self._started = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self._started

    def wait_for(self, needle: str, timeout: float = 30.0) -> float | None:
        """Seconds from `go()` until the program has written `needle` (None on timeout)."""
        wanted = needle.encode()
        if wanted not in self._output and not self._until(
            lambda _line: wanted in self._output, timeout
        ):
            return None
        return time.perf_counter() - self._started

    def close(self) -> None:
        tmux("kill-session", "-t", self.session)
        if self._client.stdin is not None:
            self._client.stdin.close()
        self._client.wait(timeout=5)


def descendants(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    children = [int(p) for p in out.split()]
    return children + [g for c in children for g in descendants(c)]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def rss_mb(pid: int | str = "self") -> float:
    """A process's resident memory in MB (its own with the default)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def median(values: list[float]) -> float:
    return statistics.median(values)
