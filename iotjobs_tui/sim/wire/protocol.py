"""AWS REST-JSON, derived entirely from the botocore models: routing, parsing, validation,
serialization and error responses.

Nothing here is written per operation. Each service gets a route table built from every
operation's `http.method`/`http.requestUri`; each shape gets a reader (wire value -> Python
value, checking every constraint AWS enforces server-side) and a writer (handler value -> JSON),
built once on first use and shared by every operation that uses the shape.

Choices the models leave open, kept consistent:
- Malformed input (bad JSON, wrong types) and constraint violations are both
  `InvalidRequestException` 400: the exception both planes model for every operation.
- A route that matches no operation is `UnknownOperationException` 404, as AWS answers.
- A modeled operation without an emulator handler is `NotImplementedException` 501: clearly
  not an AWS answer, and not a status botocore retries.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import json
import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, unquote

from iotjobs_tui.sim.wire import model
from iotjobs_tui.sim.wire.errors import ServiceError
from iotjobs_tui.sim.wire.patterns import compile_java

INVALID_REQUEST = "InvalidRequestException"
UNKNOWN_OPERATION = "UnknownOperationException"
NOT_IMPLEMENTED = "NotImplementedException"
INTERNAL_FAILURE = "InternalFailureException"


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"{}"


def not_implemented(service: str, operation: str) -> ServiceError:
    return ServiceError(
        NOT_IMPLEMENTED, f"The emulator does not implement {service} {operation}", status=501
    )


# ---------------------------------------------------------------------------------------------
# Routing


@dataclass(frozen=True)
class _Route:
    operation: str
    segments: tuple[tuple[bool, str], ...]  # (is_label, literal text or label name)
    greedy: str | None  # name of a trailing {label+}, which may span several segments
    literal_chars: int
    query_literals: tuple[tuple[str, str | None], ...]  # e.g. "?versions" in the requestUri


def _compile_route(operation: str, request_uri: str) -> _Route:
    path, _, query = request_uri.partition("?")
    segments: list[tuple[bool, str]] = []
    greedy: str | None = None
    literal_chars = 0
    parts = path.strip("/").split("/") if path.strip("/") else []
    for index, part in enumerate(parts):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            if name.endswith("+"):
                if index != len(parts) - 1:
                    raise ValueError(f"{operation}: greedy label must be last: {request_uri}")
                greedy = name[:-1]
            else:
                segments.append((True, name))
        elif "{" in part:
            # Neither model has labels mixed with literals inside one segment.
            raise ValueError(f"{operation}: unsupported partial label in {request_uri}")
        else:
            segments.append((False, part))
            literal_chars += len(part)
    query_literals = tuple(
        (key, value if sep else None)
        for key, sep, value in (item.partition("=") for item in query.split("&") if item)
    )
    return _Route(operation, tuple(segments), greedy, literal_chars, query_literals)


class Router:
    """Method + raw path -> (operation, percent-decoded labels); most literal characters wins."""

    def __init__(self, service_model: Any) -> None:
        self._exact: dict[tuple[str, int], list[_Route]] = {}
        self._greedy: dict[str, list[_Route]] = {}
        for name in service_model.operation_names:
            http = service_model.operation_model(name).http
            route = _compile_route(name, http["requestUri"])
            method = http["method"].upper()
            if route.greedy is None:
                self._exact.setdefault((method, len(route.segments)), []).append(route)
            else:
                self._greedy.setdefault(method, []).append(route)
        for routes in (*self._exact.values(), *self._greedy.values()):
            routes.sort(key=lambda r: (-r.literal_chars, r.operation))

    def match(
        self, method: str, raw_path: str, query: Mapping[str, list[str]] | None = None
    ) -> tuple[str, dict[str, str]] | None:
        stripped = raw_path.strip("/")
        raw_segments = stripped.split("/") if stripped else []
        decoded = [unquote(s) for s in raw_segments]
        method = method.upper()
        best: tuple[_Route, dict[str, str]] | None = None
        for route in self._exact.get((method, len(decoded)), ()):
            labels = _match_segments(route, decoded, query)
            if labels is not None:
                best = (route, labels)
                break  # sorted by literal characters: the first match is the best
        for route in self._greedy.get(method, ()):
            if best is not None and best[0].literal_chars >= route.literal_chars:
                break
            if len(decoded) <= len(route.segments):
                continue  # a greedy label needs at least one segment
            labels = _match_segments(route, decoded[: len(route.segments)], query)
            if labels is not None and route.greedy is not None:
                labels[route.greedy] = unquote("/".join(raw_segments[len(route.segments) :]))
                best = (route, labels)
                break
        return None if best is None else (best[0].operation, best[1])


def _match_segments(
    route: _Route, decoded: list[str], query: Mapping[str, list[str]] | None
) -> dict[str, str] | None:
    labels: dict[str, str] = {}
    for (is_label, text), segment in zip(route.segments, decoded, strict=True):
        if is_label:
            if not segment:
                return None
            labels[text] = segment
        elif text != segment:
            return None
    for key, value in route.query_literals:
        values = (query or {}).get(key)
        if values is None or (value is not None and value not in values):
            return None
    return labels


# ---------------------------------------------------------------------------------------------
# Readers: wire value -> Python value, with every modeled constraint checked.
#
# A type error (a number where a string belongs, unparseable JSON) stops parsing at once;
# constraint violations are collected so the client sees them all, as AWS reports them.


class _BadInput(Exception):
    pass


def _render(value: Any) -> str:
    """A value as AWS's (Java) validation messages print it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return "java.nio.HeapByteBuffer"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_render(v)}" for k, v in value.items()) + "}"
    return str(value)


def _violation(value: Any, path: str, constraint: str) -> str:
    shown = "null" if value is None else f"'{_render(value)}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


def _java_length(text: str) -> int:
    # Java counts UTF-16 code units; only characters outside the BMP count twice.
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class _Node:
    """Reads (and validates) one shape; `read_text` takes the string form used in a URI
    label, query parameter or header."""

    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        raise NotImplementedError

    def read_text(self, text: str, path: str, errors: list[str]) -> Any:
        return self.read(text, path, errors)


def _size_checks(size: int, value: Any, path: str, lo: int | None, hi: int | None) -> list[str]:
    found = []
    if hi is not None and size > hi:
        found.append(_violation(value, path, f"Member must have length less than or equal to {hi}"))
    if lo is not None and size < lo:
        found.append(
            _violation(value, path, f"Member must have length greater than or equal to {lo}")
        )
    return found


class _String(_Node):
    def __init__(self, shape: Any) -> None:
        meta = shape.metadata
        self.lo: int | None = meta.get("min")
        self.hi: int | None = meta.get("max")
        self.enum: frozenset[str] | None = frozenset(meta["enum"]) if meta.get("enum") else None
        self.enum_text = "[" + ", ".join(meta["enum"]) + "]" if self.enum else ""
        self.pattern_text: str | None = meta.get("pattern")
        self.pattern = compile_java(self.pattern_text) if self.pattern_text else None

    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, str):
            raise _BadInput(f"Invalid value at '{path}': expected a string")
        if self.lo is not None or self.hi is not None:
            errors.extend(_size_checks(_java_length(value), value, path, self.lo, self.hi))
        if self.enum is not None and value not in self.enum:
            errors.append(
                _violation(value, path, f"Member must satisfy enum value set: {self.enum_text}")
            )
        if self.pattern is not None and self.pattern.fullmatch(value) is None:
            errors.append(
                _violation(
                    value,
                    path,
                    f"Member must satisfy regular expression pattern: {self.pattern_text}",
                )
            )
        return value


class _Number(_Node):
    def __init__(self, shape: Any, integral: bool) -> None:
        self.integral = integral
        self.lo: float | None = shape.metadata.get("min")
        self.hi: float | None = shape.metadata.get("max")

    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _BadInput(f"Invalid value at '{path}': expected a number")
        if self.integral:
            if isinstance(value, float):
                if not value.is_integer():
                    raise _BadInput(f"Invalid value at '{path}': expected an integer")
                value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                raise _BadInput(f"Invalid value at '{path}': expected a finite number")
        if self.hi is not None and value > self.hi:
            errors.append(
                _violation(value, path, f"Member must have value less than or equal to {self.hi}")
            )
        if self.lo is not None and value < self.lo:
            errors.append(
                _violation(
                    value, path, f"Member must have value greater than or equal to {self.lo}"
                )
            )
        return value

    def read_text(self, text: str, path: str, errors: list[str]) -> Any:
        try:
            number: float = int(text) if self.integral else float(text)
        except ValueError:
            expected = "an integer" if self.integral else "a number"
            raise _BadInput(f"Invalid value at '{path}': '{text}' is not {expected}") from None
        return self.read(number, path, errors)


class _Boolean(_Node):
    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, bool):
            raise _BadInput(f"Invalid value at '{path}': expected a boolean")
        return value

    def read_text(self, text: str, path: str, errors: list[str]) -> Any:
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise _BadInput(f"Invalid value at '{path}': '{text}' is not true or false")
        return lowered == "true"


def _parse_timestamp(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            try:
                parsed = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.timestamp()
    return None


class _Timestamp(_Node):
    """Epoch seconds (botocore's rest-json body default) or ISO-8601/RFC 822 text -> float."""

    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        parsed = _parse_timestamp(value)
        if parsed is None:
            raise _BadInput(f"Invalid value at '{path}': expected a timestamp")
        return parsed


class _Blob(_Node):
    """Base64 text in JSON -> bytes (raw bytes when the blob is the whole payload)."""

    def __init__(self, shape: Any) -> None:
        self.lo: int | None = shape.metadata.get("min")
        self.hi: int | None = shape.metadata.get("max")

    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        if isinstance(value, bytes):
            data = value
        elif isinstance(value, str):
            try:
                data = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise _BadInput(f"Invalid value at '{path}': expected base64 data") from None
        else:
            raise _BadInput(f"Invalid value at '{path}': expected base64 data")
        errors.extend(_size_checks(len(data), data, path, self.lo, self.hi))
        return data


class _List(_Node):
    def __init__(self, shape: Any) -> None:
        self.lo: int | None = shape.metadata.get("min")
        self.hi: int | None = shape.metadata.get("max")
        self.member: _Node = _Node()  # set by the builder (shapes may be recursive)

    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, list):
            raise _BadInput(f"Invalid value at '{path}': expected a list")
        errors.extend(_size_checks(len(value), value, path, self.lo, self.hi))
        member = self.member
        return [member.read(v, f"{path}.{i}.member", errors) for i, v in enumerate(value, 1)]

    def read_texts(self, texts: list[str], path: str, errors: list[str]) -> Any:
        errors.extend(_size_checks(len(texts), texts, path, self.lo, self.hi))
        member = self.member
        return [member.read_text(t, f"{path}.{i}.member", errors) for i, t in enumerate(texts, 1)]


class _Map(_Node):
    def __init__(self, shape: Any) -> None:
        self.lo: int | None = shape.metadata.get("min")
        self.hi: int | None = shape.metadata.get("max")
        self.key: _Node = _Node()
        self.value: _Node = _Node()

    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, dict):
            raise _BadInput(f"Invalid value at '{path}': expected an object")
        errors.extend(_size_checks(len(value), value, path, self.lo, self.hi))
        key_node, value_node = self.key, self.value
        out: dict[Any, Any] = {}
        for k, v in value.items():
            if v is not None:  # JSON null means absent, as for structure members
                out[key_node.read(k, f"{path}.{k}.key", errors)] = value_node.read(
                    v, f"{path}.{k}.value", errors
                )
        return out


class _Structure(_Node):
    def __init__(self, shape: Any) -> None:
        # (member name, wire name, node); filled by the builder.
        self.members: list[tuple[str, str, _Node]] = []
        self.by_wire: dict[str, tuple[str, _Node]] = {}
        self.required: tuple[str, ...] = tuple(shape.required_members)

    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, dict):
            raise _BadInput(f"Invalid value at '{path}': expected an object")
        out: dict[str, Any] = {}
        for wire, raw in value.items():
            entry = self.by_wire.get(wire)
            if entry is None or raw is None:
                continue  # unknown members are ignored; JSON null means absent
            name, node = entry
            out[name] = node.read(raw, _join(path, name), errors)
        self.check_required(out, path, errors)
        return out

    def check_required(self, out: Mapping[str, Any], path: str, errors: list[str]) -> None:
        for name in self.required:
            if name not in out:
                errors.append(_violation(None, _join(path, name), "Member must not be null"))


class _ReaderBuilder:
    """Builds one reader per shape name (per service), sharing them across operations."""

    def __init__(self) -> None:
        self._nodes: dict[str, _Node] = {}
        self._lock = threading.Lock()

    def node(self, shape: Any) -> _Node:
        with self._lock:
            return self._build(shape)

    def _build(self, shape: Any) -> _Node:
        found = self._nodes.get(shape.name)
        if found is not None:
            return found
        type_name = shape.type_name
        node: _Node
        if type_name == "structure":
            struct = _Structure(shape)
            self._nodes[shape.name] = struct  # before the members: shapes may be recursive
            for name, member in shape.members.items():
                child = self._build(member)
                wire = member.serialization.get("name", name)
                struct.members.append((name, wire, child))
                struct.by_wire[wire] = (name, child)
            return struct
        if type_name == "list":
            lst = _List(shape)
            self._nodes[shape.name] = lst
            lst.member = self._build(shape.member)
            return lst
        if type_name == "map":
            mp = _Map(shape)
            self._nodes[shape.name] = mp
            mp.key = self._build(shape.key)
            mp.value = self._build(shape.value)
            return mp
        if type_name == "string":
            node = _String(shape)
        elif type_name in ("integer", "long", "short", "byte"):
            node = _Number(shape, integral=True)
        elif type_name in ("double", "float"):
            node = _Number(shape, integral=False)
        elif type_name == "boolean":
            node = _Boolean()
        elif type_name == "timestamp":
            node = _Timestamp()
        elif type_name == "blob":
            node = _Blob(shape)
        else:
            raise ValueError(f"unsupported shape type {type_name} ({shape.name})")
        self._nodes[shape.name] = node
        return node


# ---------------------------------------------------------------------------------------------
# Writers: handler value -> JSON value, walking the output shape.

Writer = Callable[[Any], Any]


def _to_epoch(value: Any) -> float:
    if isinstance(value, datetime):
        moment: datetime = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.timestamp()
    return float(value)


def _timestamp_writer(fmt: str) -> Writer:
    if fmt == "iso8601":
        return lambda v: (
            datetime.fromtimestamp(_to_epoch(v), UTC).isoformat(timespec="milliseconds")[:-6] + "Z"
        )
    if fmt == "rfc822":
        return lambda v: email.utils.formatdate(_to_epoch(v), usegmt=True)
    # unixTimestamp: epoch seconds as a JSON number, millisecond precision.
    return lambda v: round(_to_epoch(v), 3)


def _write_string(value: Any) -> Any:
    return value if type(value) is str else str(value)


def _write_blob(value: Any) -> Any:
    if isinstance(value, str):
        value = value.encode()
    return base64.b64encode(value).decode("ascii")


_SCALAR_WRITERS: dict[str, Writer] = {
    "string": _write_string,
    "integer": int,
    "long": int,
    "short": int,
    "byte": int,
    "double": float,
    "float": float,
    "boolean": bool,
    "blob": _write_blob,
}


class _WriterBuilder:
    def __init__(self) -> None:
        self._writers: dict[tuple[str, str | None], Writer] = {}
        self._lock = threading.Lock()

    def writer(self, shape: Any, timestamp_format: str | None = None) -> Writer:
        with self._lock:
            return self._build(shape, timestamp_format)

    def _build(self, shape: Any, timestamp_format: str | None = None) -> Writer:
        type_name = shape.type_name
        if type_name in _SCALAR_WRITERS:
            return _SCALAR_WRITERS[type_name]
        if type_name == "timestamp":
            return _timestamp_writer(
                timestamp_format or shape.serialization.get("timestampFormat") or "unixTimestamp"
            )
        key = (shape.name, timestamp_format)
        found = self._writers.get(key)
        if found is not None:
            return found
        if type_name == "structure":
            members: dict[str, tuple[str, Writer]] = {}

            def write_structure(value: Any) -> Any:
                out: dict[str, Any] = {}
                for name, item in value.items():
                    if item is None:
                        continue
                    entry = members.get(name)
                    if entry is not None:
                        out[entry[0]] = entry[1](item)
                return out

            self._writers[key] = write_structure  # before the members: recursion
            for name, member in shape.members.items():
                members[name] = (
                    member.serialization.get("name", name),
                    self._build(member, member.serialization.get("timestampFormat")),
                )
            return write_structure
        if type_name == "list":
            cell: list[Writer] = []

            def write_list(value: Any) -> Any:
                w = cell[0]
                return [w(v) for v in value if v is not None]

            self._writers[key] = write_list
            cell.append(self._build(shape.member))
            return write_list
        if type_name == "map":
            cells: list[Writer] = []

            def write_map(value: Any) -> Any:
                w = cells[0]
                return {str(k): w(v) for k, v in value.items() if v is not None}

            self._writers[key] = write_map
            cells.append(self._build(shape.value))
            return write_map
        raise ValueError(f"unsupported shape type {type_name} ({shape.name})")


def _header_text(shape: Any, value: Any, timestamp_format: str | None) -> str:
    if shape.type_name == "boolean":
        return "true" if value else "false"
    if shape.type_name == "timestamp":
        fmt = timestamp_format or "rfc822"
        return str(_timestamp_writer(fmt)(value))
    return str(value)


# ---------------------------------------------------------------------------------------------
# Per operation


class _OperationCodec:
    def __init__(self, op: Any, readers: _ReaderBuilder, writers: _WriterBuilder) -> None:
        self.name: str = op.name
        self.status: int = int(op.http.get("responseCode", 200))
        self.labels: list[tuple[str, str, _Node]] = []
        self.queries: list[tuple[str, str, _Node, bool]] = []  # (name, key, node, is_list)
        self.query_map: tuple[str, _Node] | None = None
        self.headers: list[tuple[str, str, _Node]] = []
        self.header_maps: list[tuple[str, str, _Node]] = []
        self.payload: tuple[str, _Node] | None = None
        self.has_body = False
        self.input: _Structure | None = None
        input_shape = op.input_shape
        if input_shape is not None:
            node = readers.node(input_shape)
            assert isinstance(node, _Structure)
            self.input = node
            payload_name = input_shape.serialization.get("payload")
            for name, member in input_shape.members.items():
                location = member.serialization.get("location")
                wire = member.serialization.get("name", name)
                child = readers.node(member)
                if location == "uri":
                    self.labels.append((name, wire, child))
                elif location == "querystring":
                    if member.type_name == "map":
                        self.query_map = (name, child)
                    else:
                        self.queries.append((name, wire, child, member.type_name == "list"))
                elif location == "header":
                    self.headers.append((name, wire, child))
                elif location == "headers":
                    self.header_maps.append((name, wire.lower(), child))
                elif name == payload_name:
                    self.payload = (name, child)
                else:
                    self.has_body = True
        self.output_members: list[tuple[str, str | None, str, Any, Writer]] = []
        self.output_payload: tuple[str, Any, Writer] | None = None
        self.output_body: Writer | None = None
        output_shape = op.output_shape
        if output_shape is not None:
            payload_name = output_shape.serialization.get("payload")
            for name, member in output_shape.members.items():
                location = member.serialization.get("location")
                ts_format = member.serialization.get("timestampFormat")
                writer = writers.writer(member, ts_format)
                if location in ("header", "headers", "statusCode"):
                    wire = member.serialization.get("name", name)
                    self.output_members.append((name, location, wire, member, writer))
                elif name == payload_name:
                    self.output_payload = (name, member, writer)
            if self.output_payload is None:
                self.output_body = writers.writer(output_shape)

    def parse(
        self,
        labels: Mapping[str, str],
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> dict[str, Any]:
        errors: list[str] = []
        params: dict[str, Any] = {}
        for name, wire, node in self.labels:
            if wire in labels:
                params[name] = node.read_text(labels[wire], name, errors)
        claimed: set[str] = set()
        for name, key, node, is_list in self.queries:
            values = query.get(key)
            if values is None:
                continue
            claimed.add(key)
            if is_list:
                assert isinstance(node, _List)
                params[name] = node.read_texts(values, name, errors)
            else:
                params[name] = node.read_text(values[0], name, errors)
        if self.query_map is not None:
            name, node = self.query_map
            assert isinstance(node, _Map)
            rest = {k: v for k, v in query.items() if k not in claimed}
            if rest:
                multi = isinstance(node.value, _List)
                params[name] = node.read(
                    {k: v if multi else v[0] for k, v in rest.items()}, name, errors
                )
        for name, wire, node in self.headers:
            text = headers.get(wire)
            if text is not None:
                params[name] = node.read_text(text, name, errors)
        for name, prefix, node in self.header_maps:
            found = {
                k[len(prefix) :]: v for k, v in headers.items() if k.lower().startswith(prefix)
            }
            if found:
                params[name] = node.read(found, name, errors)
        if self.payload is not None:
            name, node = self.payload
            if body:
                if isinstance(node, _Blob):
                    params[name] = node.read(body, name, errors)
                elif isinstance(node, _String):
                    params[name] = node.read(_decode_text(body), name, errors)
                else:
                    params[name] = node.read(_load_json(body), name, errors)
        elif self.has_body and body.strip() and self.input is not None:
            document = _load_json(body)
            if not isinstance(document, dict):
                raise _BadInput("The request body must be a JSON object")
            for wire, raw in document.items():
                entry = self.input.by_wire.get(wire)
                if entry is None or raw is None or entry[0] in params:
                    continue  # unknown body members are ignored, as AWS does
                params[entry[0]] = entry[1].read(raw, entry[0], errors)
        if self.input is not None:
            self.input.check_required(params, "", errors)
        if errors:
            count = len(errors)
            noun = "error" if count == 1 else "errors"
            raise ServiceError(
                INVALID_REQUEST, f"{count} validation {noun} detected: " + "; ".join(errors)
            )
        return params

    def serialize(self, result: Mapping[str, Any] | None) -> HttpResponse:
        response = HttpResponse(self.status, {"Content-Type": "application/json"})
        if not result:
            return response
        for name, location, wire, member, _writer in self.output_members:
            value = result.get(name)
            if value is None:
                continue
            if location == "statusCode":
                response.status = int(value)
            elif location == "header":
                ts_format = member.serialization.get("timestampFormat")
                response.headers[wire] = _header_text(member, value, ts_format)
            else:  # "headers": a map spread over prefixed headers
                for key, item in value.items():
                    if item is not None:
                        response.headers[f"{wire}{key}"] = str(item)
        if self.output_payload is not None:
            name, member, writer = self.output_payload
            value = result.get(name)
            if value is None:
                return response
            if member.type_name == "blob":
                response.body = value if isinstance(value, bytes) else str(value).encode()
                response.headers["Content-Type"] = "application/octet-stream"
            elif member.type_name == "string":
                response.body = str(value).encode()
                response.headers["Content-Type"] = "text/plain"
            else:
                response.body = _dump(writer(value))
            return response
        assert self.output_body is not None
        response.body = _dump(self.output_body(result))
        return response


def _decode_text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise _BadInput("The request body is not valid UTF-8") from None


def _load_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _BadInput(f"The request body is not valid JSON: {exc}") from None


def _dump(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Per service


class ServiceProtocol:
    """Routing, parsing, validation and serialization for one service, from its model."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.model = model.service_model(service)
        self.router = Router(self.model)
        self._readers = _ReaderBuilder()
        self._writers = _WriterBuilder()
        self._errors = _WriterBuilder()
        self._codecs: dict[str, _OperationCodec] = {}
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

    def codec(self, operation: str) -> _OperationCodec:
        found = self._codecs.get(operation)
        if found is None:
            with self._lock:
                found = self._codecs.get(operation)
                if found is None:
                    op = self.model.operation_model(operation)
                    found = _OperationCodec(op, self._readers, self._writers)
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
        except _BadInput as exc:
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
        body["message"] = err.message
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": err.code}
        if request_id:
            headers["x-amzn-RequestId"] = request_id
        return HttpResponse(status, headers, _dump(body))


@cache
def protocol_for(service: str) -> ServiceProtocol:
    return ServiceProtocol(service)


def parse_query(raw_query: str) -> dict[str, list[str]]:
    """A raw query string -> {key: [values]}, in order (repeated keys are list members)."""
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        query.setdefault(key, []).append(value)
    return query
