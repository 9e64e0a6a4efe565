"""`python -m iotjobs_tui.screenshots DIR`: SVGs of the main screen against the demo fleet.

Runs the emulator in-process with a frozen clock and a fixed seed, so the pictures only change
when the app or the demo change.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from iotjobs_tui.aws.pacer import Pacer
from iotjobs_tui.launch import DEMO_REGION, build_app, demo_settings, start_demo

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z
SIZES = ((80, 24), (160, 48))
DRILL_DOWN_SIZE = (160, 48)


async def _wait(pilot: Any, predicate: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError("the demo did not load in time")
        await pilot.pause(0.05)


async def _shoot(url: str, emulator: Any, size: tuple[int, int], out: Path) -> Path:
    from iotjobs_tui.ui.widgets.job_detail import JobDetail
    from iotjobs_tui.ui.widgets.job_table import JobTable

    app = build_app(
        demo_settings(url),
        connection_label=f"{DEMO_REGION} · demo emulator",
        demo=True,
        clock=emulator.clock.now,
        monotonic=lambda: 0.0,  # "updated 0s ago" in every picture
    )
    # The local emulator shares no one's quota: count the 100,000 meters in seconds, not the
    # 7 minutes the background budget takes against AWS (the pictures are the same).
    app.data.pacer = Pacer(rate=100, background_rate=100, background_total=200)
    app.data.targets.page_pause = 0.0
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        await _wait(pilot, lambda: screen.query_one(JobTable).row_count > 0)
        detail = screen.query_one(JobDetail)
        await _wait(pilot, lambda: detail.job is not None)
        # A second refresh a virtual minute later, so deltas, rate and ETA are measured.
        emulator.clock.advance(60)
        await pilot.press("r")
        await _wait(pilot, lambda: "finished" in detail.query_one("#d-rate").plain)
        # The rollout's size, counted at the app's own pace (400 pages, about 160 s for the
        # 100,000 meters): the pictures show what a user sees once it is known.
        await _wait(pilot, lambda: detail.targets()[0] is not None, timeout=400)
        # Then a minute at the app's own pace, so the status bar's calls/min is what a user
        # sees, not the fast count's.
        normal = Pacer()
        app.data.pacer = normal
        if app.data._api is not None:
            app.data._api.pacer = normal
        await pilot.pause(61)
        await pilot.pause(0.3)
        await pilot.pause(0.3)
        name = f"main-{size[0]}x{size[1]}.svg"
        app.save_screenshot(filename=name, path=str(out))
        if size != DRILL_DOWN_SIZE:
            return out / name
        # The same screen in the light theme (themes/iotjobs-light.toml).
        app.theme = "iotjobs-light"
        await pilot.pause(0.3)
        app.save_screenshot(filename=f"main-{size[0]}x{size[1]}-light.svg", path=str(out))
        app.theme = "textual-dark"
        await pilot.pause(0.3)
        # The drill-down: this job's executions, then the first failure among them.
        from iotjobs_tui.ui.screens.executions import ExecutionsScreen
        from iotjobs_tui.ui.widgets.execution_detail import ExecutionDetail
        from iotjobs_tui.ui.widgets.execution_list import ExecutionList

        await pilot.press("e")
        await _wait(pilot, lambda: isinstance(app.screen, ExecutionsScreen))
        executions = app.screen
        assert isinstance(executions, ExecutionsScreen)
        await _wait(pilot, lambda: executions.loading_done)
        await pilot.press("n")
        await pilot.pause(0.3)
        app.save_screenshot(filename=f"executions-{size[0]}x{size[1]}.svg", path=str(out))
        rows = executions.query_one(ExecutionList)
        assert rows.row_count > 0
        await pilot.press("enter")
        await _wait(pilot, lambda: app.screen is not executions)
        await _wait(pilot, lambda: app.screen.query_one(ExecutionDetail).execution is not None)
        await pilot.pause(0.5)
        app.save_screenshot(filename=f"execution-{size[0]}x{size[1]}.svg", path=str(out))
    return out / name


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    emulator, server, url = start_demo(seed=1, speed=0.0, start=T0)
    try:
        emulator.clock.advance(300)  # let the demo roll out for five virtual minutes
        for size in SIZES:
            try:
                path = asyncio.run(_shoot(url, emulator, size, out))
            except RuntimeError as exc:
                print(f"screenshots: {exc}", file=sys.stderr)
                return 1
            print(path)
    finally:
        server.stop_thread()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
