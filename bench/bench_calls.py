"""API calls while watching one job: per minute, and the busiest second per operation.

The app (default intervals: detail 5 s, list 15 s) watches the demo fleet's busiest rollout
for two minutes; halfway through the first, the user holds `j` for 20 rows (debounced
selection). Counts are taken at the emulator, so retries count too. The list's progress filler
(DescribeJob for the visible rows of the 40-job list) is counted apart: it fills a screenful in
the first ~15 s, then keeps active rows under a minute old. The detail counts the job's targets
once (ListThingsInThingGroup, 400 pages for the 100,000 meters, paced at 2.5/s and cached for
10 minutes); that one-off cost is printed apart. Targets: <= 35 calls a minute for watching,
the filler <= 60 a minute (1/s, a tenth of the DescribeJob quota), never > 5/s to one job API.
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
        flat["@"] = int(time.monotonic() * 1000)  # when, in ms: samples are not evenly spaced
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
    half = first["@"] + DURATION * 500
    second_minute = next(s for s in snapshots if s["@"] >= half)
    ops = [op for op in last if op != "@"]
    totals = Counter({op: last.get(op, 0) - first.get(op, 0) for op in ops})
    # Busiest one-second window per operation, by the samples' own times.
    busiest: Counter[str] = Counter()
    j = 0
    for i in range(len(snapshots)):
        while j + 1 < len(snapshots) and snapshots[j + 1]["@"] - snapshots[i]["@"] <= 1000:
            j += 1
        for op in ops:
            busiest[op] = max(busiest[op], snapshots[j].get(op, 0) - snapshots[i].get(op, 0))
    minutes = DURATION / 60
    print(f"watched {job!r} for {DURATION:.0f} s (detail every 5 s, list every 15 s), "
          "holding j for 20 rows at 30 s")  # fmt: skip
    for op, n in sorted(totals.items()):
        print(f"  {op:<24} {n:>4} calls  busiest second {busiest[op]}")
    counting = ("ListThingsInThingGroup", "DescribeThingGroup")
    steady = sum(last.get(op, 0) - second_minute.get(op, 0) for op in ops)
    watching = sum(n for op, n in totals.items() if op not in counting)
    print(f"watching (without the one-off target count) {watching / minutes:.1f} calls/min  "
          "(target <= 35)")  # fmt: skip
    print(
        f"target count (one-off, cached 10 min)       "
        f"{sum(totals[op] for op in counting)} calls, ListThingsInThingGroup busiest second "
        f"{busiest['ListThingsInThingGroup']}  (paced at 2.5/s, 10 % of its 25 TPS)"
    )
    print(f"all calls                 {sum(totals.values()) / minutes:.1f}/min over 2 min, "
          f"{steady} in the second minute (the one-off count included)")  # fmt: skip
    early = sum(1 for at in filler if at < 15)
    print(
        f"progress filler           {len(filler[:]) / minutes:.1f} calls/min "
        f"({sum(1 for at in filler if at < 60)} in minute 1, {early} of them in the first "
        f"15 s; {sum(1 for at in filler if at >= 60)} in minute 2)  (target <= 60/min)"
    )
    watched_busiest = max((n for op, n in busiest.items() if op not in counting), default=0)
    print(f"max calls/s to one job API {watched_busiest}  (target <= 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
