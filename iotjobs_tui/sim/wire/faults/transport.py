"""Transport faults: a response that breaks on the wire, or is not AWS's at all.

| kind     | what the client gets                                                            |
| -------- | ------------------------------------------------------------------------------- |
| reset    | headers and the first `after_bytes` of the body, then a TCP reset (RST)         |
| truncate | `Content-Length` of the whole body, the first `after_bytes`, then a clean close |
| html     | an nginx-style `text/html` error page (`status`, default 502); the operation    |
|          | does not run, as when a proxy cannot reach the service                          |
| drip     | the whole body, `chunk_bytes` at a time with `pause_ms` between the chunks      |

reset, truncate and drip apply to whatever the request is answered (the operation's answer,
or an error), so a write that "failed" on the wire may still have happened, as it can at AWS.
`after_bytes` defaults to half the body, and always leaves at least one announced byte
unsent. A drip is not capped: a large body at the default 16 bytes per 100 ms takes minutes,
which is the point (read timeouts); only that connection waits.

Every fault here is contained: a client that goes away mid-fault, or any other error, ends
that one connection, never the server.
"""

from __future__ import annotations

import asyncio
import http
import logging
import socket
import struct
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from iotjobs_tui.sim.wire.protocol import HttpResponse

log = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("reset", "truncate", "html", "drip")
HTML_STATUSES: tuple[int, ...] = (500, 502, 503, 504)
DEFAULT_HTML_STATUS = 502
DEFAULT_CHUNK_BYTES = 16
DEFAULT_PAUSE_MS = 100.0
# Between the partial body and the reset: lets the client read the headers first, so it sees
# a reset mid-body rather than a refused answer (a reset can discard data not yet read).
RESET_SETTLE_SECONDS = 0.05
_DRAIN_WAIT_SECONDS = 1.0  # longest wait for the partial body to leave the write buffer


def html_page(status: int) -> HttpResponse:
    """The error page nginx answers when its upstream fails."""
    title = f"{status} {http.HTTPStatus(status).phrase}"
    page = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    headers = {"Content-Type": "text/html", "Server": "nginx"}
    return HttpResponse(status, headers, page.encode("ascii"))


def plain(response: HttpResponse) -> web.Response:
    return web.Response(status=response.status, headers=response.headers, body=response.body)


def _cut(body: bytes, params: Mapping[str, Any]) -> int:
    after = params.get("after_bytes")
    cut = len(body) // 2 if after is None else int(after)
    return max(0, min(cut, len(body) - 1))


async def _drained(transport: asyncio.BaseTransport | None) -> None:
    """Wait (briefly) until what was written has left the event loop's buffer."""
    if not isinstance(transport, asyncio.WriteTransport):
        return
    deadline = asyncio.get_running_loop().time() + _DRAIN_WAIT_SECONDS
    while transport.get_write_buffer_size() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.005)


def _reset(transport: asyncio.BaseTransport | None) -> None:
    """Abort the connection with a TCP RST (SO_LINGER 0), not a graceful FIN."""
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass  # the peer went first: aborting is all that is left
    if isinstance(transport, asyncio.WriteTransport):
        transport.abort()
    else:
        transport.close()


async def send(
    request: web.BaseRequest, response: HttpResponse, fault: tuple[str, Mapping[str, Any]] | None
) -> web.StreamResponse:
    """Answer `response`, through the transport fault (kind, params) when there is one."""
    if fault is None or fault[0] == "html":
        return plain(response)
    kind, params = fault
    stream = web.StreamResponse(status=response.status, headers=response.headers)
    body = response.body
    cut = _cut(body, params)
    # An empty body announces one byte, so that it too ends short.
    stream.content_length = len(body) if kind == "drip" else max(len(body), cut + 1)
    if kind != "drip":
        stream.force_close()  # never reuse a connection we are about to break
    transport = request.transport
    try:
        await stream.prepare(request)
        if kind == "drip":
            await _drip(stream, body, params)
            return stream
        await stream.write(body[:cut])
        await _drained(transport)
        if kind == "reset":
            await asyncio.sleep(RESET_SETTLE_SECONDS)
            _reset(transport)
        elif transport is not None:
            transport.close()  # after the buffer drains: a clean FIN, bytes missing
    except ConnectionError:
        pass  # the client left first; aiohttp closes the connection
    except Exception:
        log.exception("transport fault %s failed; dropping the connection", kind)
        _reset(transport)
    return stream


async def _drip(stream: web.StreamResponse, body: bytes, params: Mapping[str, Any]) -> None:
    chunk = int(params.get("chunk_bytes", DEFAULT_CHUNK_BYTES))
    pause = float(params.get("pause_ms", DEFAULT_PAUSE_MS)) / 1000.0
    for start in range(0, len(body), chunk):
        if start:
            await asyncio.sleep(pause)
        await stream.write(body[start : start + chunk])
    await stream.write_eof()
