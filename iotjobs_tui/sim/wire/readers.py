"""Readers: wire value -> Python value, with every constraint AWS enforces server-side checked.

One reader per shape, built once on first use and shared by every operation using the shape.
A type error (a number where a string belongs, unparseable JSON) stops parsing at once;
constraint violations are collected so the client sees them all, as AWS reports them.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import json
import math
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from iotjobs_tui.sim.wire.patterns import compile_java


class BadInput(Exception):
    """Input of the wrong type: parsing stops at once (InvalidRequestException 400)."""


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


class ShapeReader:
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


class StringReader(ShapeReader):
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
            raise BadInput(f"Invalid value at '{path}': expected a string")
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


class NumberReader(ShapeReader):
    def __init__(self, shape: Any, integral: bool) -> None:
        self.integral = integral
        self.lo: float | None = shape.metadata.get("min")
        self.hi: float | None = shape.metadata.get("max")

    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadInput(f"Invalid value at '{path}': expected a number")
        if self.integral:
            if isinstance(value, float):
                if not value.is_integer():
                    raise BadInput(f"Invalid value at '{path}': expected an integer")
                value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                raise BadInput(f"Invalid value at '{path}': expected a finite number")
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
            raise BadInput(f"Invalid value at '{path}': '{text}' is not {expected}") from None
        return self.read(number, path, errors)


class BooleanReader(ShapeReader):
    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, bool):
            raise BadInput(f"Invalid value at '{path}': expected a boolean")
        return value

    def read_text(self, text: str, path: str, errors: list[str]) -> Any:
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise BadInput(f"Invalid value at '{path}': '{text}' is not true or false")
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


class TimestampReader(ShapeReader):
    """Epoch seconds (botocore's rest-json body default) or ISO-8601/RFC 822 text -> float."""

    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        parsed = _parse_timestamp(value)
        if parsed is None:
            raise BadInput(f"Invalid value at '{path}': expected a timestamp")
        return parsed


class BlobReader(ShapeReader):
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
                raise BadInput(f"Invalid value at '{path}': expected base64 data") from None
        else:
            raise BadInput(f"Invalid value at '{path}': expected base64 data")
        errors.extend(_size_checks(len(data), data, path, self.lo, self.hi))
        return data


class ListReader(ShapeReader):
    def __init__(self, shape: Any) -> None:
        self.lo: int | None = shape.metadata.get("min")
        self.hi: int | None = shape.metadata.get("max")
        self.member: ShapeReader = ShapeReader()  # set by the builder (shapes may be recursive)

    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, list):
            raise BadInput(f"Invalid value at '{path}': expected a list")
        errors.extend(_size_checks(len(value), value, path, self.lo, self.hi))
        member = self.member
        return [member.read(v, f"{path}.{i}.member", errors) for i, v in enumerate(value, 1)]

    def read_texts(self, texts: list[str], path: str, errors: list[str]) -> Any:
        errors.extend(_size_checks(len(texts), texts, path, self.lo, self.hi))
        member = self.member
        return [member.read_text(t, f"{path}.{i}.member", errors) for i, t in enumerate(texts, 1)]


class MapReader(ShapeReader):
    def __init__(self, shape: Any) -> None:
        self.lo: int | None = shape.metadata.get("min")
        self.hi: int | None = shape.metadata.get("max")
        self.key: ShapeReader = ShapeReader()
        self.value: ShapeReader = ShapeReader()

    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, dict):
            raise BadInput(f"Invalid value at '{path}': expected an object")
        errors.extend(_size_checks(len(value), value, path, self.lo, self.hi))
        key_node, value_node = self.key, self.value
        out: dict[Any, Any] = {}
        for k, v in value.items():
            if v is not None:  # JSON null means absent, as for structure members
                out[key_node.read(k, f"{path}.{k}.key", errors)] = value_node.read(
                    v, f"{path}.{k}.value", errors
                )
        return out


class StructureReader(ShapeReader):
    def __init__(self, shape: Any) -> None:
        # (member name, wire name, node); filled by the builder.
        self.members: list[tuple[str, str, ShapeReader]] = []
        self.by_wire: dict[str, tuple[str, ShapeReader]] = {}
        self.required: tuple[str, ...] = tuple(shape.required_members)

    def read(self, value: Any, path: str, errors: list[str]) -> Any:
        if not isinstance(value, dict):
            raise BadInput(f"Invalid value at '{path}': expected an object")
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


class ReaderBuilder:
    """Builds one reader per shape name (per service), sharing them across operations."""

    def __init__(self) -> None:
        self._nodes: dict[str, ShapeReader] = {}
        self._lock = threading.Lock()

    def node(self, shape: Any) -> ShapeReader:
        with self._lock:
            return self._build(shape)

    def _build(self, shape: Any) -> ShapeReader:
        found = self._nodes.get(shape.name)
        if found is not None:
            return found
        type_name = shape.type_name
        node: ShapeReader
        if type_name == "structure":
            struct = StructureReader(shape)
            self._nodes[shape.name] = struct  # before the members: shapes may be recursive
            for name, member in shape.members.items():
                child = self._build(member)
                wire = member.serialization.get("name", name)
                struct.members.append((name, wire, child))
                struct.by_wire[wire] = (name, child)
            return struct
        if type_name == "list":
            lst = ListReader(shape)
            self._nodes[shape.name] = lst
            lst.member = self._build(shape.member)
            return lst
        if type_name == "map":
            mp = MapReader(shape)
            self._nodes[shape.name] = mp
            mp.key = self._build(shape.key)
            mp.value = self._build(shape.value)
            return mp
        if type_name == "string":
            node = StringReader(shape)
        elif type_name in ("integer", "long", "short", "byte"):
            node = NumberReader(shape, integral=True)
        elif type_name in ("double", "float"):
            node = NumberReader(shape, integral=False)
        elif type_name == "boolean":
            node = BooleanReader()
        elif type_name == "timestamp":
            node = TimestampReader()
        elif type_name == "blob":
            node = BlobReader(shape)
        else:
            raise ValueError(f"unsupported shape type {type_name} ({shape.name})")
        self._nodes[shape.name] = node
        return node


def decode_text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("The request body is not valid UTF-8") from None


def load_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadInput(f"The request body is not valid JSON: {exc}") from None
