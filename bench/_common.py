"""Shared helpers for the benchmarks: an emulator with jobs, tmux, and /proc CPU readings."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
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

    from iotjobs_tui.sim.clock import VirtualClock
    from iotjobs_tui.sim.emulator import Emulator
    from iotjobs_tui.sim.server import SimServer

    emulator = Emulator(VirtualClock(start=T0, speed=speed))
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
    session: str, needle: str, timeout: float = 30.0, absent: str | None = None
) -> float | None:
    """Seconds until `needle` is visible (and `absent` is not), polling every ~5 ms."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        pane = tmux("capture-pane", "-p", "-t", session)
        if needle in pane and (absent is None or absent not in pane):
            return time.perf_counter() - start
        time.sleep(0.005)
    return None


def descendants(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    children = [int(p) for p in out.split()]
    return children + [g for c in children for g in descendants(c)]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def median(values: list[float]) -> float:
    return statistics.median(values)
