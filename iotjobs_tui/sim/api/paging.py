"""Opaque, stable list paging.

A nextToken encodes the sort key of the last item returned (plus which list it belongs to),
so pages stay correct when items are inserted or deleted between calls. A token that does not
decode, or that belongs to another list, is an InvalidRequestException.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from iotjobs_tui.sim.wire.errors import invalid_request

T = TypeVar("T")
Key = tuple[Any, ...]


def encode_token(kind: str, key: Key) -> str:
    raw = json.dumps({"k": kind, "a": list(key)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(kind: str, token: str) -> Key:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(data, dict) or data.get("k") != kind or not isinstance(data["a"], list):
            raise ValueError(kind)
        key = tuple(data["a"])
        if not all(isinstance(part, (str, int, float)) for part in key):
            raise ValueError(kind)
        return key
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise invalid_request("The provided nextToken is not valid.") from None


def page_size(params: dict[str, Any], default: int) -> int:
    value = params.get("maxResults")
    return default if value is None else int(value)


def paginate(
    items: Iterable[T],
    key: Callable[[T], Key],
    params: dict[str, Any],
    kind: str,
    default_size: int,
    *,
    descending: bool = False,
    keep: Callable[[T], bool] | None = None,
) -> tuple[list[T], str | None]:
    """One page of `items` (already sorted by `key`, ascending or descending).

    `keep` filters without affecting where the next page starts.
    """
    size = page_size(params, default_size)
    token = params.get("nextToken")
    after = decode_token(kind, token) if token else None
    out: list[T] = []
    for item in items:
        k = key(item)
        if after is not None and _not_after(k, after, descending):
            continue
        if keep is not None and not keep(item):
            continue
        if len(out) == size:
            return out, encode_token(kind, key(out[-1]))
        out.append(item)
    return out, None


def paginate_sorted(
    items: Sequence[T],
    key: Callable[[T], Key],
    params: dict[str, Any],
    kind: str,
    default_size: int,
    *,
    keep: Callable[[T], bool] | None = None,
) -> tuple[list[T], str | None]:
    """`paginate` for a long ascending sequence: bisects to the resume point instead of scanning."""
    token = params.get("nextToken")
    start = 0
    if token:
        after = decode_token(kind, token)
        try:
            start = bisect.bisect_right(items, after, key=key)
        except TypeError:
            raise invalid_request("The provided nextToken is not valid.") from None
    size = page_size(params, default_size)
    out: list[T] = []
    for i in range(start, len(items)):
        item = items[i]
        if keep is not None and not keep(item):
            continue
        if len(out) == size:
            return out, encode_token(kind, key(out[-1]))
        out.append(item)
    return out, None


def _not_after(key: Key, after: Key, descending: bool) -> bool:
    """Whether `key` is at or before the token's position (so already returned)."""
    try:
        return key >= after if descending else key <= after
    except TypeError:
        # A token whose key has the wrong types was not made by this list.
        raise invalid_request("The provided nextToken is not valid.") from None
