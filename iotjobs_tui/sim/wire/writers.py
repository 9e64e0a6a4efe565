"""Writers: handler value -> JSON value, walking the output shape (built once per shape)."""

from __future__ import annotations

import base64
import email.utils
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

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


class WriterBuilder:
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


def header_text(shape: Any, value: Any, timestamp_format: str | None) -> str:
    if shape.type_name == "boolean":
        return "true" if value else "false"
    if shape.type_name == "timestamp":
        fmt = timestamp_format or "rfc822"
        return str(_timestamp_writer(fmt)(value))
    return str(value)


def dump_json(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
