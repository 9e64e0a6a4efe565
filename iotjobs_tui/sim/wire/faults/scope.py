"""Names and checks shared by the fault modules: operation names, scopes and number checks.

A scope is the set of operations a fault applies to. Users name operations as the model does
(`DescribeJob`), in boto3 or AWS CLI spelling (`describe_job`, `describe-job`), qualified by
service when both planes have the name (`iot-jobs-data:DescribeJobExecution`), a whole plane
(`iot:*`, `iot-jobs-data:*`), the device plane's shared buckets (`iot-jobs-data:read`,
`iot-jobs-data:write`), or everything (`*` or `all`, the default).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from iotjobs_tui.sim.wire import model
from iotjobs_tui.sim.wire.planes import CONTROL, DEVICE

ALL = "*"
_ALL_SPELLINGS = frozenset({"*", "all"})
# The device plane's shared TPS buckets, as scopes: the operations that draw from each.
_PAIRS = {
    "read": ("DescribeJobExecution", "GetPendingJobExecutions"),
    "write": ("StartNextPendingJobExecution", "UpdateJobExecution"),
}


def squash(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


@cache
def operations() -> dict[str, dict[str, str]]:
    """{squashed name: {service: Operation}} over both models."""
    found: dict[str, dict[str, str]] = {}
    for service in model.SERVICES:
        for name in model.operation_names(service):
            found.setdefault(squash(name), {})[service] = name
    return found


def unknown_operation(operation: str, service: str | None) -> str:
    """The message for a name that is no operation, with the nearest one as a hint."""
    services = [service] if service else list(model.SERVICES)
    names = [op for svc in services for op in model.operation_names(svc)]
    close = difflib.get_close_matches(operation, names, n=1)
    where = f"the {service}" if service else f"the {CONTROL} or {DEVICE}"
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown operation {operation!r}: not in {where} model{hint}"


def resolve_operation(name: str) -> tuple[str, str]:
    """A user's operation name -> (service, Operation); ValueError with a clear message."""
    service, sep, operation = name.strip().rpartition(":")
    if sep and service not in model.SERVICES:
        raise ValueError(f"unknown service {service!r} in {name!r} (use {CONTROL} or {DEVICE})")
    by_service = operations().get(squash(operation), {})
    if sep:
        found = by_service.get(service)
        if found is None:
            raise ValueError(unknown_operation(operation, service))
        return service, found
    if not by_service:
        raise ValueError(unknown_operation(operation, None))
    if len(by_service) > 1:
        choices = " or ".join(f"{svc}:{op}" for svc, op in sorted(by_service.items()))
        raise ValueError(f"{operation!r} is in both {CONTROL} and {DEVICE}; write {choices}")
    ((svc, op),) = by_service.items()
    return svc, op


def _scope_entries(name: str) -> list[str]:
    text = name.strip()
    service, sep, rest = text.rpartition(":")
    if sep and service in model.SERVICES and rest == ALL:
        return [f"{service}:{ALL}"]
    if sep and service == DEVICE and rest in _PAIRS:
        return [f"{DEVICE}:{op}" for op in _PAIRS[rest]]
    svc, op = resolve_operation(text)
    return [f"{svc}:{op}"]


@dataclass(frozen=True)
class Scope:
    """The operations a fault applies to: None for all, else "service:Operation" entries
    (or "service:*" for a whole plane)."""

    entries: frozenset[str] | None = None

    def matches(self, service: str, operation: str) -> bool:
        entries = self.entries
        return entries is None or f"{service}:{operation}" in entries or f"{service}:*" in entries

    def to_json(self) -> str | list[str]:
        return ALL if self.entries is None else sorted(self.entries)


def parse_scope(value: Any, what: str = "operations") -> Scope:
    """A scope from JSON (null, "*", a comma-separated string or a list of names)."""
    if value is None:
        return Scope()
    if isinstance(value, str):
        names: Iterable[Any] = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, list):
        names = value
    else:
        raise ValueError(f"{what} must be a list of operation names or {ALL!r}, not {value!r}")
    entries: set[str] = set()
    for name in names:
        if not isinstance(name, str):
            raise ValueError(f"{what} must hold operation names, not {name!r}")
        if name.strip().lower() in _ALL_SPELLINGS:
            return Scope()
        entries.update(_scope_entries(name))
    if not entries:
        raise ValueError(f"{what} is empty: name one or more operations, or {ALL!r} for all")
    return Scope(frozenset(entries))


# -- number checks -----------------------------------------------------------------------------


def number(value: Any, what: str, *, low: float = 0.0, high: float = math.inf) -> float:
    """`value` as a finite float in [low, high]; ValueError naming `what` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} must be a number, not {value!r}")
    result = float(value)
    if not math.isfinite(result) or result < low or result > high:
        bound = f"between {low:g} and {high:g}" if math.isfinite(high) else f"{low:g} or more"
        raise ValueError(f"{what} must be {bound}, not {value!r}")
    return result


def whole(value: Any, what: str, *, low: int = 0, high: int = 2**31 - 1) -> int:
    """`value` as an int in [low, high]; ValueError naming `what` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{what} must be a whole number from {low} to {high}, not {value!r}")
    return value


def split_pair(text: str, what: str) -> tuple[str, str]:
    """`NAME=VALUE` -> (NAME, VALUE), both stripped and non-empty."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise ValueError(f"expected {what}, got {text!r}")
    return name.strip(), value.strip()


def to_float(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a number") from None
