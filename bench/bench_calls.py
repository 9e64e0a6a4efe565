"""API calls while watching one job: per minute, and the busiest second per operation.

The app (default intervals: detail 5 s, list 15 s) watches the demo's 100,000-meter rollout in
real time (speed 1) for two minutes, with everything of the job detail open: the counters, the
abort radar and the timeline (no calls of their own), the why panel (its sample) and the stuck
triage (its scan); the sample size the why panel reached at 75 s is printed. Issue 12's target:
at most 2 calls a second in all (120 a minute), at most 1 a second to any one API from the
background work. At 30 s the user holds `j` for 20 rows and `k` back (debounced selection).
Counts are taken at the emulator, so retries count too. The list's progress filler (DescribeJob
for the visible rows of the 41-job list, all on screen at 160x48) is counted apart: it fills a
screenful in the first ~15 s (first values are foreground calls: the user is looking at `…`),
then keeps active rows under a minute old (background). The detail counts the job's targets
once, and the list's rows too where the fleet index answers (the demo has it on: GetStatistics
after DescribeThingGroup and ListThingGroups, 3 calls a job; listing, 400 ListThingsInThingGroup
pages for the 100,000 meters, is the fallback), cached for 10 minutes; that one-off cost is
printed apart. Targets: the filler <= 60 a minute, never > 5/s to one job API, everything
together <= 2/s.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter

from iotjobs_tui.launch import build_app, demo_settings, start_demo

DURATION = 120.0
SIZE = (160, 48)  # every row of the demo's 41 jobs on screen: the filler's worst case
JOB = "meter-fw-5_2_0-us-central"


async def watch(
    url: str, job: str, stats: object, notes: dict[str, str]
) -> tuple[list[dict[str, int]], list[float]]:
    from iotjobs_tui.ui.widgets.job_table import JobTable
    from iotjobs_tui.ui.widgets.stuck_triage import StuckTriage
    from iotjobs_tui.ui.widgets.why_panel import WhyPanel

    snapshots: list[dict[str, int]] = []
    app = build_app(demo_settings(url), connection_label="bench", demo=True, job_id=job)
    filler: list[float] = []  # when each progress-filler call was made
    job_progress = app.data.job_progress

    async def counted(target: object, job_id: str, first: bool = False) -> object:
        filler.append(time.monotonic())
        return await job_progress(target, job_id, first=first)  # type: ignore[arg-type]

    app.data.job_progress = counted  # type: ignore[method-assign]

    def sample() -> None:
        flat = {op: n for ops in stats.snapshot().values() for op, n in ops.items()}  # type: ignore[attr-defined]
        flat["@"] = int(time.monotonic() * 1000)  # when, in ms: samples are not evenly spaced
        snapshots.append(flat)

    async with app.run_test(size=SIZE) as pilot:
        start = time.monotonic()
        sample()
        pressed = False
        while time.monotonic() - start < DURATION:
            await pilot.pause(0.1)
            sample()
            if "filled" not in notes:
                table = app.main_screen.table
                shown = [k for k in table.visible_keys() if k != app.main_screen.detail.job_id]
                if shown and "rows" not in notes:
                    notes["rows"] = f"{time.monotonic() - start:.1f}"
                if shown and all(k in table.progress for k in shown):
                    at = time.monotonic() - start - float(notes["rows"])
                    notes["filled"] = f"{len(shown)} rows on screen filled {at:.1f} s after"
            if "why" not in notes and time.monotonic() - start > 75:
                detail = app.main_screen.detail
                notes["why"] = detail.query_one("#why-head").plain
                notes["stuck"] = detail.query_one(StuckTriage).query_one("#stuck-head").plain
                assert detail.query_one(WhyPanel).display
            if not pressed and time.monotonic() - start > 30:
                pressed = True
                app.screen.query_one(JobTable).focus()
                for key in ["j"] * 20 + ["k"] * 20:
                    await pilot.press(key)
    return snapshots, [at - start for at in filler]


def main() -> int:
    _emulator, server, url = start_demo(seed=1, speed=1.0)
    notes: dict[str, str] = {}
    try:
        job = JOB
        server.stats.reset()
        snapshots, filler = asyncio.run(watch(url, job, server.stats, notes))
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
    counting = ("ListThingsInThingGroup", "DescribeThingGroup", "ListThingGroups", "GetStatistics")
    steady = sum(last.get(op, 0) - second_minute.get(op, 0) for op in ops)
    watching = sum(n for op, n in totals.items() if op not in counting)
    print(f"watching (without the one-off target count) {watching / minutes:.1f} calls/min  "
          "(the detail, list, filler, why sample and stuck scan)")  # fmt: skip
    print(
        f"target counts (one-off, cached 10 min)      "
        f"{sum(totals[op] for op in counting)} calls ({totals['GetStatistics']} GetStatistics, "
        f"{totals['ListThingsInThingGroup']} ListThingsInThingGroup pages; background: at most "
        f"1/s to one API)"
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
    print(f"first values: {notes.get('filled', 'not every row on screen was filled')} the "
          "first rows (target <= 15 s)")  # fmt: skip
    per_minute = sum(totals.values()) / minutes
    print(
        f"everything open (issue 12): {per_minute:.1f} calls/min = {per_minute / 60:.2f}/s  "
        "(target <= 2/s)"
    )
    print(f"  at 75 s: {notes.get('why', '?')}")
    print(f"  at 75 s: {notes.get('stuck', '?')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
