"""The fault matrix in real time: fault x screen -> time to stale, time to recover, slowest key.

    .venv/bin/python bench/faults.py                       # every cell (about 3 minutes)
    .venv/bin/python bench/faults.py --screens main --faults AccessDenied,outage

Runs the cells of tests/ui/test_fault_matrix.py (tests/ui/fault_matrix_kit.py) headless, with
the real monotonic clock, against an in-process emulator per cell, and prints one row each.
A cell whose expectations fail is printed with FAIL and the reason; the exit code is 1 then.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ.setdefault("IOTJOBS_TUI_HOME", tempfile.mkdtemp(prefix="iotjobs-tui-bench-"))

from tests.ui.fault_matrix_kit import (  # noqa: E402
    FAULTS,
    SCREENS,
    Cell,
    Fault,
    Screen,
    app_options,
    open_screen,
    seed,
)

T0 = 1_767_225_600.0


async def run_cell(fault: Fault, screen: Screen) -> Cell | str:
    import boto3
    from botocore.config import Config

    from iotjobs_tui.aws.session import ConnectionSettings
    from iotjobs_tui.sim.emulator import Emulator
    from iotjobs_tui.sim.engine.clock import VirtualClock
    from iotjobs_tui.sim.server import SimServer
    from iotjobs_tui.ui.app import IotJobsApp
    from iotjobs_tui.ui.data import DataService
    from iotjobs_tui.ui.protocols import ViewOptions

    emulator = Emulator(VirtualClock(start=T0, speed=0))
    server = SimServer(emulator)
    server.start_in_thread("127.0.0.1", 0)
    try:
        url = server.base_url
        iot = boto3.client(
            "iot",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
        )
        seed(iot)
        settings = ConnectionSettings(
            region="us-east-1",
            endpoint_url=url,
            access_key_id="bench",
            secret_access_key="bench",
            max_attempts=1,
            connect_timeout=1,
            read_timeout=5,
        )
        options = ViewOptions(
            connection_label="emulator",
            clock=emulator.clock.now,
            monotonic=time.monotonic,
            **app_options(screen),
        )
        app = IotJobsApp(DataService(settings), options)
        cell = Cell(fault, screen, app, server)
        try:
            async with app.run_test(size=(120, 36)) as pilot:
                await open_screen(pilot, app, screen)
                await cell.run(pilot)
        except AssertionError as exc:
            return f"FAIL {str(exc).splitlines()[0][:70]}"
        return cell
    finally:
        server.stop_thread()


def figure(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f}"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", default=",".join(s.name for s in SCREENS))
    parser.add_argument("--faults", default=",".join(f.name for f in FAULTS))
    args = parser.parse_args()
    screens = [s for s in SCREENS if s.name in args.screens.split(",")]
    faults = [f for f in FAULTS if f.name in args.faults.split(",")]
    print(f"{'fault':<17} {'screen':<11} {'stale s':>8} {'recover s':>10} {'key ms':>7}  note")
    failed = 0
    for screen in screens:
        for fault in faults:
            result = await run_cell(fault, screen)
            if isinstance(result, str):
                failed += 1
                print(f"{fault.name:<17} {screen.name:<11} {'':>8} {'':>10} {'':>7}  {result}")
                continue
            note = ",".join(result.notes)
            print(
                f"{fault.name:<17} {screen.name:<11} {figure(result.stale_s):>8} "
                f"{figure(result.recover_s):>10} {result.slowest_key_ms:>7.0f}  {note}",
                flush=True,
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
