"""The server's listening socket, which a full outage closes and re-opens on the same port.

During an outage connections are refused (the listener is closed) and open ones are dropped,
as when a service goes away; when the time is up the listener re-opens on the same port.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

# An outage set over HTTP must end by itself (the admin API is on the port it closes); this
# caps it so a typo cannot lock the emulator away for a day. `set_outage()` has no cap.
MAX_OUTAGE_SECONDS = 3600.0
_REOPEN_RETRY_SECONDS = 0.1


def check_outage_seconds(seconds: Any, *, limit: float) -> None:
    """ValueError unless `seconds` is None or a number in (0, limit]."""
    if seconds is None:
        return
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ValueError(f"outage_seconds must be a number of seconds, not {seconds!r}")
    if math.isnan(seconds) or not 0 < seconds <= limit:
        raise ValueError(f"outage_seconds must be more than 0 and at most {limit:g}")


class Listener:
    """A running server's listening site on `address`, and the outage that may close it."""

    def __init__(
        self, runner: web.AppRunner, site: web.TCPSite, address: tuple[str, int], base_url: str
    ) -> None:
        self._runner = runner
        self._site: web.TCPSite | None = site
        self._address = address
        self._base_url = base_url
        self._until: float | None = None  # monotonic; math.inf until cleared
        self._task: asyncio.Task[None] | None = None

    def close(self) -> None:
        """Forget the outage and the site (the caller cleans the runner up, which stops it)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._until = None
        self._site = None

    async def outage(self, seconds: float | None, *, keep: object = None) -> None:
        """Refuse connections for `seconds` (math.inf: until cleared), or None to end it.

        `keep` is a connection to close gracefully, after the response it is busy with,
        rather than drop.
        """
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if seconds is None:
            self._until = None
            await self._reopen(give_up_after=5.0)
            return
        runner = self._runner
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
        self._until = time.monotonic() + seconds
        if math.isfinite(seconds):
            self._task = asyncio.create_task(self._end_after(seconds))
        log.info("outage: refusing connections for %s s", seconds)

    def remaining(self) -> float | None:
        """Seconds of outage left (math.inf until cleared), or None when serving."""
        until = self._until
        return None if until is None else max(0.0, until - time.monotonic())

    async def _end_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        self._until = None
        await self._reopen(give_up_after=math.inf)
        self._task = None

    async def _reopen(self, give_up_after: float) -> None:
        if self._site is not None:
            return
        runner = self._runner
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
            log.info("outage over: serving on %s", self._base_url)
            return
