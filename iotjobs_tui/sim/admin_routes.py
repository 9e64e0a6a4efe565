"""The admin API under `/_sim/`, routed: health, request stats, faults and outages, the
virtual clock, and (through `admin_api`) switches and S3 objects.

- `GET /_sim/health`; `GET /_sim/stats` (counts and latencies), `POST /_sim/stats/reset`.
- `GET|POST /_sim/faults`: the fault injector's settings; `{"outage_seconds": N}` starts a
  full outage (finite, at most `MAX_OUTAGE_SECONDS`: it must end by itself).
- `GET|POST /_sim/clock`: `{"advance"|"speed"|"set": number}`, then the emulator catches up.

The server is seen through `AdminHost`; work that takes the emulator lock runs on its workers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from aiohttp import web

from iotjobs_tui.sim import admin_api
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.outage import MAX_OUTAGE_SECONDS, check_outage_seconds
from iotjobs_tui.sim.request_stats import RequestStats
from iotjobs_tui.sim.wire.faults.injector import FaultInjector

ADMIN_PREFIX = "/_sim/"

T = TypeVar("T")


class AdminHost(Protocol):
    """What the admin routes need of the server."""

    emulator: Emulator
    stats: RequestStats
    faults: FaultInjector
    base_url: str

    async def outage(self, seconds: float | None, *, keep: object = None) -> None: ...

    def outage_remaining(self) -> float | None: ...

    async def in_worker(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on a worker thread: never hold the emulator lock on the event loop."""
        ...


async def serve_admin(host: AdminHost, request: web.Request, path: str) -> web.Response:
    """Answer `request` for `/_sim/<path>`."""
    method = request.method
    if path == "health" and method == "GET":
        return web.json_response({"ok": True, "url": host.base_url})
    if path == "stats" and method == "GET":
        return web.json_response(
            {
                "total": host.stats.total(),
                "requests": host.stats.snapshot(),
                "latency_ms": host.stats.latency_ms(),
            }
        )
    if path == "stats/reset" and method == "POST":
        host.stats.reset()
        return web.json_response({"total": 0, "requests": {}})
    if path == "faults" and method == "GET":
        return web.json_response(_faults_state(host))
    if path == "faults" and method == "POST":
        try:
            document = json.loads(await request.read() or b"{}")
            if not isinstance(document, dict):
                raise ValueError("expected a JSON object")
            if not document:
                raise ValueError("expected one or more fields to change")
            outage = document.pop("outage_seconds", None)
            check_outage_seconds(outage, limit=MAX_OUTAGE_SECONDS)
            if outage is not None and math.isinf(outage):
                raise ValueError("outage_seconds must be finite")
            if document:
                host.faults.change(document)
        except (ValueError, TypeError) as exc:
            return web.json_response({"message": str(exc)}, status=400)
        if outage is not None:
            # This response still goes out; every other connection is dropped.
            await host.outage(float(outage), keep=request.protocol)
        return web.json_response(_faults_state(host))
    if path == "clock" and method == "GET":
        return web.json_response(_clock_state(host.emulator))
    if path == "clock" and method == "POST":
        try:
            document = json.loads(await request.read() or b"{}")
            if not isinstance(document, dict):
                raise ValueError("expected a JSON object")
            await host.in_worker(_change_clock, host.emulator, document)
        except (ValueError, TypeError) as exc:
            return web.json_response({"message": str(exc)}, status=400)
        return web.json_response(_clock_state(host.emulator))
    if path == "config" and method == "GET":
        return await answer(host, admin_api.get_config, host.emulator)
    if path == "config" and method == "POST":
        return await answer(host, admin_api.post_config, host.emulator, await request.read())
    if path == admin_api.OBJECTS and method == "GET":
        return await answer(host, admin_api.list_objects, host.emulator)
    if path.startswith(admin_api.OBJECTS + "/") and method == "PUT":
        where = path[len(admin_api.OBJECTS) + 1 :]
        return await answer(host, admin_api.put_object, host.emulator, where, await request.read())
    return web.json_response({"message": f"no admin endpoint {method} /_sim/{path}"}, status=404)


async def answer(
    host: AdminHost, handler: Callable[..., admin_api.Answer], *args: Any
) -> web.Response:
    """Run an `admin_api` handler on a worker thread (it takes the emulator lock)."""
    found = await host.in_worker(handler, *args)
    headers = {**found.headers, "Content-Type": found.content_type}
    return web.Response(status=found.status, body=found.body, headers=headers)


def _faults_state(host: AdminHost) -> dict[str, Any]:
    remaining = host.outage_remaining()
    return {
        **host.faults.to_json(),
        "outage_seconds_remaining": None
        if remaining is None or math.isinf(remaining)
        else round(remaining, 3),
    }


def _clock_state(emulator: Emulator) -> dict[str, float]:
    clock = emulator.clock
    return {"now": clock.now(), "speed": clock.speed}


def _change_clock(emulator: Emulator, document: dict[str, Any]) -> None:
    known = {"advance", "speed", "set"}
    if not document or not set(document) <= known:
        raise ValueError(f"expected one or more of {sorted(known)}")
    values: dict[str, float] = {}
    for key, value in document.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{key} must be a number")
        values[key] = float(value)
    clock = emulator.clock
    with emulator.lock:
        if "speed" in values:
            clock.speed = values["speed"]
        if "set" in values:
            clock.set(values["set"])
        if "advance" in values:
            clock.advance(values["advance"])
        # Let the emulator catch up now, so the admin caller sees the effect at once.
        advance = getattr(emulator, "advance", None)
        if advance is not None:
            advance()
