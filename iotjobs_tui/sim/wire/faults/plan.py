"""What the fault rules do to one request: a `Verdict`, drawn when the request arrives.

`FaultInjector.consult()` builds it (under its lock, so the seeded draws follow the order in
which requests arrive) and the server follows it:

1. credentials rules: an auth error answers the request (authentication comes first at AWS);
2. error rules, in the order they were set: the first drawn answers the request;
3. then the rate limits and error shares of `faults/injector.py` (`FaultInjector.before_request`);
4. an html rule: the error page answers instead of the operation;
5. otherwise the operation runs, and every mutation rule drawn rewrites its successful answer,
   in the order the rules were set;
6. the first reset, truncate or drip rule drawn carries whatever answer is sent.

Latency rules are not here: `FaultInjector.latency()` adds them to the global latency, awaited
before any of the above. A rule "fires" when its operations match and its share is drawn;
`injected()["rules"]` counts that per rule name.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from iotjobs_tui.sim.wire.errors import ServiceError
from iotjobs_tui.sim.wire.faults import mutation as fault_mutation
from iotjobs_tui.sim.wire.faults import transport as fault_transport
from iotjobs_tui.sim.wire.faults.credentials import check_credentials
from iotjobs_tui.sim.wire.faults.error_codes import fault_error
from iotjobs_tui.sim.wire.faults.rules import FaultRule
from iotjobs_tui.sim.wire.protocol import HttpResponse, ServiceProtocol

log = logging.getLogger(__name__)

_TRANSPORT = frozenset({"reset", "truncate", "drip"})


@dataclass(frozen=True)
class Verdict:
    """The faults one request gets. `Verdict()` is no fault at all."""

    error: ServiceError | None = None
    page: int | None = None  # an HTML error page's status
    mutations: tuple[tuple[str, Mapping[str, Any], int], ...] = ()  # (kind, params, seed)
    transport: tuple[str, Mapping[str, Any]] | None = None

    def with_error(self, error: ServiceError) -> Verdict:
        return Verdict(error, self.page, self.mutations, self.transport)

    def answer(self, protocol: ServiceProtocol, request_id: str) -> HttpResponse | None:
        """The response to send without running the operation, or None to run it."""
        if self.error is not None:
            return protocol.error(self.error, request_id)
        if self.page is not None:
            return fault_transport.html_page(self.page)
        return None

    def mutate(self, service: str, operation: str, response: HttpResponse) -> HttpResponse:
        """`response` rewritten by the mutations (a successful answer only); never raises."""
        if not self.mutations or not 200 <= response.status < 300:
            return response
        try:
            draws = [(k, p, random.Random(seed)) for k, p, seed in self.mutations]
            body = fault_mutation.mutate_body(service, operation, response.body, draws)
        except Exception:
            log.exception("mutating %s %s failed; answering it unchanged", service, operation)
            return response
        return HttpResponse(response.status, dict(response.headers), body)

    async def send(self, request: web.BaseRequest, response: HttpResponse) -> web.StreamResponse:
        return await fault_transport.send(request, response, self.transport)


NO_FAULTS = Verdict()


def plan(
    rules: Mapping[str, FaultRule],
    service: str,
    operation: str,
    headers: Mapping[str, str],
    query: Mapping[str, list[str]],
    *,
    rng: random.Random,
    now: float,
    fired: Counter[str],
) -> Verdict:
    """The verdict of `rules` on one request (the caller holds the injector's lock)."""
    error: ServiceError | None = None
    for name, rule in rules.items():
        if rule.kind == "credentials" and error is None and rule.matches(service, operation):
            error = check_credentials(rule.params, service, operation, headers, query, now)
            if error is not None:
                fired[name] += 1
    page: int | None = None
    mutations: list[tuple[str, Mapping[str, Any], int]] = []
    transport: tuple[str, Mapping[str, Any]] | None = None
    for name, rule in rules.items():
        kind = rule.kind
        if kind in ("credentials", "latency") or not rule.matches(service, operation):
            continue
        if rng.random() >= rule.share:  # one draw per matching rule, whatever came before
            continue
        if kind == "error":
            if error is None:
                error = fault_error(
                    service, operation, rule.params["code"], rule.params.get("message")
                )
                fired[name] += 1
        elif kind == "html":
            if page is None:
                page = int(rule.params["status"])
                fired[name] += 1
        elif kind in _TRANSPORT:
            if transport is None:
                transport = (kind, rule.params)
                fired[name] += 1
        else:
            mutations.append((kind, rule.params, rng.getrandbits(64)))
            fired[name] += 1
    if error is None and page is None and not mutations and transport is None:
        return NO_FAULTS
    return Verdict(error, page, tuple(mutations), transport)
