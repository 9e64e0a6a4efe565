"""Request routing from the botocore models: method + raw path -> operation and labels.

Each service's route table is built from every operation's `http.method`/`http.requestUri`;
nothing here is written per operation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote


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
