"""Is the ETA true? The demo's 100,000-meter rollout at --speed 60, watched to its end.

Issue 10's figure: watching the meter rollout at `--speed 60`, the screen shows progress and an
ETA against the 100,000 targets; its notified share stays within 2 points of the emulator's
own count, and the ETA at any moment is within 15 % of the time the rollout then takes.

The emulator runs as `--demo` runs it (a child process, `DemoProcess`); the app runs headless
at 160x48 with the meter job open, its clock mirrored from the child and its refresh intervals
paced to the clock's speed, as in `--demo`. Every
half second the bench reads what the detail pane shows (its notified count and its estimate)
and, at the same moment, the emulator's own count (a DescribeJob of its own, not the app's).
When the job completes (every execution finished), the ETA read at each moment is compared
with the time the rollout then still took, to the job's `completedAt`. Printed: the
notified-share gap (largest and median), and the ETA's error (largest, median) with the moment
of the largest; the last 5 minutes in seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import boto3

from iotjobs_tui.demo_process import DemoProcess
from iotjobs_tui.launch import build_app, demo_settings, paced

JOB = "meter-fw-5_2_0-us-central"
SIZE = (160, 48)
SAMPLE_EVERY = 0.5  # real seconds
TAIL = 5 * 60.0  # virtual seconds: the last minutes, judged in seconds rather than percent


@dataclass
class Sample:
    at: float  # virtual epoch seconds when read
    shown: int | None  # executions the pane says were notified
    truth: int  # the emulator's count at that moment
    targets: int | None  # the pane's target count (None while counting)
    finish_at: float | None  # the ETA shown (virtual epoch), None if the pane has none


def emulator_count(iot: object, job: str) -> tuple[int, int, float | None]:
    """(executions created, unfinished, when the job completed) from the emulator, now."""
    described = iot.describe_job(jobId=job)["job"]  # type: ignore[attr-defined]
    process = described.get("jobProcessDetails", {})
    created = sum(v for k, v in process.items() if k.startswith("numberOf"))
    unfinished = process.get("numberOfQueuedThings", 0) + process.get("numberOfInProgressThings", 0)
    completed = described.get("completedAt") if described["status"] != "IN_PROGRESS" else None
    return created, unfinished, None if completed is None else completed.timestamp()


async def watch(
    demo: DemoProcess, limit: float, speed: float
) -> tuple[list[Sample], float | None, int]:
    url = demo.url
    assert url is not None
    iot = boto3.client(
        "iot", endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="bench", aws_secret_access_key="bench",
    )  # fmt: skip
    app = build_app(
        demo_settings(url),
        connection_label="bench",
        demo=True,
        job_id=JOB,
        clock=demo.now,
        # As `--demo --speed S` sets them from the defaults (5 s and 15 s).
        detail_interval=paced(5.0, speed),
        list_interval=paced(15.0, speed),
    )
    samples: list[Sample] = []
    ended: float | None = None
    targets_total = 0
    async with app.run_test(size=SIZE) as pilot:
        start = time.monotonic()
        while time.monotonic() - start < limit:
            await pilot.pause(SAMPLE_EVERY)
            detail = app.main_screen.detail
            job = detail.job if detail.job_id == JOB else None
            count, _counting = detail.targets() if job is not None else (None, False)
            estimate = detail.estimate if job is not None else None
            created, _unfinished, completed = await asyncio.to_thread(emulator_count, iot, JOB)
            now = demo.now()
            finish = estimate.finish_at if estimate is not None else None
            samples.append(
                Sample(
                    at=now,
                    shown=None if job is None or job.process is None else job.process.total,
                    truth=created,
                    targets=count.things if count is not None and count.complete else None,
                    finish_at=None if finish is None else finish.timestamp(),
                )
            )
            if count is not None and count.complete:
                targets_total = count.things
            if completed is not None:  # every execution finished: the job's own completedAt
                ended = completed
                break
    return samples, ended, targets_total


def report(samples: list[Sample], ended: float | None, targets: int, speed: float) -> int:
    print(f"{len(samples)} samples, every {SAMPLE_EVERY} s real ({SAMPLE_EVERY * speed:g} s "
          f"virtual) at --speed {speed:g}; {targets:,} targets counted")  # fmt: skip
    first_eta = next((s for s in samples if s.finish_at is not None), None)
    if first_eta is not None:
        since = (first_eta.at - samples[0].at) / speed
        print(f"first ETA shown {since:.1f} s (real) after the first sample, at "
              f"{first_eta.truth:,} of {targets:,} notified")  # fmt: skip
    gaps = [
        abs(s.shown - s.truth) / targets * 100 for s in samples if s.shown is not None and targets
    ]
    if gaps:
        median = statistics.median(gaps)
        print(f"notified share, pane against the emulator at the same moment: largest gap "
              f"{max(gaps):.2f} points, median {median:.2f} (target <= 2)")  # fmt: skip
    if ended is None:
        print("the rollout did not finish within the watch: no ETA error can be measured")
        return 1
    end = datetime.fromtimestamp(ended, UTC).strftime("%H:%M:%S")
    took = (ended - samples[0].at) / 60
    print(
        f"the rollout finished at {end} (virtual), {took:.1f} virtual minutes after the "
        "first sample"
    )
    # Relative error needs time left to be relative to: in the last minutes any fixed error
    # (a refresh's age, the slowest device) becomes a large share of a small remainder, so
    # those minutes are judged in seconds instead.
    errors: list[tuple[float, Sample]] = []
    tail: list[float] = []
    for s in samples:
        if s.finish_at is None or s.at >= ended:
            continue
        if ended - s.at >= TAIL:
            errors.append((abs(s.finish_at - ended) / (ended - s.at) * 100, s))
        else:
            tail.append(abs(s.finish_at - ended))
    if not errors:
        print("no ETA was shown")
        return 1
    values = [e for e, _ in errors]
    worst, at = max(errors, key=lambda pair: pair[0])
    left = (ended - at.at) / 60
    print(f"ETA error against the time then left, while {TAIL / 60:.0f}+ virtual minutes were "
          f"left: largest {worst:.1f} % (with {left:.1f} min left, at {at.truth:,} notified), "
          f"median {statistics.median(values):.1f} %, over {len(values)} readings "
          "(target <= 15 %)")  # fmt: skip
    if tail:
        print(f"  in the last {TAIL / 60:.0f} virtual minutes: off by at most {max(tail):.0f} "
              f"virtual seconds ({len(tail)} readings)")  # fmt: skip
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=60.0)
    parser.add_argument("--limit", type=float, default=600.0, help="real seconds to watch at most")
    args = parser.parse_args()
    demo = DemoProcess(seed=1, speed=args.speed)
    demo.start()
    try:
        samples, ended, targets = asyncio.run(watch(demo, args.limit, args.speed))
    finally:
        demo.stop()
    return report(samples, ended, targets, args.speed)


if __name__ == "__main__":
    sys.exit(main())
