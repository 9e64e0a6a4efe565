"""Dynamic thing groups: CreateDynamicThingGroup, UpdateDynamicThingGroup,
DeleteDynamicThingGroup.

A dynamic group is a thing group with a fleet-index query (`ThingGroup.dynamic`); its
membership is kept current by `sim/engine/index_sync.py`, and every other thing group call
(DescribeThingGroup, ListThingsInThingGroup, job targets) treats it like a static one.
Documented differences: it has no parent and cannot be one, and things cannot be added to or
removed from it by hand.
"""

from __future__ import annotations

from typing import Any

from iotjobs_tui.sim.api.handlers.common import region_state
from iotjobs_tui.sim.api.handlers.registry_updates import apply_attributes, delete_thing_group
from iotjobs_tui.sim.api.registry import CONTROL, Operations, RequestContext
from iotjobs_tui.sim.engine import index_sync
from iotjobs_tui.sim.engine.fleet import get_group
from iotjobs_tui.sim.engine.fleet_index import QUERY_VERSION, THINGS_INDEX, DynamicDefinition
from iotjobs_tui.sim.engine.fleet_query import Query
from iotjobs_tui.sim.engine.fleet_query_parse import parse_query
from iotjobs_tui.sim.engine.state import ThingGroup
from iotjobs_tui.sim.wire.errors import ServiceError, invalid_request, limit_exceeded, not_found

ops = Operations()


def _check_index(params: dict[str, Any]) -> None:
    name = params.get("indexName")
    if name is not None and name != THINGS_INDEX:
        # Documented: "Currently one index is supported: AWS_Things."
        raise not_found(f"Index {name} does not exist.")
    version = params.get("queryVersion")
    if version is not None and version != QUERY_VERSION:
        raise invalid_request(f"Query version {version} is not supported (only {QUERY_VERSION}).")


def _query(ctx: RequestContext, text: str) -> Query:
    return parse_query(text, ctx.emulator.config.query_max_terms)


def _check_version(group: ThingGroup, expected: int | None) -> None:
    if expected is not None and expected != group.version:
        raise ServiceError(
            "VersionConflictException",
            f"The version of thing group {group.name} is {group.version}, not {expected}.",
        )


@ops.operation(CONTROL, "CreateDynamicThingGroup")
def create_dynamic_thing_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    em = ctx.emulator
    state = region_state(ctx)
    name = params["thingGroupName"]
    _check_index(params)
    if index_sync.thing_mode(em.config, state.index) == index_sync.OFF:
        # Documented: dynamic groups need fleet indexing. ResourceNotFoundException is the
        # modeled error that says the index is missing.
        raise not_found(f"Index {THINGS_INDEX} does not exist: turn thing indexing on first.")
    query = _query(ctx, params["queryString"])
    props = params.get("thingGroupProperties") or {}
    existing = state.groups.get(name)
    if existing is not None:
        same = existing.dynamic is not None and existing.dynamic.query.text == query.text
        if not same:
            raise ServiceError(
                "ResourceAlreadyExistsException",
                f"Thing group {name} already exists.",
                resourceId=existing.group_id,
                resourceArn=existing.arn,
            )
        return _created(existing)  # idempotent, as CreateThingGroup
    if len(state.index.dynamic) >= em.config.max_dynamic_groups:
        raise limit_exceeded(
            f"An account can have at most {em.config.max_dynamic_groups} dynamic thing groups."
        )
    # Documented: the index backfill must be complete (IndexNotReadyException otherwise).
    index_sync.require_index(em.engine, state, THINGS_INDEX)
    group = ThingGroup(
        name=name,
        group_id=em.new_uuid(),
        arn=state.group_arn(name),
        parent=None,  # documented: dynamic thing groups cannot be part of a hierarchy
        description=props.get("thingGroupDescription"),
        attributes=apply_attributes({}, props.get("attributePayload") or {}),
        created_at=em.now(),
        dynamic=DynamicDefinition(query),
    )
    index_sync.add_dynamic(em.engine, state, group, em.now())
    return _created(group)


def _created(group: ThingGroup) -> dict[str, Any]:
    assert group.dynamic is not None
    return {
        "thingGroupName": group.name,
        "thingGroupArn": group.arn,
        "thingGroupId": group.group_id,
        "indexName": group.dynamic.index_name,
        "queryString": group.dynamic.query.text,
        "queryVersion": group.dynamic.query_version,
    }


@ops.operation(CONTROL, "UpdateDynamicThingGroup")
def update_dynamic_thing_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """New properties and/or a new query; a new query rebuilds membership (REBUILDING)."""
    em = ctx.emulator
    state = region_state(ctx)
    group = get_group(state, params["thingGroupName"])
    definition = group.dynamic
    if definition is None:
        raise invalid_request(
            f"Thing group {group.name} is static: update it with UpdateThingGroup."
        )
    _check_version(group, params.get("expectedVersion"))
    _check_index(params)
    text = params.get("queryString")
    query = _query(ctx, text) if text is not None else None
    props = params["thingGroupProperties"]
    if "thingGroupDescription" in props:
        group.description = props["thingGroupDescription"]
    if "attributePayload" in props:
        group.attributes = apply_attributes(group.attributes, props["attributePayload"])
    group.version += 1
    if query is not None and query.text != definition.query.text:
        definition.query = query
        index_sync.schedule_rebuild(em.engine, state, group, "REBUILDING", em.now())
    return {"version": group.version}


@ops.operation(CONTROL, "DeleteDynamicThingGroup")
def delete_dynamic_thing_group(ctx: RequestContext, params: dict[str, Any]) -> None:
    state = region_state(ctx)
    group = state.groups.get(params["thingGroupName"])
    if group is None:
        return  # not modeled as ResourceNotFoundException: a missing group is already gone
    if group.dynamic is None:
        if ctx.emulator.config.dynamic_group_commands_strict:
            raise invalid_request(
                f"Thing group {group.name} is static: delete it with DeleteThingGroup."
            )
        delete_thing_group(ctx, params)
        return
    _check_version(group, params.get("expectedVersion"))
    index_sync.remove_dynamic(ctx.emulator.engine, state, group, ctx.emulator.now())
