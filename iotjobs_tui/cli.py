"""Command line: `iotjobs-tui [options]` opens the TUI; `iotjobs-tui sim` runs the emulator;
`iotjobs-tui watch JOB_ID` watches one job headless (CI gates).

Heavy imports (Textual, aioboto3, aiohttp) happen only after the arguments are understood, so
`--help` and misuse are instant, and the TUI can paint before the AWS stack is imported.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from iotjobs_tui.cli_types import (
    ArgumentParser,
    FaultAction,
    command,
    endpoint_url,
    execution_number,
    executions_pause,
    fault_flag,
    interval,
    port,
    seed,
    speed,
    switch_setting,
)
from iotjobs_tui.cli_watch import add_watch_parser

PROG = "iotjobs-tui"


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description="A terminal fleet explorer for AWS IoT Jobs.",
        epilog="Run 'iotjobs-tui sim --help' for the local IoT Jobs emulator.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    aws = parser.add_argument_group("AWS connection (as the AWS CLI)")
    aws.add_argument("--profile", help="named profile from ~/.aws/config (or AWS_PROFILE)")
    aws.add_argument("--region", help="AWS region (or AWS_REGION / AWS_DEFAULT_REGION)")
    aws.add_argument(
        "--endpoint-url",
        type=endpoint_url,
        metavar="URL",
        help="IoT control-plane endpoint (or AWS_ENDPOINT_URL_IOT / AWS_ENDPOINT_URL)",
    )
    aws.add_argument(
        "--demo",
        action="store_true",
        help="start the built-in emulator's demo fleet in this process and explore it",
    )
    view = parser.add_argument_group("view")
    view.add_argument(
        "--refresh",
        type=interval,
        default=None,
        metavar="SECONDS",
        help="job detail refresh interval, 1 to 3600 (default 5)",
    )
    view.add_argument(
        "--list-refresh",
        type=interval,
        default=None,
        metavar="SECONDS",
        help="job list refresh interval, 1 to 3600 (default 15)",
    )
    view.add_argument("--job", metavar="JOB_ID", help="open with this job selected")
    view.add_argument(
        "--thing", metavar="NAME", help="with --job: open this thing's execution of the job"
    )
    view.add_argument(
        "--execution-number",
        type=execution_number,
        metavar="N",
        help="with --job and --thing: open this execution number (default: the latest)",
    )
    view.add_argument(
        "--executions-pause",
        type=executions_pause,
        default=None,
        metavar="SECONDS",
        help="pause between ListJobExecutionsForJob pages, 0 to 60 (default 0.5: at most 2 "
        "calls/s)",
    )
    view.add_argument(
        "--theme", metavar="NAME", help="colour theme (a file in themes/ or a user theme)"
    )
    view.add_argument(
        "--clipboard",
        choices=("auto", "osc52", "tmux", "off"),
        default=None,
        help="how `c` copies: OSC 52 to the terminal, wrapped for tmux passthrough, or off "
        "(default auto)",
    )
    view.add_argument(
        "--alerts",
        action="store_true",
        default=None,
        help="alert on the watched job: abort close, aborted, completed, stuck executions, "
        "stale data (default off)",
    )
    view.add_argument(
        "--alert-delivery",
        choices=("bel", "osc9", "osc777"),
        default=None,
        help="how an alert reaches the terminal: a bell, or an OSC 9 / OSC 777 desktop "
        "notification (default bel; turns alerts on)",
    )
    view.add_argument(
        "--on-alert",
        type=command,
        default=None,
        metavar="CMD",
        help="run CMD (no shell) on each alert, with IOTJOBS_JOB_ID, IOTJOBS_EVENT, "
        "IOTJOBS_SUCCEEDED… in its environment (turns alerts on)",
    )
    view.add_argument(
        "--local-time",
        action="store_true",
        help="show times in this machine's time zone (default: UTC, as AWS does)",
    )
    view.add_argument(
        "--read-write",
        action="store_true",
        default=None,
        help="allow writes (cancel a job, cancel or delete an execution), each after a typed "
        "confirmation; default read-only",
    )
    view.add_argument(
        "--no-cache",
        action="store_true",
        help="don't show (or save) the last job list while connecting",
    )
    view.add_argument(
        "--no-prefetch",
        action="store_true",
        help="don't fetch the first job page in a helper process while the app starts",
    )
    files = parser.add_argument_group("files")
    files.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default: config.toml in the user config directory, if present)",
    )
    files.add_argument(
        "--log-file", metavar="PATH", help="log file (default: the user log directory)"
    )
    files.add_argument(
        "--log-level",
        choices=("debug", "info", "warning", "error"),
        default=None,
        help="what to log (default info: API errors, retries, throttles, writes, refresh "
        "state changes; never credentials)",
    )
    demo = parser.add_argument_group("demo")
    demo.add_argument(
        "--speed",
        type=speed,
        default=None,
        metavar="X",
        help="with --demo: clock speed, 0 to 10000; 1 is real time, 60 a minute per second, "
        "0 frozen (default 1)",
    )
    demo.add_argument(
        "--seed", type=seed, default=None, metavar="N", help="with --demo: fleet seed (default 1)"
    )

    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    sim = sub.add_parser(
        "sim",
        help="run the local AWS IoT Jobs emulator in the foreground",
        description=(
            "Run the local AWS IoT Jobs emulator. It speaks the AWS IoT control plane and the "
            "iot-jobs-data device plane over HTTP; point any AWS SDK or the AWS CLI at it with "
            "--endpoint-url and any credentials."
        ),
    )
    sim.add_argument(
        "--host",
        default=None,
        help="address to bind (default 127.0.0.1; anything else must be asked for explicitly)",
    )
    sim.add_argument("--port", type=port, default=5055, help="port (0 picks a free one)")
    sim.add_argument(
        "--scenario",
        default="empty",
        help="initial state: empty (default), or demo (about 2,000 devices, 40 jobs and a "
        "100,000-device rollout)",
    )
    sim.add_argument("--seed", type=seed, default=1, help="seed for the scenario (default 1)")
    sim.add_argument(
        "--speed",
        type=speed,
        default=1.0,
        metavar="X",
        help="virtual clock speed, 0 to 10000: 1 is real time, 0 freezes it (default 1)",
    )
    faults = sim.add_argument_group(
        "faults",
        "Throttling at the AWS default rates (10 TPS per control-plane job API, 200 TPS for "
        "each of the device plane's read and write pairs) is on unless --no-throttle. Change "
        "any of it while running with GET/POST /_sim/faults.",
    )
    faults.add_argument(
        "--no-throttle",
        action="store_true",
        help="no default rate limits (explicit --tps limits still apply)",
    )
    faults.add_argument(
        "--tps",
        type=fault_flag("parse_tps"),
        action="append",
        default=[],
        metavar="OPERATION=N",
        help="rate limit for one operation, e.g. DescribeJob=5 or iot-jobs-data:read=50; "
        "0 throttles every call (repeatable)",
    )
    faults.add_argument(
        "--error-rate",
        type=fault_flag("parse_error_rate"),
        action="append",
        default=[],
        metavar="CODE=SHARE",
        help="share (0..1) of requests answered with ThrottlingException, "
        "ServiceUnavailableException or InternalFailure (repeatable)",
    )
    faults.add_argument(
        "--latency",
        type=fault_flag("parse_latency"),
        default=(0.0, 0.0),
        metavar="MS[:JITTER_MS]",
        help="delay added to every request, plus up to JITTER_MS at random",
    )
    faults.add_argument(
        "--fault",
        nargs="+",
        action=FaultAction,
        default=[],
        metavar=("KIND", "KEY=VALUE"),
        help="a fault, e.g. `error AccessDenied ops=DescribeJob`, `credentials AKID1,AKID2 "
        "expires_in=300`, `unknown-enum status`, `drop-member`, `extra-member`, `wrong-type`, "
        "`long-string`, `replace MEMBER value=V`, `reset`, `truncate`, `html`, `drip`, "
        "`latency 500 ops=ListJobs`; common keys: ops=OP,OP (default all), share=0..1, "
        "name=N (see README; repeatable)",
    )
    emulator = sim.add_argument_group(
        "switches",
        "Every documented limit and every undocumented choice is a named switch (see "
        "--list-switches); change them while running with GET/POST /_sim/config.",
    )
    emulator.add_argument(
        "--set",
        type=switch_setting,
        action="append",
        default=[],
        dest="switches",
        metavar="NAME=VALUE",
        help="set a switch, e.g. max_concurrent_jobs=500 or list_newest_first=false; none "
        "lifts a limit (repeatable; wins over --config)",
    )
    emulator.add_argument(
        "--config",
        dest="sim_config",
        metavar="FILE",
        help="a TOML file of switches (NAME = VALUE lines)",
    )
    emulator.add_argument(
        "--list-switches",
        action="store_true",
        help="print every switch with its default and where that value comes from, and exit",
    )
    # For `--demo`, which runs the emulator as a child process: it ends when the app does.
    sim.add_argument("--until-stdin-closes", action="store_true", help=argparse.SUPPRESS)
    add_watch_parser(sub)
    return parser


def _version() -> str:
    from iotjobs_tui import __version__

    return __version__


def _not_a_terminal() -> str | None:
    """'standard output' (or 'standard error', where Textual paints) when that stream is not a
    terminal, else None. The process's own streams, not pytest's or a redirect's."""
    for name, stream in (("standard output", sys.__stdout__), ("standard error", sys.__stderr__)):
        try:
            if stream is None or not stream.isatty():
                return name
        except ValueError:  # closed
            return name
    return None


def _load_config(path: str | None) -> Any:
    """The config file's settings, or one line and exit 2 naming the file, key and problem."""
    from iotjobs_tui.common.config import ConfigError, load

    try:
        return load(path)
    except ConfigError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "watch":
        from iotjobs_tui.watch import main as watch_main  # no Textual: see iotjobs_tui.watch

        return watch_main(args)
    if args.command == "sim":
        if args.list_switches:
            from iotjobs_tui.sim.switches import describe

            print(describe())
            return 0
        from iotjobs_tui.sim.runner import run_foreground

        return run_foreground(
            host=args.host or "127.0.0.1",
            port=args.port,
            scenario=args.scenario,
            seed=args.seed,
            speed=args.speed,
            throttle=not args.no_throttle,
            tps=args.tps,
            error_rates=args.error_rate,
            latency=args.latency,
            faults=args.fault,
            switch_settings=args.switches,
            config_file=args.sim_config,
            until_stdin_closes=args.until_stdin_closes,
        )
    if args.thing and not args.job:
        parser.error("--thing needs --job")
    if args.execution_number is not None and not args.thing:
        parser.error("--execution-number needs --thing")
    if not args.demo and (args.speed is not None or args.seed is not None):
        parser.error("--speed and --seed only apply to --demo")
    if args.demo and (args.endpoint_url or args.profile):
        parser.error("--demo runs against the built-in emulator; drop --endpoint-url/--profile")
    config = _load_config(args.config)
    stream = _not_a_terminal()
    if stream is not None:
        # The screen would be escape codes in a pipe or a file: refuse before the heavy imports,
        # the helper process and any AWS call.
        print(
            f"{PROG}: {stream} is not a terminal; run it in one "
            f"(or use `{PROG} sim` for the emulator)",
            file=sys.stderr,
            flush=True,
        )
        return 2
    from iotjobs_tui.common import gc_pause

    gc_pause.hold()  # released once the first job rows are on screen (see gc_pause)
    try:
        from iotjobs_tui.launch import launch

        return launch(args, config)
    finally:
        gc_pause.release()


if __name__ == "__main__":
    sys.exit(main())
