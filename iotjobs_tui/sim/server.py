"""The emulator's HTTP server: both planes on one port, plus a small admin API under `/_sim/`.

The two services share paths, so each request is attributed to a service by its SigV4
credential scope, or by its Host header when unsigned (`request_scope.py`). Any credentials
are accepted. `stats` (`request_stats.py`) counts every request received.

Faults (`wire/faults/injector.py`) are consulted for every routed request; the admin API
(`admin_routes.py`) reads and changes them at `/_sim/faults`, the switches at `/_sim/config` and
S3 objects at `/_sim/objects` (`admin_api.py`, which also serves the presigned URLs devices
download from, `/presigned/...`). A full outage closes the listener, so connections are
refused, and re-opens it on the same port when it ends (`outage.py`; `set_outage()`, or
`{"outage_seconds": N}`).

Parsing, validation and serialization happen outside the emulator lock; the handler (and the
emulator's catch-up step, `advance()`) run under it, on a worker thread so a long-held lock
never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import math
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, TypeVar

from aiohttp import web

from iotjobs_tui.sim import admin_api
from iotjobs_tui.sim.admin_routes import ADMIN_PREFIX, answer, serve_admin
from iotjobs_tui.sim.api import handlers
from iotjobs_tui.sim.api.registry import CONTROL, DEVICE, RequestContext
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.outage import Listener, check_outage_seconds
from iotjobs_tui.sim.request_scope import detect_service
from iotjobs_tui.sim.request_stats import RequestStats
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

T = TypeVar("T")

UNKNOWN = "<unknown>"  # the operation name counted for requests that match no route


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
        self._listener: Listener | None = None  # the listening socket an outage closes
        self._serving_loop: asyncio.AbstractEventLoop | None = None
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
        self.base_url = f"http://{_format_host(host)}:{bound_port}"
        self._runner = runner
        self._listener = Listener(runner, site, (host, bound_port), self.base_url)
        self._serving_loop = loop
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=4, thread_name_prefix="sim-handler"
        )
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
        for task in list(self._tasks):
            task.cancel()
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self._serving_loop = None
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
        check_outage_seconds(seconds, limit=math.inf)
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
        check_outage_seconds(seconds, limit=math.inf)
        listener = self._listener
        if listener is None:
            raise RuntimeError("the server is not running")
        await listener.outage(seconds, keep=keep)

    def outage_remaining(self) -> float | None:
        """Seconds of outage left (math.inf until cleared), or None when serving."""
        return None if self._listener is None else self._listener.remaining()

    async def in_worker(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on a worker thread: never hold the emulator lock on the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

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
            return await serve_admin(self, request, raw_path[len(ADMIN_PREFIX) :])
        if raw_path.startswith(admin_api.PRESIGNED_PREFIX):
            # A device downloading what a presigned URL in its job document points to.
            self.stats.record("s3", "GetObject")
            query = parse_query(raw_query)
            return await answer(
                self, admin_api.presigned_get, self.emulator, request.method, raw_path, query
            )
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


def _web(response: HttpResponse) -> web.Response:
    return web.Response(status=response.status, headers=response.headers, body=response.body)
