"""Command line: `iotjobs-tui [options]` opens the TUI; `iotjobs-tui sim` runs the emulator.

Heavy imports (Textual, aioboto3, aiohttp) happen only after the arguments are understood, so
`--help` and misuse are instant, and the TUI can paint before the AWS stack is imported.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

PROG = "iotjobs-tui"


class _Parser(argparse.ArgumentParser):
    """argparse, but misuse is one line on stderr and exit code 2, never a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _number(low: float, high: float, unit: str = "") -> Callable[[str], float]:
    """An argparse type: a finite number from `low` to `high` (nan, inf and 1e-9 are refused)."""
    unit = f" {unit}" if unit else ""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} is not between {low:g} and {high:g}{unit}")
        return value

    parse.__name__ = "number"  # argparse names the type in some messages
    return parse


def _whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{text!r} must be {low} or more")
        if value > high:
            raise argparse.ArgumentTypeError(f"{text!r} must be {high} or less")
        return value

    parse.__name__ = "whole number"
    return parse


# Refresh intervals match the `+`/`-` steps' range at the low end (1 s: a faster poll only
# burns the account's API quota) and stop at an hour; the emulator's clock may be frozen (0).
_interval = _number(1, 3600, "seconds")
_executions_pause = _number(0, 60, "seconds")
_speed = _number(0, 10_000)
_seed = _whole_number(0, 2**63 - 1)
_execution_number = _whole_number(1, 2**63 - 1)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 65535")
    return value


def _endpoint_url(text: str) -> str:
    from iotjobs_tui.aws.errors import endpoint_problem  # stdlib only: --help stays instant

    problem = endpoint_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(f"{text!r} is not an endpoint URL: {problem}")
    return text


def _fault_flag(parse_name: str) -> Any:
    """An argparse type for a `sim` fault flag, parsed by `iotjobs_tui.sim.faults.<parse_name>`.

    The faults module (and the botocore models it checks names against) is imported only when
    the flag is used, so `--help` stays instant.
    """

    def parse(text: str) -> Any:
        from iotjobs_tui.sim import faults

        try:
            return getattr(faults, parse_name)(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = parse_name.removeprefix("parse_").replace("_", "-")
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
        type=_endpoint_url,
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
        type=_interval,
        default=None,
        metavar="SECONDS",
        help="job detail refresh interval, 1 to 3600 (default 5)",
    )
    view.add_argument(
        "--list-refresh",
        type=_interval,
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
        type=_execution_number,
        metavar="N",
        help="with --job and --thing: open this execution number (default: the latest)",
    )
    view.add_argument(
        "--executions-pause",
        type=_executions_pause,
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
        type=_speed,
        default=None,
        metavar="X",
        help="with --demo: clock speed, 0 to 10000; 1 is real time, 60 a minute per second, "
        "0 frozen (default 1)",
    )
    demo.add_argument(
        "--seed", type=_seed, default=None, metavar="N", help="with --demo: fleet seed (default 1)"
    )

    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
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
    sim.add_argument("--port", type=_port, default=5055, help="port (0 picks a free one)")
    sim.add_argument(
        "--scenario",
        default="empty",
        help="initial state: empty (default), or demo (about 2,000 devices, 40 jobs and a "
        "100,000-device rollout)",
    )
    sim.add_argument("--seed", type=_seed, default=1, help="seed for the scenario (default 1)")
    sim.add_argument(
        "--speed",
        type=_speed,
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
        type=_fault_flag("parse_tps"),
        action="append",
        default=[],
        metavar="OPERATION=N",
        help="rate limit for one operation, e.g. DescribeJob=5 or iot-jobs-data:read=50; "
        "0 throttles every call (repeatable)",
    )
    faults.add_argument(
        "--error-rate",
        type=_fault_flag("parse_error_rate"),
        action="append",
        default=[],
        metavar="CODE=SHARE",
        help="share (0..1) of requests answered with ThrottlingException, "
        "ServiceUnavailableException or InternalFailure (repeatable)",
    )
    faults.add_argument(
        "--latency",
        type=_fault_flag("parse_latency"),
        default=(0.0, 0.0),
        metavar="MS[:JITTER_MS]",
        help="delay added to every request, plus up to JITTER_MS at random",
    )
    _add_watch_parser(sub)
    return parser


def _add_watch_parser(sub: Any) -> None:
    """`watch JOB_ID`: headless, for CI gates (iotjobs_tui.watch). The connection flags are
    repeated here so they may follow the subcommand; SUPPRESS keeps a value given before it."""
    watch = sub.add_parser(
        "watch",
        help="watch one job headless until it is done, for CI gates (exit 0 done, 1 gate "
        "failed, 2 misuse, 3 timed out, 4 cannot watch)",
        description=(
            "Poll one job with DescribeJob and print a line each time its status or execution "
            "counts change, then a JSON summary. Exit codes: 0 done, 1 a --fail-on gate failed "
            "or the job was canceled or deleted (unless --until aborted), 2 misuse, "
            "3 --timeout, 4 cannot watch (a permanent AWS error such as AccessDenied or an "
            "unknown job), 130 interrupted."
        ),
    )
    watch.add_argument("job_id", type=_job_id, metavar="JOB_ID", help="the job to watch")
    watch.add_argument(
        "--until",
        type=_watch_until,
        default="done",
        metavar="done|aborted|N%",
        help="done (default): the job is COMPLETED, CANCELED or being deleted; aborted: it is "
        "CANCELED; N%%: N %% of the rollout's executions are finished",
    )
    watch.add_argument(
        "--fail-on",
        type=_watch_gates,
        default=(),
        metavar="CONDITIONS",
        help="comma-separated, checked at every poll: aborted, failed>X%%, rejected>X%%, "
        "timed_out>X%%, all>X%% (of the executions so far), or a count such as failed>5",
    )
    watch.add_argument(
        "--json", action="store_true", help="print the change lines as JSON lines too"
    )
    watch.add_argument(
        "--interval",
        type=_interval,
        default=10.0,
        metavar="SECONDS",
        help="seconds between DescribeJob calls, 1 to 3600 (default 10; more if throttled)",
    )
    watch.add_argument(
        "--timeout",
        type=_number(1, 30 * 86400, "seconds"),
        default=None,
        metavar="SECONDS",
        help="give up after this long with exit code 3 (default: never)",
    )
    aws = watch.add_argument_group("AWS connection (as the AWS CLI)")
    aws.add_argument("--profile", default=argparse.SUPPRESS, help="named profile")
    aws.add_argument("--region", default=argparse.SUPPRESS, help="AWS region")
    aws.add_argument(
        "--endpoint-url",
        type=_endpoint_url,
        default=argparse.SUPPRESS,
        metavar="URL",
        help="IoT control-plane endpoint",
    )
    demo = watch.add_argument_group("demo")
    demo.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="watch a job of the built-in emulator's demo fleet, run in this process",
    )
    demo.add_argument(
        "--speed",
        type=_speed,
        default=argparse.SUPPRESS,
        metavar="X",
        help="with --demo: clock speed, 0 to 10000 (default 1)",
    )
    demo.add_argument(
        "--seed",
        type=_seed,
        default=argparse.SUPPRESS,
        metavar="N",
        help="with --demo: fleet seed (default 1)",
    )


_JOB_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")  # DescribeJob's jobId pattern and length


def _job_id(text: str) -> str:
    if not _JOB_ID.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a job id (1 to 64 letters, digits, - and _)"
        )
    return text


def _watch_until(text: str) -> Any:
    from iotjobs_tui.aws.gate import parse_until  # stdlib only: --help stays instant

    try:
        return parse_until(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _watch_gates(text: str) -> Any:
    from iotjobs_tui.aws.gate import parse_gates

    try:
        return parse_gates(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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
