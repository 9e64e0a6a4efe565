"""AWS REST-JSON, derived entirely from the botocore models: routing, parsing, validation,
serialization and error responses.

Nothing here is written per operation. Each service gets a route table built from every
operation's `http.method`/`http.requestUri`; each shape gets a reader (wire value -> Python
value, checking every constraint AWS enforces server-side) and a writer (handler value -> JSON),
built once on first use and shared by every operation that uses the shape. The parts live in
routing.py, readers.py, writers.py and operation_codec.py; this module joins them per service.

Choices the models leave open, kept consistent:
- Malformed input (bad JSON, wrong types) and constraint violations are both
  `InvalidRequestException` 400: the exception both planes model for every operation.
- A route that matches no operation is `UnknownOperationException` 404, as AWS answers.
- A modeled operation without an emulator handler is `NotImplementedException` 501: clearly
  not an AWS answer, and not a status botocore retries.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

from iotjobs_tui.sim.wire import model
from iotjobs_tui.sim.wire.errors import ServiceError
from iotjobs_tui.sim.wire.operation_codec import INVALID_REQUEST, HttpResponse, OperationCodec
from iotjobs_tui.sim.wire.readers import BadInput, ReaderBuilder
from iotjobs_tui.sim.wire.routing import Router
from iotjobs_tui.sim.wire.writers import WriterBuilder, dump_json

__all__ = [
    "INTERNAL_FAILURE",
    "INVALID_REQUEST",
    "NOT_IMPLEMENTED",
    "UNKNOWN_OPERATION",
    "HttpResponse",
    "ServiceProtocol",
    "not_implemented",
    "parse_query",
    "protocol_for",
]

UNKNOWN_OPERATION = "UnknownOperationException"
NOT_IMPLEMENTED = "NotImplementedException"
INTERNAL_FAILURE = "InternalFailureException"


def not_implemented(service: str, operation: str) -> ServiceError:
    return ServiceError(
        NOT_IMPLEMENTED, f"The emulator does not implement {service} {operation}", status=501
    )


class ServiceProtocol:
    """Routing, parsing, validation and serialization for one service, from its model."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.model = model.service_model(service)
        self.router = Router(self.model)
        self._readers = ReaderBuilder()
        self._writers = WriterBuilder()
        self._errors = WriterBuilder()
        self._codecs: dict[str, OperationCodec] = {}
        self._lock = threading.Lock()

    def route(
        self, method: str, raw_path: str, query: Mapping[str, list[str]] | None = None
    ) -> tuple[str, dict[str, str]]:
        """The operation and its percent-decoded labels; ServiceError 404 when none matches."""
        found = self.router.match(method, raw_path, query)
        if found is None:
            raise ServiceError(
                UNKNOWN_OPERATION,
                f"No {self.service} operation matches {method.upper()} {raw_path}",
                status=404,
            )
        return found

    def codec(self, operation: str) -> OperationCodec:
        found = self._codecs.get(operation)
        if found is None:
            with self._lock:
                found = self._codecs.get(operation)
                if found is None:
                    op = self.model.operation_model(operation)
                    found = OperationCodec(op, self._readers, self._writers)
                    self._codecs[operation] = found
        return found

    def parse(
        self,
        operation: str,
        labels: Mapping[str, str],
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> dict[str, Any]:
        """Input members by name, converted and validated; ServiceError 400 otherwise.

        `headers` must look names up case-insensitively (aiohttp's request headers do).
        """
        try:
            return self.codec(operation).parse(labels, query, headers, body)
        except BadInput as exc:
            raise ServiceError(INVALID_REQUEST, str(exc)) from None

    def serialize(self, operation: str, result: Mapping[str, Any] | None) -> HttpResponse:
        return self.codec(operation).serialize(result)

    def error(self, err: ServiceError, request_id: str | None = None) -> HttpResponse:
        """The modeled error response: status and extra members from the error shape."""
        shape = model.error_shape(self.service, err.code)
        status = err.status or model.error_status(self.service, err.code) or 400
        body: dict[str, Any] = {}
        if shape is not None and err.extra:
            try:
                body = self._errors.writer(shape)(err.extra)
            except Exception:  # a malformed extra must not turn an error into a 500
                body = {}
        # Members AWS documents but the error shape omits (iot-jobs-data's 409s carry
        # executionState) go out as given: plain JSON values.
        members = shape.members if shape is not None else {}
        body.update({k: v for k, v in err.extra.items() if k not in members and v is not None})
        body["message"] = err.message
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": err.code}
        if request_id:
            headers["x-amzn-RequestId"] = request_id
        return HttpResponse(status, headers, dump_json(body))


@cache
def protocol_for(service: str) -> ServiceProtocol:
    return ServiceProtocol(service)


def parse_query(raw_query: str) -> dict[str, list[str]]:
    """A raw query string -> {key: [values]}, in order (repeated keys are list members)."""
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        query.setdefault(key, []).append(value)
    return query
