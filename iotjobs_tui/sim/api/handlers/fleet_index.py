"""Fleet indexing: Update/GetIndexingConfiguration, SearchIndex, GetStatistics, DescribeIndex
and ListIndices, over the AWS_Things index of `sim/engine/fleet_index.py` (registry data; the
query language is the subset `sim/engine/fleet_query_parse.py` describes)."""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from typing import Any

from iotjobs_tui.sim.api.handlers.common import region_state
from iotjobs_tui.sim.api.paging import decode_token, encode_token, page_size, paginate
from iotjobs_tui.sim.api.registry import CONTROL, Operations, RequestContext
from iotjobs_tui.sim.devices import simulated as devices
from iotjobs_tui.sim.devices.connectivity import NEVER_CONNECTED
from iotjobs_tui.sim.engine import index_sync
from iotjobs_tui.sim.engine.fleet_index import GROUPS_INDEX, QUERY_VERSION, THINGS_INDEX
from iotjobs_tui.sim.engine.fleet_query import LiveFields, Query, ThingDoc, Values
from iotjobs_tui.sim.engine.fleet_query_parse import parse_query
from iotjobs_tui.sim.engine.state import RegionState
from iotjobs_tui.sim.wire.errors import ServiceError, invalid_request, not_found

ops = Operations()

OFF = index_sync.OFF
_REGISTRY_FIELDS = (
    ("thingId", "String"),
    ("thingName", "String"),
    ("registry.version", "Number"),
    ("registry.thingTypeName", "String"),
    ("registry.thingGroupNames", "String"),
)
_CONNECTIVITY_FIELDS = (
    ("connectivity.connected", "Boolean"),
    ("connectivity.timestamp", "Number"),
    ("connectivity.disconnectReason", "String"),
    ("connectivity.version", "Number"),
)
_SHADOW_FIELDS = (("shadow.version", "Number"), ("shadow.hasDelta", "Boolean"))
_OPTIONS = ("deviceDefenderIndexingMode", "namedShadowIndexingMode", "filter")


def _fields(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"name": name, "type": kind} for name, kind in pairs]


def _managed(mode: str, connectivity: str) -> list[dict[str, str]]:
    pairs: tuple[tuple[str, str], ...] = _REGISTRY_FIELDS
    if mode == "REGISTRY_AND_SHADOW":
        pairs += _SHADOW_FIELDS
    if connectivity != OFF:
        pairs += _CONNECTIVITY_FIELDS
    return _fields(pairs)


@ops.operation(CONTROL, "UpdateIndexingConfiguration")
def update_indexing_configuration(ctx: RequestContext, params: dict[str, Any]) -> None:
    state = region_state(ctx)
    index = state.index
    things = params.get("thingIndexingConfiguration")
    groups = params.get("thingGroupIndexingConfiguration")
    if things is not None:
        mode = things["thingIndexingMode"]
        connectivity = things.get("thingConnectivityIndexingMode", OFF)
        if mode == OFF and connectivity != OFF:
            # Documented: "To enable thing connectivity indexing, thingIndexMode must not be
            # set to OFF."
            raise invalid_request("thingConnectivityIndexingMode STATUS needs thing indexing.")
        if mode == OFF and index.dynamic:
            # Documented: indexing cannot be turned off until every dynamic group is deleted.
            raise invalid_request(
                "Thing indexing cannot be turned off while dynamic thing groups exist."
            )
        custom = list(things.get("customFields") or [])
        managed = {f["name"] for f in _managed("REGISTRY_AND_SHADOW", "STATUS")}
        clash = [f.get("name") for f in custom if f.get("name") in managed]
        if clash:
            raise invalid_request(f"Custom fields cannot be managed fields: {clash[0]}.")
        index.custom_fields = [dict(f) for f in custom]
        index.options = {k: things[k] for k in _OPTIONS if k in things}
        index_sync.configure(ctx.emulator.engine, state, mode, connectivity, ctx.emulator.now())
    if groups is not None:
        index.group_mode = groups["thingGroupIndexingMode"]


@ops.operation(CONTROL, "GetIndexingConfiguration")
def get_indexing_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    index = region_state(ctx).index
    config = ctx.emulator.config
    mode = index_sync.thing_mode(config, index)
    connectivity = index_sync.connectivity_mode(config, index)
    things: dict[str, Any] = {
        "thingIndexingMode": mode,
        "thingConnectivityIndexingMode": connectivity,
        **index.options,
    }
    if mode != OFF:
        things["managedFields"] = _managed(mode, connectivity)
    if index.custom_fields:
        things["customFields"] = [dict(f) for f in index.custom_fields]
    return {
        "thingIndexingConfiguration": things,
        "thingGroupIndexingConfiguration": {"thingGroupIndexingMode": index.group_mode},
    }


def _check_thing_index(state: RegionState, index_name: str | None) -> None:
    if index_name == GROUPS_INDEX:
        if state.index.group_mode == OFF:
            raise not_found(f"Index {GROUPS_INDEX} does not exist.")
        raise invalid_request(f"The emulator does not search {GROUPS_INDEX}, only {THINGS_INDEX}.")


def _query(ctx: RequestContext, params: dict[str, Any], state: RegionState) -> Query:
    version = params.get("queryVersion")
    if version is not None and version != QUERY_VERSION:
        raise invalid_request(f"Query version {version} is not supported (only {QUERY_VERSION}).")
    live = _live_fields(ctx, state)
    return parse_query(params["queryString"], ctx.emulator.config.query_max_terms, live)


def _live_fields(ctx: RequestContext, state: RegionState) -> LiveFields | None:
    """The connectivity fields, read from the devices when the query runs (None with
    connectivity indexing off: the query then names them as unsupported). The simulation and
    the clock are looked up once a query, not once a document: a scan reads 100,000."""
    if index_sync.connectivity_mode(ctx.emulator.config, state.index) == OFF:
        return None
    sim = devices.simulation(ctx.emulator)
    now = ctx.emulator.now()

    def value(key: str) -> Values:
        def values(doc: ThingDoc) -> tuple[str, ...]:
            found = _connectivity_of(sim, state, doc.name, now).get(key)
            if found is None:
                return ()
            return ("true" if found else "false",) if isinstance(found, bool) else (str(found),)

        return values

    return {
        "connectivity.connected": value("connected"),
        "connectivity.timestamp": value("timestamp"),
        "connectivity.disconnectReason": value("disconnectReason"),
    }


@ops.operation(CONTROL, "SearchIndex")
def search_index(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Things matching the query, in thing-name order, paged by the last name returned."""
    state = region_state(ctx)
    _check_thing_index(state, params.get("indexName"))
    index = index_sync.require_index(ctx.emulator.engine, state, params.get("indexName"))
    query = _query(ctx, params, state)
    limit = ctx.emulator.config.search_max_results
    size = page_size(params, min(ctx.emulator.config.default_page_size, limit))
    if size > limit:
        raise invalid_request(f"maxResults cannot exceed {limit}.")
    names = index.sorted_matches(query)
    kind = f"search-index:{query.text}"  # a token only resumes the query that made it
    start = 0
    token = params.get("nextToken")
    if token:
        last = decode_token(kind, token)
        if len(last) != 1 or not isinstance(last[0], str):
            raise invalid_request("The provided nextToken is not valid.")
        start = bisect.bisect_right(names, last[0])
    page = names[start : start + size]
    connectivity = index_sync.connectivity_mode(ctx.emulator.config, state.index) != OFF
    # An AWS_Things search answers `things` only, no empty `thingGroups` (CLI search-index
    # example).
    out: dict[str, Any] = {
        "things": [_document(ctx, state, index.docs[n], connectivity) for n in page],
    }
    if start + size < len(names):
        out["nextToken"] = encode_token(kind, (page[-1],))
    return out


def _document(
    ctx: RequestContext, state: RegionState, doc: ThingDoc, connectivity: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {"thingName": doc.name, "thingId": doc.thing_id}
    if doc.type_name is not None:
        out["thingTypeName"] = doc.type_name
    if doc.groups:
        out["thingGroupNames"] = list(doc.groups)
    if doc.attributes:
        out["attributes"] = dict(doc.attributes)
    if connectivity:
        out["connectivity"] = _connectivity(ctx, state, doc.name)
    return out


def _connectivity(ctx: RequestContext, state: RegionState, name: str) -> dict[str, Any]:
    """As GetThingConnectivityData, from the simulated device (timestamp in milliseconds)."""
    return _connectivity_of(devices.simulation(ctx.emulator), state, name, ctx.emulator.now())


def _connectivity_of(
    sim: devices.DeviceSimulation | None, state: RegionState, name: str, now: float
) -> dict[str, Any]:
    status = NEVER_CONNECTED
    thing = state.things.get(name)
    if sim is not None and thing is not None and sim.resolve(state, name) is not None:
        status = sim.spells.status(state.region, name, now, thing.created_at)
    out: dict[str, Any] = {"connected": status.connected}
    if status.timestamp is not None:
        out["timestamp"] = int(status.timestamp * 1000)
    if status.disconnect_reason is not None:
        out["disconnectReason"] = status.disconnect_reason
    return out


# --- GetStatistics ------------------------------------------------------------------------------

Getter = Callable[[ThingDoc], str | None]
_MANAGED_GETTERS: dict[str, tuple[str, Getter]] = {
    "thingName": ("String", lambda d: d.name),
    "thingId": ("String", lambda d: d.thing_id),
    "registry.thingTypeName": ("String", lambda d: d.type_name),
    "registry.thingGroupNames": ("String", lambda d: d.groups[0] if d.groups else None),
    "registry.version": ("Number", lambda d: str(d.version)),
}


def _aggregation(state: RegionState, name: str) -> tuple[str, Getter]:
    managed = _MANAGED_GETTERS.get(name)
    if managed is not None:
        return managed
    for custom in state.index.custom_fields:
        if custom.get("name") == name and name.startswith("attributes."):
            key = name[len("attributes.") :]
            return custom.get("type", "String"), lambda d, key=key: d.attributes.get(key)
    raise ServiceError(
        "InvalidAggregationException",
        f"Aggregation field {name} is not indexed: the emulator aggregates thingName, thingId, "
        "registry.* and the attributes.* declared in customFields.",
    )


@ops.operation(CONTROL, "GetStatistics")
def get_statistics(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Counts come from the index's lookups when the query allows it (a `thingGroupNames:X`
    count is the size of one set); an aggregation field reads each matching document."""
    state = region_state(ctx)
    _check_thing_index(state, params.get("indexName"))
    index = index_sync.require_index(ctx.emulator.engine, state, params.get("indexName"))
    query = _query(ctx, params, state)
    field = params.get("aggregationField")
    matched = index.select(query)
    if field is None:
        return {"statistics": {"count": len(matched)}}
    kind, getter = _aggregation(state, field)
    raw = [v for v in (getter(index.docs[n]) for n in matched) if v is not None]
    if kind == "Boolean":
        raw = [v for v in raw if v.lower() in ("true", "false")]
    if kind != "Number":
        return {"statistics": {"count": len(raw)}}  # documented: strings give only a count
    numbers = [x for x in (_float(v) for v in raw) if x is not None]
    stats: dict[str, Any] = {"count": len(numbers)}
    if numbers:
        total = math.fsum(numbers)
        squares = math.fsum(x * x for x in numbers)
        mean = total / len(numbers)
        variance = max(squares / len(numbers) - mean * mean, 0.0)
        stats.update(
            average=mean,
            sum=total,
            minimum=min(numbers),
            maximum=max(numbers),
            sumOfSquares=squares,
            variance=variance,
            stdDeviation=math.sqrt(variance),
        )
    return {"statistics": stats}


def _float(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# --- DescribeIndex / ListIndices ------------------------------------------------------------------


def _schema(mode: str, connectivity: str) -> str:
    schema = "REGISTRY_AND_SHADOW" if mode == "REGISTRY_AND_SHADOW" else "REGISTRY"
    return f"{schema}_AND_CONNECTIVITY_STATUS" if connectivity != OFF else schema


@ops.operation(CONTROL, "DescribeIndex")
def describe_index(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = region_state(ctx)
    index = state.index
    name = params["indexName"]
    if name == GROUPS_INDEX and index.group_mode != OFF:
        return {"indexName": name, "indexStatus": "ACTIVE", "schema": "THING_GROUPS"}
    config = ctx.emulator.config
    mode = index_sync.thing_mode(config, index)
    if name != THINGS_INDEX or mode == OFF:
        raise not_found(f"Index {name} does not exist.")
    return {
        "indexName": name,
        "indexStatus": "BUILDING" if index.build_event is not None else "ACTIVE",
        "schema": _schema(mode, index_sync.connectivity_mode(config, index)),
    }


@ops.operation(CONTROL, "ListIndices")
def list_indices(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    index = region_state(ctx).index
    names = []
    if index_sync.thing_mode(ctx.emulator.config, index) != OFF:
        names.append(THINGS_INDEX)
    if index.group_mode != OFF:
        names.append(GROUPS_INDEX)
    items, token = paginate(
        names, lambda n: (n,), params, "indices", ctx.emulator.config.default_page_size
    )
    out: dict[str, Any] = {"indexNames": items}
    if token:
        out["nextToken"] = token
    return out
