"""One operation's codec: request (labels, query, headers, body) -> validated parameters,
and handler result -> HTTP response, following the operation's input and output shapes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from iotjobs_tui.sim.wire.errors import ServiceError
from iotjobs_tui.sim.wire.readers import (
    BadInput,
    BlobReader,
    ListReader,
    MapReader,
    ReaderBuilder,
    ShapeReader,
    StringReader,
    StructureReader,
    decode_text,
    load_json,
)
from iotjobs_tui.sim.wire.writers import Writer, WriterBuilder, dump_json, header_text

INVALID_REQUEST = "InvalidRequestException"


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"{}"


class OperationCodec:
    """Built once per operation from its model; parse() and serialize() run per request."""

    def __init__(self, op: Any, readers: ReaderBuilder, writers: WriterBuilder) -> None:
        self.name: str = op.name
        self.status: int = int(op.http.get("responseCode", 200))
        self.labels: list[tuple[str, str, ShapeReader]] = []
        self.queries: list[tuple[str, str, ShapeReader, bool]] = []  # (name, key, node, is_list)
        self.query_map: tuple[str, ShapeReader] | None = None
        self.headers: list[tuple[str, str, ShapeReader]] = []
        self.header_maps: list[tuple[str, str, ShapeReader]] = []
        self.payload: tuple[str, ShapeReader] | None = None
        self.has_body = False
        self.input: StructureReader | None = None
        input_shape = op.input_shape
        if input_shape is not None:
            node = readers.node(input_shape)
            assert isinstance(node, StructureReader)
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
                assert isinstance(node, ListReader)
                params[name] = node.read_texts(values, name, errors)
            else:
                params[name] = node.read_text(values[0], name, errors)
        if self.query_map is not None:
            name, node = self.query_map
            assert isinstance(node, MapReader)
            rest = {k: v for k, v in query.items() if k not in claimed}
            if rest:
                multi = isinstance(node.value, ListReader)
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
                if isinstance(node, BlobReader):
                    params[name] = node.read(body, name, errors)
                elif isinstance(node, StringReader):
                    params[name] = node.read(decode_text(body), name, errors)
                else:
                    params[name] = node.read(load_json(body), name, errors)
        elif self.has_body and body.strip() and self.input is not None:
            document = load_json(body)
            if not isinstance(document, dict):
                raise BadInput("The request body must be a JSON object")
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
                response.headers[wire] = header_text(member, value, ts_format)
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
                response.body = dump_json(writer(value))
            return response
        assert self.output_body is not None
        response.body = dump_json(self.output_body(result))
        return response
