"""Launch to first job rows in a real terminal (tmux), against `aws iot list-jobs`.

Both talk to the same local emulator holding 1,000 jobs (as the issue specifies): the CLI
follows every page, the TUI shows rows as soon as the first page arrives. Both are timed the
same way: launched in a tmux pane, from the launch until a job id is visible in that pane
(the CLI prints only when it has every page). The CLI is also timed writing to a pipe, with
no terminal, the cheaper figure that earlier versions of this benchmark used as the base.
Prints medians and the ratios TUI / CLI (the target is <= 1.0).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time

from _common import (
    BIN,
    ENV,
    REGION,
    WatchedPane,
    compile_bytecode,
    median,
    need,
    start_emulator,
    tmux,
    wait_in_pane,
)

RUNS = 7
JOBS = 1000  # the issue measures against an emulator holding 1,000 jobs


def cli_tmux_time(url: str, run: int) -> float | None:
    """Seconds from launching `aws iot list-jobs` in a pane until it has written a job id."""
    # The shell sleeps after the CLI exits so the session outlives it.
    pane = WatchedPane(
        f"cli{run}", f"sh -c 'aws iot list-jobs --endpoint-url {url} --region {REGION}; sleep 30'"
    )
    try:
        pane.go()
        return pane.wait_for("bench-job-")
    finally:
        pane.close()


def cli_time(url: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        ["aws", "iot", "list-jobs", "--endpoint-url", url, "--region", "us-east-1"],
        env=ENV,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def tui_time(url: str, run: int, cache_home: str) -> tuple[float, float, float] | None:
    """(first paint, first job rows, live rows) in seconds from launch.

    With a warm cache the first rows are last session's (title "cached …, connecting…") and
    the live ones replace them; with a cold cache the first rows are live.
    """
    keys = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED")
    env = {key: ENV[key] for key in keys} | {"XDG_CACHE_HOME": cache_home}
    pane = WatchedPane(
        f"launch{run}", f"{BIN}/iotjobs-tui --endpoint-url {url} --region {REGION}", env
    )
    try:
        pane.go()
        # The column header is the first paint; a job id proves rows arrived.
        painted = pane.wait_for("Job ID")
        rows = pane.wait_for("bench-job-")
        # Live rows replace cached ones: polled (every 20 ms), as the screen must be read.
        live = wait_in_pane(pane.session, "bench-job-", absent="cached", interval=0.02)
        live_at = None if live is None else pane.elapsed()
    finally:
        pane.close()
    if painted is None or rows is None or live_at is None:
        return None
    return painted, rows, live_at


def warm_cache(url: str, cache_home: str) -> None:
    """One full launch, long enough for the whole list to load and be cached."""
    tmux("new-session", "-d", "-s", "warmup", "-x", "120", "-y", "40", "-e",
         f"XDG_CACHE_HOME={cache_home}", "-e", f"AWS_ACCESS_KEY_ID={ENV['AWS_ACCESS_KEY_ID']}",
         "-e", f"AWS_SECRET_ACCESS_KEY={ENV['AWS_SECRET_ACCESS_KEY']}",
         f"{BIN}/iotjobs-tui --endpoint-url {url} --region us-east-1")  # fmt: skip
    wait_in_pane("warmup", "bench-job-", timeout=30)
    time.sleep(3)
    tmux("kill-session", "-t", "warmup")


def _line(label: str, values: list[float]) -> str:
    return (
        f"{label:<38} median {median(values) * 1000:5.0f} ms "
        f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"
    )


def main() -> int:
    need("tmux")
    need("aws")
    compile_bytecode()
    _emulator, server, url = start_emulator(JOBS)
    try:
        tmux("new-session", "-d", "-s", "keepalive")  # server start-up is not counted
        with tempfile.TemporaryDirectory() as warm_home:
            warm_cache(url, warm_home)
            cli: list[float] = []
            cli_pane: list[float] = []
            cold: list[tuple[float, float, float]] = []
            warm: list[tuple[float, float, float]] = []
            for run in range(RUNS):  # interleaved so machine noise hits all three alike
                cli.append(cli_time(url))
                pane_time = cli_tmux_time(url, run)
                if pane_time is None:
                    print("aws iot list-jobs never showed a job in its pane", file=sys.stderr)
                    return 1
                cli_pane.append(pane_time)
                with tempfile.TemporaryDirectory() as cold_home:
                    cold_run = tui_time(url, run, cold_home)
                warm_run = tui_time(url, run + 100, warm_home)
                if cold_run is None or warm_run is None:
                    print("the TUI never showed a job row", file=sys.stderr)
                    return 1
                cold.append(cold_run)
                warm.append(warm_run)
        print(f"jobs in the emulator                   {JOBS}")
        print(_line("aws iot list-jobs, in a tmux pane", cli_pane))
        print(_line("aws iot list-jobs, to a pipe", cli))
        print(_line("iotjobs-tui first paint", [c[0] for c in cold]))
        print(_line("iotjobs-tui first rows, cold cache", [c[1] for c in cold]))
        print(_line("iotjobs-tui first rows, warm cache", [w[1] for w in warm]))
        print(_line("iotjobs-tui live rows, warm cache", [w[2] for w in warm]))
        cold_rows = median([c[1] for c in cold])
        warm_rows = median([w[1] for w in warm])
        for label, base in (("in a pane", median(cli_pane)), ("to a pipe", median(cli))):
            print(f"ratio first rows / cli {label}, cold cache  {cold_rows / base:.2f}")
            print(f"ratio first rows / cli {label}, warm cache  {warm_rows / base:.2f}")
        print("target: ratio <= 1.0")
    finally:
        tmux("kill-server")
        server.stop_thread()
    return 0


if __name__ == "__main__":
    sys.exit(main())
