"""API calls while watching one job: per minute, and the busiest second per operation.

The app (default intervals: detail 5 s, list 15 s) watches the demo fleet's busiest rollout
for two minutes; halfway through the first, the user holds `j` for 20 rows (debounced
selection). Counts are taken at the emulator, so retries count too. The list's progress filler
(DescribeJob for the visible rows of the 40-job list) is counted apart: it fills a screenful in
the first ~15 s, then keeps active rows under a minute old. Targets: <= 35 calls a minute once
the list is filled (the second minute), the filler <= 60 a minute (1/s, a tenth of the
DescribeJob quota), never > 5/s to one operation.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter

from iotjobs_tui.launch import build_app, demo_settings, start_demo

DURATION = 120.0


async def watch(url: str, job: str, stats: object) -> tuple[list[dict[str, int]], list[float]]:
    from iotjobs_tui.ui.widgets.job_table import JobTable

    snapshots: list[dict[str, int]] = []
    app = build_app(demo_settings(url), connection_label="bench", demo=True, job_id=job)
    filler: list[float] = []  # when each progress-filler call was made
    job_progress = app.data.job_progress

    async def counted(target: object, job_id: str) -> object:
        filler.append(time.monotonic())
        return await job_progress(target, job_id)  # type: ignore[arg-type]

    app.data.job_progress = counted  # type: ignore[method-assign]

    def sample() -> None:
        flat = {op: n for ops in stats.snapshot().values() for op, n in ops.items()}  # type: ignore[attr-defined]
        snapshots.append(flat)

    async with app.run_test(size=(120, 40)) as pilot:
        start = time.monotonic()
        sample()
        pressed = False
        while time.monotonic() - start < DURATION:
            await pilot.pause(0.1)
            sample()
            if not pressed and time.monotonic() - start > 30:
                pressed = True
                app.screen.query_one(JobTable).focus()
                for _ in range(20):
                    await pilot.press("j")
    return snapshots, [at - start for at in filler]


def main() -> int:
    _emulator, server, url = start_demo(seed=1, speed=60.0)
    try:
        import boto3

        iot = boto3.client("iot", endpoint_url=url, region_name="us-east-1",
                           aws_access_key_id="b", aws_secret_access_key="b")  # fmt: skip
        job = iot.list_jobs(status="IN_PROGRESS", maxResults=1)["jobs"][0]["jobId"]
        server.stats.reset()
        snapshots, filler = asyncio.run(watch(url, job, server.stats))
    finally:
        server.stop_thread()
    first, last = snapshots[0], snapshots[-1]
    second_minute = snapshots[len(snapshots) // 2]
    totals = Counter({op: last.get(op, 0) - first.get(op, 0) for op in last})
    # Busiest one-second window per operation (samples every 0.1 s).
    busiest: Counter[str] = Counter()
    for i in range(len(snapshots)):
        j = min(i + 10, len(snapshots) - 1)
        for op in last:
            busiest[op] = max(busiest[op], snapshots[j].get(op, 0) - snapshots[i].get(op, 0))
    minutes = DURATION / 60
    print(f"watched {job!r} for {DURATION:.0f} s (detail every 5 s, list every 15 s), "
          "holding j for 20 rows at 30 s")  # fmt: skip
    for op, n in sorted(totals.items()):
        print(f"  {op:<24} {n:>4} calls  busiest second {busiest[op]}")
    steady = sum(last.get(op, 0) - second_minute.get(op, 0) for op in last)
    print(f"calls per minute          {sum(totals.values()) / minutes:.1f} over 2 min; "
          f"{steady} in the second minute  (target <= 35 once the list is filled)")  # fmt: skip
    early = sum(1 for at in filler if at < 15)
    print(
        f"progress filler           {len(filler[:]) / minutes:.1f} calls/min "
        f"({sum(1 for at in filler if at < 60)} in minute 1, {early} of them in the first "
        f"15 s; {sum(1 for at in filler if at >= 60)} in minute 2)  (target <= 60/min)"
    )
    print(f"max calls/s to one op     {max(busiest.values(), default=0)}  (target <= 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
