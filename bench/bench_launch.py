"""Launch to first job rows in a real terminal (tmux), against `aws iot list-jobs`.

Both talk to the same local emulator holding 1,000 jobs (as the issue specifies): the CLI
follows every page, the TUI shows rows as soon as the first page arrives. Prints medians and
the ratio TUI / CLI (the target is <= 1.0).
"""

from __future__ import annotations

import subprocess
import sys
import time

from _common import BIN, ENV, median, need, start_emulator, tmux, wait_in_pane

RUNS = 7
JOBS = 1000  # the issue measures against an emulator holding 1,000 jobs


def cli_time(url: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        ["aws", "iot", "list-jobs", "--endpoint-url", url, "--region", "us-east-1"],
        env=ENV,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def tui_time(url: str, run: int) -> tuple[float, float] | None:
    session = f"launch{run}"
    command = f"{BIN}/iotjobs-tui --endpoint-url {url} --region us-east-1"
    keys = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED")
    env = [arg for key in keys for arg in ("-e", f"{key}={ENV[key]}")]
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", *env, command)
    # The column header is the first paint; a job id proves data arrived.
    painted = wait_in_pane(session, "Job ID", timeout=30)
    rows = wait_in_pane(session, "bench-job-", timeout=30)
    tmux("kill-session", "-t", session)
    if painted is None or rows is None:
        return None
    return painted, painted + rows


def main() -> int:
    need("tmux")
    need("aws")
    _emulator, server, url = start_emulator(JOBS)
    try:
        tmux("new-session", "-d", "-s", "keepalive")  # server start-up is not counted
        cli, paint, tui = [], [], []
        for run in range(RUNS):  # interleaved so machine noise hits both alike
            cli.append(cli_time(url))
            elapsed = tui_time(url, run)
            if elapsed is None:
                print("the TUI never showed a job row", file=sys.stderr)
                return 1
            paint.append(elapsed[0])
            tui.append(elapsed[1])
        print(f"jobs in the emulator         {JOBS}")
        print(f"aws iot list-jobs            median {median(cli) * 1000:.0f} ms "
              f"(min {min(cli) * 1000:.0f}, max {max(cli) * 1000:.0f})")  # fmt: skip
        print(f"iotjobs-tui first paint      median {median(paint) * 1000:.0f} ms "
              f"(min {min(paint) * 1000:.0f}, max {max(paint) * 1000:.0f})")  # fmt: skip
        print(f"iotjobs-tui first job rows   median {median(tui) * 1000:.0f} ms "
              f"(min {min(tui) * 1000:.0f}, max {max(tui) * 1000:.0f})")  # fmt: skip
        print(f"ratio tui / cli              {median(tui) / median(cli):.2f}  (target <= 1.0)")
    finally:
        tmux("kill-server")
        server.stop_thread()
    return 0


if __name__ == "__main__":
    sys.exit(main())
