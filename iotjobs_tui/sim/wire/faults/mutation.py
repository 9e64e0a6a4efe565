"""Response mutation: what a broken proxy, a newer service or a non-AWS endpoint might send.

A mutation rewrites a successful response's JSON body, guided by the operation's output shape
in the botocore model, so it knows which values are enums, strings, numbers and members:

| kind           | what it does                                                             |
| -------------- | ------------------------------------------------------------------------ |
| unknown-enum   | an enum value becomes `value` (default `PAUSED_BY_ALIEN`)                |
| drop-member    | a structure member is removed                                            |
| extra-member   | every structure gains member `member` (default `simExtraMember`) = value |
| wrong-type     | a string becomes 42, a number "forty-two", a boolean "yes"               |
| long-string    | a string becomes `size` characters (default 10 KB), its old value first |
| replace        | member `member` is set to `value` (any JSON), wherever it appears        |

With `member` named, every occurrence of that member in the response is changed; without it,
one place is drawn at random (seeded: the same requests get the same changes). Only values at
structure members are named; list items and map values are drawn only at random.

wrong-type changes scalars only, and picks values botocore's restJson parser cannot heal: it
passes a number through where a string is modeled, converts numeric strings to numbers (so a
number becomes "forty-two", and the client raises ValueError while parsing) and reads any
string as a boolean (so "yes" arrives as False). A structure or list turned into a string
would only make botocore fail with an AttributeError, so they are left alone, as are
timestamps and blobs (for wrong-type and long-string alike). Responses whose payload is not
a JSON structure (none of the Jobs APIs) and error responses are never mutated.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.model import Shape

from iotjobs_tui.sim.wire import model

UNKNOWN_ENUM_VALUE = "PAUSED_BY_ALIEN"
EXTRA_MEMBER = "simExtraMember"
EXTRA_VALUE = "added by the emulator"
LONG_STRING_SIZE = 10 * 1024
MAX_LONG_STRING_SIZE = 1024 * 1024
# What wrong-type makes of a string, a number and a boolean (see the docstring).
WRONG_TYPE_NUMBER = 42
WRONG_TYPE_TEXT = "forty-two"
WRONG_TYPE_BOOLEAN = "yes"
KINDS: tuple[str, ...] = (
    "unknown-enum",
    "drop-member",
    "extra-member",
    "wrong-type",
    "long-string",
    "replace",
)
_NUMBERS = frozenset({"integer", "long", "float", "double"})
_SCALARS = _NUMBERS | {"string", "boolean"}


@dataclass
class _Site:
    holder: Any  # the dict or list holding the value
    key: Any  # its key or index
    shape: Shape
    name: str | None  # the member name, when the holder is a structure


@cache
def _body_shape(service: str, operation: str) -> Shape | None:
    """The shape the JSON body follows, or None when the body is not a JSON structure."""
    output = model.operation_model(service, operation).output_shape
    if output is None:
        return None
    payload = output.serialization.get("payload")
    if payload is None:
        return output
    member = output.members[payload]
    return member if member.type_name == "structure" else None


def _walk(value: Any, shape: Shape, sites: list[_Site], structures: list[dict[str, Any]]) -> None:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        structures.append(value)
        for name, member in shape.members.items():
            if member.serialization.get("location"):
                continue  # a header or status code, not in the body
            wire = member.serialization.get("name", name)
            if wire in value:
                sites.append(_Site(value, wire, member, wire))
                _walk(value[wire], member, sites, structures)
    elif kind == "list" and isinstance(value, list):
        item_shape = shape.member
        for index, item in enumerate(value):
            sites.append(_Site(value, index, item_shape, None))
            _walk(item, item_shape, sites, structures)
    elif kind == "map" and isinstance(value, dict):
        value_shape = shape.value
        for key, item in value.items():
            sites.append(_Site(value, key, value_shape, None))
            _walk(item, value_shape, sites, structures)


def _is_enum(site: _Site) -> bool:
    return bool(getattr(site.shape, "enum", None)) and isinstance(site.holder[site.key], str)


def _is_string(site: _Site) -> bool:
    return site.shape.type_name == "string" and isinstance(site.holder[site.key], str)


def _is_scalar(site: _Site) -> bool:
    return site.shape.type_name in _SCALARS


_CANDIDATES: dict[str, Callable[[_Site], bool]] = {
    "unknown-enum": _is_enum,
    "drop-member": lambda site: site.name is not None,
    "wrong-type": _is_scalar,
    "long-string": _is_string,
    "replace": lambda site: True,
}


def _wrong(value: Any) -> Any:
    if isinstance(value, str):
        return WRONG_TYPE_NUMBER
    if isinstance(value, bool):
        return WRONG_TYPE_BOOLEAN
    return WRONG_TYPE_TEXT


def _long(value: Any, size: int) -> str:
    text = value if isinstance(value, str) else ""
    return (text + "x" * size)[:size]


def apply(
    kind: str, params: Mapping[str, Any], document: dict[str, Any], shape: Shape, rng: random.Random
) -> int:
    """Mutate `document` in place; returns how many values were changed."""
    sites: list[_Site] = []
    structures: list[dict[str, Any]] = []
    _walk(document, shape, sites, structures)
    member = params.get("member")
    if kind == "extra-member":
        name = member or EXTRA_MEMBER
        value = params.get("value", EXTRA_VALUE)
        for structure in structures:
            structure.setdefault(name, value)
        return len(structures)
    accept = _CANDIDATES[kind]
    chosen = [s for s in sites if accept(s) and (member is None or s.name == member)]
    if member is None and chosen:
        chosen = [rng.choice(chosen)]
    for site in chosen:
        current = site.holder[site.key]
        if kind == "unknown-enum":
            site.holder[site.key] = params.get("value", UNKNOWN_ENUM_VALUE)
        elif kind == "drop-member":
            site.holder.pop(site.key, None)
        elif kind == "wrong-type":
            site.holder[site.key] = _wrong(current)
        elif kind == "long-string":
            site.holder[site.key] = _long(current, params.get("size", LONG_STRING_SIZE))
        else:  # replace
            site.holder[site.key] = params["value"]
    return len(chosen)


def mutate_body(
    service: str,
    operation: str,
    body: bytes,
    mutations: Sequence[tuple[str, Mapping[str, Any], random.Random]],
) -> bytes:
    """`body` with each (kind, params, rng) mutation applied in turn; unchanged when it is not
    a JSON object or the operation's body is not a structure."""
    shape = _body_shape(service, operation)
    if shape is None:
        return body
    try:
        document = json.loads(body)
    except ValueError:
        return body
    if not isinstance(document, dict):
        return body
    for kind, params, rng in mutations:
        apply(kind, params, document, shape, rng)
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@cache
def _output_member_names(service: str, operation: str) -> frozenset[str]:
    """Every member name that can appear in an operation's response body."""
    names: set[str] = set()
    seen: set[str] = set()
    root = _body_shape(service, operation)
    stack = [root] if root is not None else []
    while stack:
        shape = stack.pop()
        if shape.name in seen:
            continue
        seen.add(shape.name)
        if shape.type_name == "structure":
            for name, member in shape.members.items():
                if not member.serialization.get("location"):
                    names.add(member.serialization.get("name", name))
                    stack.append(member)
        elif shape.type_name == "list":
            stack.append(shape.member)
        elif shape.type_name == "map":
            stack.append(shape.value)
    return frozenset(names)


def member_known(member: str, operations: Sequence[tuple[str, str]]) -> bool:
    """Whether `member` can appear in the response of any of `operations` (service, name)."""
    return any(member in _output_member_names(svc, op) for svc, op in operations)
