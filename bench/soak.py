"""Soak: the same app after an hour as after a minute.

Watches the demo's 100,000-meter rollout at demo speed 60 (a virtual minute a second) for
`--minutes` (default 30; `make bench` runs 3), while a script opens and closes every screen
in turn: the executions list, one execution, the job document, help, the palette. Every
minute it prints the process's RSS, asyncio tasks, Textual timers and workers.

Targets: RSS growth at most 10 % after the first five minutes (after the first minute for a
run shorter than ten), and task and timer counts flat (the same at the end as at that point,
give or take one screen's worth).

The app runs headless in this process; the emulator runs as a child process, as `--demo`
runs it. The targets are the app's; the emulator's RSS is printed beside it (it grows with
the jobs and executions the demo keeps creating, as AWS's state would).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import rss_mb  # noqa: E402

from iotjobs_tui.common import gc_pause  # noqa: E402
from iotjobs_tui.demo import DEMO_REGION, demo_settings  # noqa: E402
from iotjobs_tui.demo_process import DemoProcess  # noqa: E402
from iotjobs_tui.launch import build_app  # noqa: E402

JOB = "meter-fw-5_2_0-us-central"
# One round of the script: (key, seconds to stay) — every screen opened and closed again.
ROUND: tuple[tuple[str, float], ...] = (
    ("e", 4.0),  # executions of the rollout
    ("enter", 3.0),  # one execution
    ("escape", 1.0),
    ("escape", 2.0),  # back on the main screen
    ("d", 2.0),  # the job document
    ("escape", 1.0),
    ("question_mark", 1.0),  # help
    ("escape", 1.0),
    ("colon", 1.0),  # the palette
    ("escape", 2.0),
)


FORMAT = "{:>4} {:>8} {:>6} {:>7} {:>8} {:>10} {:>12}"


def timers(app: Any) -> int:
    """Live Textual timers across the app's DOM (each message pump keeps its own)."""
    count = len(getattr(app, "_timers", ()))
    for node in app.screen_stack:
        for widget in [node, *node.walk_children()]:
            count += len(getattr(widget, "_timers", ()))
    return count


async def soak(minutes: float) -> int:
    gc_pause.hold()  # as the command line does: start-up's objects frozen at the first rows
    emulator = DemoProcess(seed=1, speed=60.0)
    url = emulator.start()
    assert emulator.pid is not None
    app = build_app(
        demo_settings(url),
        connection_label=f"{DEMO_REGION} · demo emulator",
        demo=True,
        clock=emulator.now,
        job_id=JOB,
    )
    app.survive_errors = True  # as in a terminal: a bug is reported, not fatal
    rows: list[tuple[int, float, int, int, int, int, float]] = []
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            started = time.monotonic()
            next_sample = started
            step = 0
            print(
                FORMAT.format(
                    "min", "RSS MB", "tasks", "timers", "workers", "calls/min", "emulator MB"
                )
            )
            while time.monotonic() - started < minutes * 60:
                now = time.monotonic()
                if now >= next_sample:
                    gc.collect()
                    minute = round((now - started) / 60)
                    stats = app.data.stats
                    row = (
                        minute,
                        rss_mb(),
                        len(asyncio.all_tasks()),
                        timers(app),
                        len(app.workers),
                        stats.calls_in_last(60) if stats else 0,
                        rss_mb(emulator.pid),
                    )
                    rows.append(row)
                    print(FORMAT.format(row[0], f"{row[1]:.1f}", *row[2:6], f"{row[6]:.1f}"))
                    sys.stdout.flush()
                    next_sample += 60
                key, stay = ROUND[step % len(ROUND)]
                step += 1
                await pilot.press(key)
                await pilot.pause(stay)
            # Back on the main screen for the last sample, like the first.
            for _ in range(3):
                await pilot.press("escape")
                await pilot.pause(0.5)
            gc.collect()
            final = (round(minutes), rss_mb(), len(asyncio.all_tasks()), timers(app),
                     len(app.workers), 0, rss_mb(emulator.pid))  # fmt: skip
            print(f"{'end':>4} {final[1]:>8.1f} {final[2]:>6} {final[3]:>7} {final[4]:>8} "
                  f"{'':>10} {final[6]:>12.1f}")  # fmt: skip
            rows.append(final)
    finally:
        emulator.stop()
    base = next((r for r in rows if r[0] >= (5 if minutes >= 10 else 1)), rows[0])
    end = rows[-1]
    growth = (end[1] - base[1]) / base[1] * 100
    print(
        f"RSS {base[1]:.0f} MB at minute {base[0]} -> {end[1]:.0f} MB at the end "
        f"({growth:+.1f} %, target <= +10 %); tasks {base[2]} -> {end[2]}; "
        f"timers {base[3]} -> {end[3]}; workers {base[4]} -> {end[4]}; "
        f"emulator {base[6]:.0f} -> {end[6]:.0f} MB; "
        f"{(app.crash and 'a bug was reported: ' + app.crash) or 'no bug reported'}"
    )
    return 0 if growth <= 10 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    args = parser.parse_args()
    return asyncio.run(soak(args.minutes))


if __name__ == "__main__":
    sys.exit(main())
