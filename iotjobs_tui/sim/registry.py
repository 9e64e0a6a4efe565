"""Operation handlers, registered by (service signing name, operation name).

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
    from iotjobs_tui.sim.emulator import Emulator

CONTROL = "iot"
DEVICE = "iot-jobs-data"


@dataclass(frozen=True)
class RequestContext:
    emulator: Emulator
    service: str  # CONTROL or DEVICE
    region: str
    account_id: str
    operation: str
    base_url: str  # e.g. "http://127.0.0.1:5055", for URLs the emulator hands out
    host: str = ""  # the request's Host header (host:port), as the client addressed us


Handler = Callable[[RequestContext, dict[str, Any]], dict[str, Any] | None]

HANDLERS: dict[tuple[str, str], Handler] = {}


def operation(service: str, name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        key = (service, name)
        if key in HANDLERS:
            raise RuntimeError(f"duplicate handler for {service} {name}")
        HANDLERS[key] = fn
        return fn

    return register
