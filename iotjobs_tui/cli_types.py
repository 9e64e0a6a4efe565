"""argparse types and the parser class: each value checked as it is parsed, so misuse is one
line and exit code 2 (never a traceback), before anything heavy is imported."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable
from typing import Any, NoReturn


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but misuse is one line on stderr and exit code 2, never a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def number(low: float, high: float, unit: str = "") -> Callable[[str], float]:
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


def whole_number(low: int, high: int) -> Callable[[str], int]:
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
interval = number(1, 3600, "seconds")
executions_pause = number(0, 60, "seconds")
speed = number(0, 10_000)
seed = whole_number(0, 2**63 - 1)
execution_number = whole_number(1, 2**63 - 1)


def port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 65535")
    return value


def endpoint_url(text: str) -> str:
    from iotjobs_tui.aws.errors import endpoint_problem  # stdlib only: --help stays instant

    problem = endpoint_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(f"{text!r} is not an endpoint URL: {problem}")
    return text


def fault_flag(parse_name: str) -> Any:
    """An argparse type for a `sim` fault flag, parsed by `sim.wire.faults.injector.<parse_name>`.

    The faults module (and the botocore models it checks names against) is imported only when
    the flag is used, so `--help` stays instant.
    """

    def parse(text: str) -> Any:
        from iotjobs_tui.sim.wire.faults import injector as faults

        try:
            return getattr(faults, parse_name)(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = parse_name.removeprefix("parse_").replace("_", "-")
    return parse


def switch_setting(text: str) -> tuple[str, Any]:
    """`sim --set NAME=VALUE`: (name, value), parsed by the switch's type in
    `sim/switches.py` (imported only when the flag is used, so `--help` stays instant)."""
    from iotjobs_tui.sim.switches import parse_setting

    try:
        return parse_setting(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


switch_setting.__name__ = "switch"


class FaultAction(argparse.Action):
    """`--fault KIND [VALUE] [KEY=VALUE ...]` (repeatable): appends (name or None, rule), parsed
    by `iotjobs_tui.sim.wire.faults.rules` (imported only when the flag is used)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        from iotjobs_tui.sim.wire.faults.rules import parse_fault_tokens

        try:
            parsed = parse_fault_tokens(list(values))
        except ValueError as exc:
            raise argparse.ArgumentError(self, str(exc)) from None
        setattr(namespace, self.dest, [*(getattr(namespace, self.dest) or []), parsed])


def command(text: str) -> tuple[str, ...]:
    """`--on-alert`'s command, split into argv as a POSIX shell would (it runs without one)."""
    from iotjobs_tui.common.config import split_command

    try:
        return split_command(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None


_JOB_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")  # DescribeJob's jobId pattern and length


def job_id(text: str) -> str:
    if not _JOB_ID.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a job id (1 to 64 letters, digits, - and _)"
        )
    return text


def watch_until(text: str) -> Any:
    from iotjobs_tui.aws.gate import parse_until  # stdlib only: --help stays instant

    try:
        return parse_until(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def watch_gates(text: str) -> Any:
    from iotjobs_tui.aws.gate import parse_gates

    try:
        return parse_gates(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
