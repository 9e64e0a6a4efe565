"""The emulator's HTTP server: both planes on one port, plus a small admin API under `/_sim/`.

The two services share paths (`GET /things/{t}/jobs` is ListJobExecutionsForThing on `iot` and
GetPendingJobExecutions on `iot-jobs-data`), so each request is attributed to a service by its
SigV4 credential scope, or by its Host header when unsigned. Any credentials are accepted.

Faults (`faults/injector.py`) are consulted for every routed request; the admin API reads and changes
them at `/_sim/faults`. A full outage closes the listener, so connections are refused, and
re-opens it on the same port when it ends (`set_outage()`, or `{"outage_seconds": N}`).

Parsing, validation and serialization happen outside the emulator lock; the handler (and the
emulator's catch-up step, `advance()`) run under it, on a worker thread so a long-held lock
never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import math
import re
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Coroutine, Mapping
from typing import Any

from aiohttp import web

from iotjobs_tui.sim.api import handlers
from iotjobs_tui.sim.api.registry import CONTROL, DEVICE, RequestContext
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.wire.errors import ServiceError
from iotjobs_tui.sim.wire.faults.injector import NO_FAULTS, FaultInjector
from iotjobs_tui.sim.wire.protocol import (
    INTERNAL_FAILURE,
    HttpResponse,
    not_implemented,
    parse_query,
    protocol_for,
)

log = logging.getLogger(__name__)

DEFAULT_REGION = "us-east-1"
ADMIN_PREFIX = "/_sim/"
UNKNOWN = "<unknown>"  # the operation name counted for requests that match no route
_SCOPE = re.compile(r"Credential=[^/\s,]+/\d{8}/([^/\s,]+)/([^/\s,]+)/aws4_request")
_QUERY_SCOPE = re.compile(r"^[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request$")
# e.g. data.jobs.iot.eu-west-1.amazonaws.com, iot.eu-west-1.amazonaws.com (port optional).
_HOST_REGION = re.compile(r"(?:^|\.)iot\.([a-z0-9-]+)\.amazonaws\.com(?::\d+)?$")
# An outage set over HTTP must end by itself (the admin API is on the port it closes); this
# caps it so a typo cannot lock the emulator away for a day. `set_outage()` has no cap.
MAX_OUTAGE_SECONDS = 3600.0
_REOPEN_RETRY_SECONDS = 0.1


class RequestStats:
    """Thread-safe counts of requests received, by (service, operation).

    Every request that reaches the protocol layer counts, including throttled, invalid and
    failed ones, so tests can assert that a write call was never even attempted.
    """

    # Handling times kept per operation: enough for stable percentiles, bounded memory.
    LATENCY_WINDOW = 2048

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()
        self._latency: dict[tuple[str, str], deque[float]] = {}

    def record(self, service: str, operation: str) -> None:
        with self._lock:
            self._counts[(service, operation)] += 1

    def observe(self, service: str, operation: str, seconds: float) -> None:
        """Record how long the emulator took to handle one request (parse to response)."""
        with self._lock:
            window = self._latency.get((service, operation))
            if window is None:
                window = self._latency[(service, operation)] = deque(maxlen=self.LATENCY_WINDOW)
            window.append(seconds)

    def latency_ms(self) -> dict[str, dict[str, dict[str, float]]]:
        """{service: {operation: {count, median, p95, max}}} over the recent window, in ms."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        with self._lock:
            windows = {key: sorted(values) for key, values in self._latency.items() if values}
        for (service, operation), values in sorted(windows.items()):
            n = len(values)
            out.setdefault(service, {})[operation] = {
                "count": n,
                "median": round(values[n // 2] * 1000, 3),
                "p95": round(values[min(n - 1, int(n * 0.95))] * 1000, 3),
                "max": round(values[-1] * 1000, 3),
            }
        return out

    def count(self, service: str, operation: str | None = None) -> int:
        """Requests for one operation, or for the whole service when `operation` is None."""
        with self._lock:
            if operation is not None:
                return self._counts[(service, operation)]
            return sum(n for (svc, _), n in self._counts.items() if svc == service)

    def snapshot(self) -> dict[str, dict[str, int]]:
        """{service: {operation: count}}."""
        out: dict[str, dict[str, int]] = {}
        with self._lock:
            for (service, operation), n in sorted(self._counts.items()):
                out.setdefault(service, {})[operation] = n
        return out

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._latency.clear()


def detect_service(headers: Mapping[str, str], query: Mapping[str, list[str]]) -> tuple[str, str]:
    """(service, region) from the SigV4 credential scope, else from the Host header."""
    match = _SCOPE.search(headers.get("Authorization", ""))
    if match is None and "X-Amz-Credential" in query:  # presigned URL
        match = _QUERY_SCOPE.match(query["X-Amz-Credential"][0])
    if match is not None:
        return match.group(2), match.group(1)
    host = headers.get("Host", "").lower()
    region = _HOST_REGION.search(host)
    service = DEVICE if host.startswith("data.jobs.iot") else CONTROL
    return service, region.group(1) if region else DEFAULT_REGION


def _format_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class SimServer:
    """Serves one `Emulator` over HTTP.

    Use `await start()`/`await stop()` inside an event loop, or `start_in_thread()`/
    `stop_thread()` to run it on a private loop in a daemon thread (tests, the TUI's demo).

    `faults` defaults to `FaultInjector()`, which injects nothing; pass
    `FaultInjector.aws_defaults()` for AWS's rate limits. `stats` counts every request
    received by (service, operation); `set_outage()` refuses connections for a while.
    """

    def __init__(
        self,
        emulator: Emulator,
        *,
        faults: FaultInjector | None = None,
        tick_seconds: float = 0.05,
    ) -> None:
        self.handlers = handlers.collect()
        self.emulator = emulator
        # While the clock runs, a background tick keeps the simulation caught up, so a request
        # pays only for the few events since the last tick rather than for everything since
        # the previous request (a 100,000-thing rollout at speed 60 made that 20 ms).
        self.tick_seconds = tick_seconds
        self._ticker: asyncio.Task[None] | None = None
        self.stats = RequestStats()
        self.faults = faults if faults is not None else FaultInjector()
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._address: tuple[str, int] = ("127.0.0.1", 0)
        self._serving_loop: asyncio.AbstractEventLoop | None = None
        self._outage_until: float | None = None  # monotonic; math.inf until cleared
        self._outage_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Bind and serve; returns the base URL (port 0 resolved). Raises OSError on failure."""
        if self._runner is not None:
            raise RuntimeError("the server is already running")
        # Build both protocols now rather than inside the first request.
        loop = asyncio.get_running_loop()
        for service in (CONTROL, DEVICE):
            await loop.run_in_executor(None, protocol_for, service)
        runner = web.AppRunner(self.make_app(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        bound_port = runner.addresses[0][1]
        self._runner, self._site = runner, site
        self._address = (host, bound_port)
        self._serving_loop = loop
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=4, thread_name_prefix="sim-handler"
        )
        self.base_url = f"http://{_format_host(host)}:{bound_port}"
        self.emulator.base_url = self.base_url
        if self.tick_seconds > 0:
            self._ticker = loop.create_task(self._tick_forever())
        return self.base_url

    async def _tick_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.tick_seconds)
            if self.emulator.clock.speed <= 0:
                continue  # a frozen clock only moves when stepped, and stepping advances
            try:
                await loop.run_in_executor(self._executor, self._advance_in_slices)
            except RuntimeError:
                return  # the executor shut down: we are stopping
            except Exception:
                log.exception("background advance failed")

    # Events per slice: a slice holds the lock (and mostly the GIL) for about a millisecond,
    # so a request arriving mid catch-up waits for one slice, not for the whole backlog.
    TICK_SLICE_EVENTS = 50

    def _advance_in_slices(self) -> None:
        while True:
            with self.emulator.lock:
                ran = self.emulator.advance(self.TICK_SLICE_EVENTS)
            if ran < self.TICK_SLICE_EVENTS:
                return
            time.sleep(0)  # let the request threads and the event loop in

    def _catch_up(self) -> None:
        """Before a request (caller holds the lock).

        With a frozen clock, run everything due: tests step the clock and expect the rules to
        have applied. With a running clock the ticker keeps up; a request only helps with one
        slice, so its latency stays bounded (state lags by at most a tick, well inside AWS's
        own "up to 60 s later" for timers).
        """
        if self.emulator.clock.speed <= 0 or self._ticker is None:
            self.emulator.advance()
        else:
            self.emulator.advance(self.TICK_SLICE_EVENTS)

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        if self._outage_task is not None:
            self._outage_task.cancel()
            self._outage_task = None
        for task in list(self._tasks):
            task.cancel()
        self._outage_until = None
        self._site = self._serving_loop = None
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def start_in_thread(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve from a daemon thread; returns the base URL once connections are accepted."""
        if self._thread is not None:
            raise RuntimeError("the server is already running")
        loop = asyncio.new_event_loop()
        started: concurrent.futures.Future[str] = concurrent.futures.Future()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                started.set_result(loop.run_until_complete(self.start(host, port)))
            except BaseException as exc:
                started.set_exception(exc)
                loop.close()
                return
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        thread = threading.Thread(target=run, name="sim-server", daemon=True)
        thread.start()
        try:
            url = started.result()
        except BaseException:
            thread.join()
            raise
        self._thread, self._loop = thread, loop
        return url

    def stop_thread(self, timeout: float = 10.0) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        self._thread = self._loop = None
        try:
            asyncio.run_coroutine_threadsafe(self.stop(), loop).result(timeout)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)

    # -- outage ------------------------------------------------------------------------------

    def set_outage(self, seconds: float | None) -> None:
        """Refuse connections for `seconds` (math.inf: until cleared), or None to end an outage.

        The listener closes at once and open connections are dropped, as when a service goes
        away; the server re-opens on the same port when the time is up. From another
        thread (tests) this returns once the change is made; on the server's own loop, use
        `await outage(...)` (calling this there only schedules it).
        """
        loop = self._serving_loop
        if loop is None:
            raise RuntimeError("the server is not running")
        _check_outage(seconds, limit=math.inf)
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._spawn(self.outage(seconds))
            return
        asyncio.run_coroutine_threadsafe(self.outage(seconds), loop).result(30)

    async def outage(self, seconds: float | None, *, keep: object = None) -> None:
        """`set_outage`, from the server's own event loop.

        `keep` is a connection (`request.protocol`) to close gracefully, after the response
        it is busy with, rather than drop: the admin request that asked for the outage.
        """
        _check_outage(seconds, limit=math.inf)
        runner = self._runner
        if runner is None:
            raise RuntimeError("the server is not running")
        if self._outage_task is not None:
            self._outage_task.cancel()
            self._outage_task = None
        if seconds is None:
            self._outage_until = None
            await self._reopen(give_up_after=5.0)
            return
        site, self._site = self._site, None
        if site is not None:
            await site.stop()  # closes the listening socket: new connections are refused
        if runner.server is not None:
            for connection in runner.server.connections:
                if connection is keep:
                    connection.close()  # after its current response
                else:
                    connection.force_close()
            # Sockets close on the loop's next turns; wait, so that a client told "outage
            # started" cannot reuse a pooled connection that is still half open.
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline and any(
                c is not keep for c in runner.server.connections
            ):
                await asyncio.sleep(0.001)
        self._outage_until = time.monotonic() + seconds
        if math.isfinite(seconds):
            self._outage_task = asyncio.create_task(self._end_outage_after(seconds))
        log.info("outage: refusing connections for %s s", seconds)

    def outage_remaining(self) -> float | None:
        """Seconds of outage left (math.inf until cleared), or None when serving."""
        until = self._outage_until
        return None if until is None else max(0.0, until - time.monotonic())

    async def _end_outage_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        self._outage_until = None
        await self._reopen(give_up_after=math.inf)
        self._outage_task = None

    async def _reopen(self, give_up_after: float) -> None:
        runner = self._runner
        if runner is None or self._site is not None:
            return
        host, port = self._address
        deadline = time.monotonic() + give_up_after
        warned = False
        while True:
            site = web.TCPSite(runner, host, port)
            try:
                await site.start()
            except OSError as exc:
                await site.stop()  # start() registered the site before binding failed
                if time.monotonic() >= deadline:
                    raise
                if not warned:
                    log.warning(
                        "cannot re-open %s:%s after the outage (%s); retrying", host, port, exc
                    )
                    warned = True
                await asyncio.sleep(_REOPEN_RETRY_SECONDS)
                continue
            self._site = site
            log.info("outage over: serving on %s", self.base_url)
            return

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- requests ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._serve(request)
        except web.HTTPException:
            raise  # aiohttp's own answers (e.g. 413 for an oversized body)
        except Exception:
            # Handler failures are answered in _dispatch; this is the last line of defence.
            log.exception("request failed: %s %s", request.method, request.raw_path)
            failure = ServiceError(
                INTERNAL_FAILURE, "An unexpected error has occurred.", status=500
            )
            return _web(protocol_for(CONTROL).error(failure))

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        raw_path, _, raw_query = request.raw_path.partition("?")
        if raw_path.startswith(ADMIN_PREFIX):
            return await self._admin(request, raw_path[len(ADMIN_PREFIX) :])
        request_id = str(uuid.uuid4())
        query = parse_query(raw_query)
        service, region = detect_service(request.headers, query)
        try:
            protocol = protocol_for(service)
        except KeyError:
            self.stats.record(service, UNKNOWN)
            message = f"The emulator serves {CONTROL} and {DEVICE}, not {service!r}"
            err = ServiceError("UnknownOperationException", message, status=404)
            return _web(protocol_for(CONTROL).error(err, request_id))
        try:
            operation, labels = protocol.route(request.method, raw_path, query)
        except ServiceError as err:
            self.stats.record(service, UNKNOWN)
            return _web(protocol.error(err, request_id))
        self.stats.record(service, operation)
        try:
            delay = self.faults.latency(service, operation)
            if delay > 0:
                await asyncio.sleep(delay)
            verdict = self.faults.consult(service, operation, request.headers, query)
        except Exception:
            log.exception("fault injector failed for %s %s", service, operation)
            verdict = NO_FAULTS
        early = verdict.answer(protocol, request_id)  # an injected error or an HTML page
        if early is not None:
            return await verdict.send(request, early)
        body = await request.read()
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        response = await loop.run_in_executor(
            self._executor,
            self._dispatch,
            service,
            region,
            operation,
            labels,
            query,
            request.headers,
            body,
            request_id,
        )
        self.stats.observe(service, operation, time.perf_counter() - started)
        if verdict.mutations:  # off the event loop: a mutated page can be large
            response = await loop.run_in_executor(
                self._executor, verdict.mutate, service, operation, response
            )
        return await verdict.send(request, response)  # through any transport fault

    def _dispatch(
        self,
        service: str,
        region: str,
        operation: str,
        labels: dict[str, str],
        query: dict[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
        request_id: str,
    ) -> HttpResponse:
        protocol = protocol_for(service)
        try:
            params = protocol.parse(operation, labels, query, headers, body)
            handler = self.handlers.get((service, operation))
            if handler is None:
                raise not_implemented(service, operation)
            emulator = self.emulator
            ctx = RequestContext(
                emulator=emulator,
                service=service,
                region=region,
                account_id=emulator.config.account_id,
                operation=operation,
                base_url=self.base_url,
                host=headers.get("Host", ""),
            )
            with emulator.lock:
                self._catch_up()
                result = handler(ctx, params)
            response = protocol.serialize(operation, result)
        except ServiceError as err:
            return protocol.error(err, request_id)
        except Exception:
            log.exception("%s %s failed (request %s)", service, operation, request_id)
            failure = ServiceError(
                INTERNAL_FAILURE, "An unexpected error has occurred.", status=500
            )
            return protocol.error(failure, request_id)
        response.headers["x-amzn-RequestId"] = request_id
        return response

    # -- admin API ---------------------------------------------------------------------------

    async def _admin(self, request: web.Request, path: str) -> web.Response:
        method = request.method
        if path == "health" and method == "GET":
            return web.json_response({"ok": True, "url": self.base_url})
        if path == "stats" and method == "GET":
            return web.json_response(
                {
                    "total": self.stats.total(),
                    "requests": self.stats.snapshot(),
                    "latency_ms": self.stats.latency_ms(),
                }
            )
        if path == "stats/reset" and method == "POST":
            self.stats.reset()
            return web.json_response({"total": 0, "requests": {}})
        if path == "faults" and method == "GET":
            return web.json_response(self._faults_state())
        if path == "faults" and method == "POST":
            try:
                document = json.loads(await request.read() or b"{}")
                if not isinstance(document, dict):
                    raise ValueError("expected a JSON object")
                if not document:
                    raise ValueError("expected one or more fields to change")
                outage = document.pop("outage_seconds", None)
                _check_outage(outage, limit=MAX_OUTAGE_SECONDS)
                if outage is not None and math.isinf(outage):
                    raise ValueError("outage_seconds must be finite")
                if document:
                    self.faults.change(document)
            except (ValueError, TypeError) as exc:
                return web.json_response({"message": str(exc)}, status=400)
            if outage is not None:
                # This response still goes out; every other connection is dropped.
                await self.outage(float(outage), keep=request.protocol)
            return web.json_response(self._faults_state())
        if path == "clock" and method == "GET":
            return web.json_response(self._clock_state())
        if path == "clock" and method == "POST":
            try:
                document = json.loads(await request.read() or b"{}")
                if not isinstance(document, dict):
                    raise ValueError("expected a JSON object")
                await asyncio.get_running_loop().run_in_executor(
                    self._executor, self._change_clock, document
                )
            except (ValueError, TypeError) as exc:
                return web.json_response({"message": str(exc)}, status=400)
            return web.json_response(self._clock_state())
        return web.json_response(
            {"message": f"no admin endpoint {method} /_sim/{path}"}, status=404
        )

    def _faults_state(self) -> dict[str, Any]:
        remaining = self.outage_remaining()
        return {
            **self.faults.to_json(),
            "outage_seconds_remaining": None
            if remaining is None or math.isinf(remaining)
            else round(remaining, 3),
        }

    def _clock_state(self) -> dict[str, float]:
        clock = self.emulator.clock
        return {"now": clock.now(), "speed": clock.speed}

    def _change_clock(self, document: dict[str, Any]) -> None:
        known = {"advance", "speed", "set"}
        if not document or not set(document) <= known:
            raise ValueError(f"expected one or more of {sorted(known)}")
        values: dict[str, float] = {}
        for key, value in document.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{key} must be a number")
            values[key] = float(value)
        clock = self.emulator.clock
        with self.emulator.lock:
            if "speed" in values:
                clock.speed = values["speed"]
            if "set" in values:
                clock.set(values["set"])
            if "advance" in values:
                clock.advance(values["advance"])
            # Let the emulator catch up now, so the admin caller sees the effect at once.
            advance = getattr(self.emulator, "advance", None)
            if advance is not None:
                advance()


def _web(response: HttpResponse) -> web.Response:
    return web.Response(status=response.status, headers=response.headers, body=response.body)


def _check_outage(seconds: Any, *, limit: float) -> None:
    """ValueError unless `seconds` is None or a number in (0, limit]."""
    if seconds is None:
        return
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ValueError(f"outage_seconds must be a number of seconds, not {seconds!r}")
    if math.isnan(seconds) or not 0 < seconds <= limit:
        raise ValueError(f"outage_seconds must be more than 0 and at most {limit:g}")
