"""The emulator's cost while the demo's 100,000-thing rollout runs at speed 60.

Starts `python -m iotjobs_tui sim --port 0 --scenario demo --speed 60 --no-throttle` in a
subprocess (a clean CPU figure from /proc/PID/stat), polls DescribeJob on the 100,000-meter
job with boto3 for ~30 s, and prints:

- the scenario's startup time (process start to "listening on");
- DescribeJob latency (median, p95) as the client sees it, and as the emulator measured its own
  handling (from /_sim/stats: parse, catch-up, handler, serialization);
- the emulator's CPU share: (utime + stime) / wall over the polling window, polling included;
- the meter job's progress per virtual minute (executions created, succeeded);
- the largest stall: the slowest request the emulator handled, by operation (every fourth
  call is a ListJobExecutionsForJob page of 250, where a 0.5 s stall used to show: the
  collector's full passes over the growing executions, now frozen as they accumulate).

Targets from the issue: under half a core, DescribeJob median under 5 ms. No assertions.

    .venv/bin/python bench/bench_sim.py [--seconds 30] [--speed 60] [--rate 8]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from _common import rss_mb

ROOT = Path(__file__).resolve().parent.parent
JOB_ID = "meter-fw-5_2_0-us-central"
REGION = "us-east-1"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(speed: float, seed: int) -> tuple[subprocess.Popen[str], str, float]:
    began = time.perf_counter()
    command = [sys.executable, "-m", "iotjobs_tui", "sim", "--port", "0", "--scenario", "demo"]
    command += ["--seed", str(seed), "--speed", str(speed), "--no-throttle"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        sys.exit(f"the emulator did not start: {line!r}")
    return proc, line.removeprefix("listening on "), time.perf_counter() - began


def server_latency(url: str) -> dict[str, dict[str, float]]:
    with urllib.request.urlopen(f"{url}/_sim/stats", timeout=5) as response:
        stats = json.load(response)
    return {op: dict(values) for op, values in stats["latency_ms"]["iot"].items()}


def client(url: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "iot",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


def progress(job: dict[str, Any]) -> tuple[int, int]:
    details = job["jobProcessDetails"]
    created = sum(v for k, v in details.items() if k.startswith("numberOf"))
    return created, int(details["numberOfSucceededThings"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="polling window (real s)")
    parser.add_argument("--speed", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=8.0, help="DescribeJob calls per second")
    args = parser.parse_args()

    proc, url, startup = start(args.speed, args.seed)
    try:
        rss_start = rss_mb(proc.pid)
        iot = client(url)
        iot.describe_job(jobId=JOB_ID)  # warm up the connection and botocore's model
        latencies: list[float] = []
        listing: list[float] = []
        cpu0, wall0 = cpu_seconds(proc.pid), time.perf_counter()
        first = progress(iot.describe_job(jobId=JOB_ID)["job"])
        last = first
        interval = 1.0 / args.rate
        next_call = wall0
        calls = 0
        while time.perf_counter() - wall0 < args.seconds:
            calls += 1
            t = time.perf_counter()
            if calls % 4 == 0:
                iot.list_job_executions_for_job(jobId=JOB_ID, maxResults=250)
                listing.append((time.perf_counter() - t) * 1000.0)
            else:
                job = iot.describe_job(jobId=JOB_ID)["job"]
                latencies.append((time.perf_counter() - t) * 1000.0)
                last = progress(job)
            next_call += interval
            time.sleep(max(0.0, next_call - time.perf_counter()))
        wall = time.perf_counter() - wall0
        cpu = cpu_seconds(proc.pid) - cpu0
        rss_end = rss_mb(proc.pid)
        served_all = server_latency(url)
        served = served_all["DescribeJob"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    virtual_minutes = wall * args.speed / 60.0
    latencies.sort()
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(f"emulator: iotjobs-tui sim; startup to 'listening on' (demo scenario): {startup:.2f} s")
    print(f"polling: {len(latencies)} DescribeJob calls over {wall:.1f} s at speed {args.speed:g}")
    print(
        f"DescribeJob latency: median {statistics.median(latencies):.2f} ms, "
        f"p95 {p95:.2f} ms, max {latencies[-1]:.2f} ms as the client sees it"
    )
    print(
        f"DescribeJob handling in the emulator: median {served['median']:.2f} ms, "
        f"p95 {served['p95']:.2f} ms (target: median < 5 ms)"
    )
    listing.sort()
    print(
        f"ListJobExecutionsForJob (250 a page): {len(listing)} calls, median "
        f"{statistics.median(listing):.2f} ms, max {listing[-1]:.2f} ms as the client sees it"
    )
    op, worst = max(served_all.items(), key=lambda item: item[1]["max"])
    print(
        f"largest stall: {worst['max']:.1f} ms handling {op} in the emulator "
        f"(over the last {int(worst['count'])} of that operation; target: < 100 ms)"
    )
    print(f"emulator CPU share: {cpu / wall:.2f} of a core (target: < 0.5)")
    print(f"emulator RSS: {rss_start:.0f} MB after loading, {rss_end:.0f} MB at the end")
    created = (last[0] - first[0]) / virtual_minutes
    succeeded = (last[1] - first[1]) / virtual_minutes
    print(
        f"{JOB_ID}: {last[0]:,} executions, {last[1]:,} succeeded; "
        f"+{created:,.0f} executions and +{succeeded:,.0f} succeeded per virtual minute"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
