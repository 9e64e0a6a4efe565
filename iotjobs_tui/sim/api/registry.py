"""Operation handlers, keyed by (service signing name, operation name).

The protocol layer has already routed, parsed and validated the request against the botocore
model; a handler gets a `RequestContext` and the operation's input members as a plain dict
(absent members are absent), and returns the output members as a dict (or None for an empty
body). Timestamps may be returned as epoch-second floats or aware datetimes; the protocol layer
serializes them per the output shape and drops members the model does not define.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from iotjobs_tui.sim.api.host import ApiHost

from iotjobs_tui.sim.wire.planes import CONTROL as CONTROL
from iotjobs_tui.sim.wire.planes import DEVICE as DEVICE


@dataclass(frozen=True)
class RequestContext:
    emulator: ApiHost
    service: str  # CONTROL or DEVICE
    region: str
    account_id: str
    operation: str
    base_url: str  # e.g. "http://127.0.0.1:5055", for URLs the emulator hands out
    host: str = ""  # the request's Host header (host:port), as the client addressed us


Handler = Callable[[RequestContext, dict[str, Any]], dict[str, Any] | None]

HandlerTable = dict[tuple[str, str], Handler]


class Operations:
    """One handler module's operations: each module fills its own, and `handlers.collect()`
    joins them in an explicit list (no import-time registration into a shared global)."""

    def __init__(self) -> None:
        self.table: HandlerTable = {}

    def operation(self, service: str, name: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.table[(service, name)] = fn
            return fn

        return register


def join(*parts: Operations) -> HandlerTable:
    joined: HandlerTable = {}
    for part in parts:
        for key, fn in part.table.items():
            if key in joined:
                raise RuntimeError(f"duplicate handler for {key[0]} {key[1]}")
            joined[key] = fn
    return joined
