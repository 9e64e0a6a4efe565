"""aiobotocore's HTTP session, with its TLS context loaded on a thread during client creation.

aiobotocore builds the context on the first request, and loading the CA bundle into it took
30-50 ms (measured), on the event loop, right before the first ListJobs: the wait for the
first job rows. OpenSSL releases the GIL while it loads certificates, so `prepare` starts that
loading on a thread before the client is created, and the client's creation (service model,
handlers, endpoint rules: 60-90 ms of Python) runs meanwhile on the other core.

Imported only from `session.AwsConnection.open`, after aiobotocore is. The context is built
as aiobotocore 2.25's `AIOHTTPSession._create_connector` builds it (same calls, same order);
requests through a proxy, client certificates, and a CA bundle other than the prepared one
take aiobotocore's own path. Recheck on an aiobotocore bump.
"""

from __future__ import annotations

import ssl
import threading
from concurrent.futures import Future
from typing import Any

import aiohttp
from aiobotocore.httpsession import AIOHTTPSession
from botocore.httpsession import create_urllib3_context, get_cert_path

_prepared: dict[str, Future[ssl.SSLContext]] = {}


def _load(ca_certs: str, future: Future[ssl.SSLContext]) -> None:
    try:
        context = create_urllib3_context()
        context.load_verify_locations(ca_certs, None, None)
    except BaseException as exc:  # raised again on the first request, as aiobotocore would
        future.set_exception(exc)
    else:
        future.set_result(context)


def prepare(verify: bool | str) -> None:
    """Start loading the CA bundle a client with this `verify` value will use."""
    ca_certs = get_cert_path(verify)
    if not ca_certs or ca_certs in _prepared:
        return
    future: Future[ssl.SSLContext] = Future()
    _prepared[ca_certs] = future
    threading.Thread(target=_load, args=(ca_certs, future), name="tls-context", daemon=True).start()


class EagerTLSSession(AIOHTTPSession):  # type: ignore[misc]  # aiobotocore has no types
    def _create_connector(self, proxy_url: str | None) -> Any:
        ca_certs = get_cert_path(self._verify) if self._verify else None
        future = _prepared.pop(ca_certs, None) if ca_certs else None
        if future is None or proxy_url or self._cert_file:
            return super()._create_connector(proxy_url)
        return aiohttp.TCPConnector(
            limit=self._max_pool_connections,
            ssl=future.result(),
            **self._connector_args,
        )
