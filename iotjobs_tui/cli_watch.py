"""The `watch` subcommand's arguments (the command itself is iotjobs_tui.watch)."""

from __future__ import annotations

import argparse
from typing import Any

from iotjobs_tui.cli_types import (
    endpoint_url,
    interval,
    job_id,
    number,
    seed,
    speed,
    watch_gates,
    watch_until,
)


def add_watch_parser(sub: Any) -> None:
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
    watch.add_argument("job_id", type=job_id, metavar="JOB_ID", help="the job to watch")
    watch.add_argument(
        "--until",
        type=watch_until,
        default="done",
        metavar="done|aborted|N%",
        help="done (default): the job is COMPLETED, CANCELED or being deleted; aborted: it is "
        "CANCELED; N%%: N %% of the rollout's executions are finished",
    )
    watch.add_argument(
        "--fail-on",
        type=watch_gates,
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
        type=interval,
        default=10.0,
        metavar="SECONDS",
        help="seconds between DescribeJob calls, 1 to 3600 (default 10; more if throttled)",
    )
    watch.add_argument(
        "--timeout",
        type=number(1, 30 * 86400, "seconds"),
        default=None,
        metavar="SECONDS",
        help="give up after this long with exit code 3 (default: never)",
    )
    aws = watch.add_argument_group("AWS connection (as the AWS CLI)")
    aws.add_argument("--profile", default=argparse.SUPPRESS, help="named profile")
    aws.add_argument("--region", default=argparse.SUPPRESS, help="AWS region")
    aws.add_argument(
        "--endpoint-url",
        type=endpoint_url,
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
        type=speed,
        default=argparse.SUPPRESS,
        metavar="X",
        help="with --demo: clock speed, 0 to 10000 (default 1)",
    )
    demo.add_argument(
        "--seed",
        type=seed,
        default=argparse.SUPPRESS,
        metavar="N",
        help="with --demo: fleet seed (default 1)",
    )
