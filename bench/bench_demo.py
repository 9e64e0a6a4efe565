"""`iotjobs-tui --demo` in a real terminal (tmux): launch to the first frame and to fleet rows.

The issue's target: `make demo` shows the fleet within two seconds on this 2-core machine.
The demo loads its emulator (about 2,000 devices and 100,000 meters) in the same process
after the first frame, then lists the jobs through aioboto3 like any other endpoint.
"""

from __future__ import annotations

import sys
import time

from _common import BIN, WatchedPane, compile_bytecode, median, need, tmux

RUNS = 5
NEEDLE = "cert-rotation"  # a demo job id on the first screen


def main() -> int:
    need("tmux")
    compile_bytecode()
    tmux("new-session", "-d", "-s", "keepalive")  # server start-up is not counted
    paint: list[float] = []
    rows: list[float] = []
    try:
        for run in range(RUNS):
            pane = WatchedPane(f"demo{run}", f"{BIN}/iotjobs-tui --demo")
            try:
                pane.go()
                painted = pane.wait_for("Job ID")
                shown = pane.wait_for(NEEDLE)
            finally:
                pane.close()
            if painted is None or shown is None:
                print("the demo never showed its fleet", file=sys.stderr)
                return 1
            paint.append(painted)
            rows.append(shown)
            time.sleep(0.5)
    finally:
        tmux("kill-server")
    print(
        f"demo first paint      median {median(paint) * 1000:5.0f} ms (max {max(paint) * 1000:.0f})"
    )
    print(
        f"demo fleet rows       median {median(rows) * 1000:5.0f} ms (max {max(rows) * 1000:.0f})"
    )
    print("target: fleet rows within 2,000 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
