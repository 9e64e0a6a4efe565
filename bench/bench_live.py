"""Bytes/s written to the terminal and CPU while watching a live rollout (tmux + script).

The emulator runs in its own process (`iotjobs-tui sim --scenario demo --speed 60`: one virtual
minute per second, so the rollout moves) so its CPU is not counted; the app points at it with
--endpoint-url and watches the busiest rollout. Bytes and CPU are measured over two windows:
from 6 s, while start-up's one-off work lands (the list's first values, target counts, the why
panel's first sample), and from 60 s, watching.
Targets (issue 4, "while watching a live rollout at the default interval"): <= 1.5 KB/s and
<= 2 % CPU.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import BIN, cpu_seconds, descendants, need, tmux

WARMUP = 6.0
WINDOW = 20.0
# A second window once start-up's one-off work is done (the list's first values, the target
# counts, the why panel's first sample): what watching costs after the first minute.
STEADY_AT = 60.0
RUNS = 3


def live_job() -> str:
    """The demo's in-progress job with the most executions (a valid id), as the user would pick."""
    import re

    import boto3

    from iotjobs_tui.launch import start_demo

    _emulator, server, url = start_demo(seed=1, speed=0.0)
    try:
        iot = boto3.client("iot", endpoint_url=url, region_name="us-east-1",
                           aws_access_key_id="bench", aws_secret_access_key="bench")  # fmt: skip
        jobs = iot.list_jobs(status="IN_PROGRESS", maxResults=250)["jobs"]
        best, most = "", -1
        for job in jobs:
            if not re.fullmatch(r"[a-zA-Z0-9_-]+", job["jobId"]):
                continue  # the emulator rejects these in DescribeJob
            process = iot.describe_job(jobId=job["jobId"])["job"].get("jobProcessDetails", {})
            total = sum(v for k, v in process.items() if k.startswith("numberOf"))
            if total > most:
                best, most = job["jobId"], total
        return best
    finally:
        server.stop_thread()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def one_run(run: int, log: Path, job: str) -> tuple[float, float, float, float]:
    session = f"live{run}"
    port = free_port()
    sim = subprocess.Popen(
        [f"{BIN}/iotjobs-tui", "sim", "--scenario", "demo", "--speed", "60", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2)
    app = (
        f"env AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench {BIN}/iotjobs-tui "
        f"--endpoint-url http://127.0.0.1:{port} --region us-east-1 --refresh 5 --job {job}"
    )
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40",
         f"script -q -f {log} -c '{app}'")  # fmt: skip
    time.sleep(WARMUP)
    pane_pid = int(tmux("list-panes", "-t", session, "-F", "#{pane_pid}").split()[0])
    pids = [pid for pid in descendants(pane_pid) if "python" in Path(f"/proc/{pid}/cmdline")
            .read_bytes().decode(errors="replace") or "iotjobs" in Path(f"/proc/{pid}/cmdline")
            .read_bytes().decode(errors="replace")]  # fmt: skip
    app_pid = pids[-1]
    started = time.monotonic() - WARMUP
    bytes0, cpu0, t0 = log.stat().st_size, cpu_seconds(app_pid), time.monotonic()
    time.sleep(WINDOW)
    bytes1, cpu1, t1 = log.stat().st_size, cpu_seconds(app_pid), time.monotonic()
    time.sleep(max(0.0, started + STEADY_AT - time.monotonic()))
    bytes2, cpu2, t2 = log.stat().st_size, cpu_seconds(app_pid), time.monotonic()
    time.sleep(WINDOW)
    bytes3, cpu3, t3 = log.stat().st_size, cpu_seconds(app_pid), time.monotonic()
    # `script` runs the app in a pty of its own, which killing the tmux session leaves alive.
    for pid in [pane_pid, *descendants(pane_pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    tmux("kill-session", "-t", session)
    sim.terminate()
    sim.wait()
    return (
        (bytes1 - bytes0) / (t1 - t0),
        (cpu1 - cpu0) / (t1 - t0) * 100,
        (bytes3 - bytes2) / (t3 - t2),
        (cpu3 - cpu2) / (t3 - t2) * 100,
    )


def main() -> int:
    need("tmux")
    need("script")
    tmux("new-session", "-d", "-s", "keepalive")
    results = []
    job = live_job()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for run in range(RUNS):
                results.append(one_run(run, Path(tmp) / f"live{run}.log", job))
    finally:
        tmux("kill-server")
    print(f"job watched              {job} (demo fleet at 60x speed, detail every 5 s)")
    print(f"{RUNS} runs, tmux 120x40")
    for label, at, index in (
        ("start-up", WARMUP, 0),
        ("watching", STEADY_AT, 2),
    ):
        rates = sorted(r[index] for r in results)
        cpus = sorted(r[index + 1] for r in results)
        print(f"{label}: {WINDOW:.0f} s from {at:.0f} s")
        print(f"  bytes/s to the terminal  median {rates[len(rates) // 2]:.0f} B/s "
              f"(runs {', '.join(f'{r:.0f}' for r in rates)})  target <= 1536")  # fmt: skip
        print(f"  CPU                      median {cpus[len(cpus) // 2]:.2f} % "
              f"(runs {', '.join(f'{c:.2f}' for c in cpus)})  target <= 2")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
