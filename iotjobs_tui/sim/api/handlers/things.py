"""Things and thing groups: the registry the job targets resolve against."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.sim.api import views
from iotjobs_tui.sim.api.handlers.common import get_thing, region_state
from iotjobs_tui.sim.api.paging import paginate, paginate_sorted
from iotjobs_tui.sim.api.registry import CONTROL, Operations, RequestContext
from iotjobs_tui.sim.devices import simulated as devices
from iotjobs_tui.sim.devices.connectivity import NEVER_CONNECTED
from iotjobs_tui.sim.engine import index_sync
from iotjobs_tui.sim.engine.fleet import (
    MAX_GROUP_DEPTH,
    MAX_GROUPS_PER_THING,
    ancestors,
    descendants,
    get_group,
    hierarchy_root,
    name_from_arn,
    things_in_group,
)
from iotjobs_tui.sim.engine.state import RegionState, Thing, ThingGroup
from iotjobs_tui.sim.wire.errors import ServiceError, invalid_request, not_found

ops = Operations()


def _attributes(params: dict[str, Any], member: str) -> dict[str, str]:
    payload = params.get(member) or {}
    return dict(payload.get("attributes") or {})


@ops.operation(CONTROL, "CreateThing")
def create_thing(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = region_state(ctx)
    name = params["thingName"]
    attributes = _attributes(params, "attributePayload")
    existing = state.things.get(name)
    if existing is not None:
        # Idempotent for an identical request, as AWS documents for CreateThing.
        if existing.attributes == attributes and existing.type_name == params.get("thingTypeName"):
            return {"thingName": name, "thingArn": existing.arn, "thingId": existing.thing_id}
        raise ServiceError(
            "ResourceAlreadyExistsException",
            f"Thing {name} already exists with different attributes.",
            resourceId=existing.thing_id,
            resourceArn=existing.arn,
        )
    thing = Thing(
        name=name,
        thing_id=ctx.emulator.new_uuid(),
        arn=state.thing_arn(name),
        attributes=attributes,
        type_name=params.get("thingTypeName"),
        created_at=ctx.emulator.now(),
    )
    state.add_thing(thing)
    index_sync.thing_changed(ctx.emulator.engine, state, name, ctx.emulator.now())
    return {"thingName": name, "thingArn": thing.arn, "thingId": thing.thing_id}


@ops.operation(CONTROL, "DescribeThing")
def describe_thing(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return views.thing(get_thing(region_state(ctx), params["thingName"]))


@ops.operation(CONTROL, "ListThings")
def list_things(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = region_state(ctx)
    attr_name = params.get("attributeName")
    attr_value = params.get("attributeValue")
    prefix = bool(params.get("usePrefixAttributeValue"))
    type_name = params.get("thingTypeName")

    def keep(t: Thing) -> bool:
        if type_name is not None and t.type_name != type_name:
            return False
        if attr_name is not None:
            value = t.attributes.get(attr_name)
            if value is None:
                return False
            if attr_value is not None and not (
                value.startswith(attr_value) if prefix else value == attr_value
            ):
                return False
        return True

    items, token = paginate_sorted(
        state.things_by_name(),
        lambda t: (t.name,),
        params,
        "things",
        ctx.emulator.config.default_page_size,
        keep=keep,
    )
    out: dict[str, Any] = {"things": [views.thing_attribute(t) for t in items]}
    if token:
        out["nextToken"] = token
    return out


@ops.operation(CONTROL, "DeleteThing")
def delete_thing(ctx: RequestContext, params: dict[str, Any]) -> None:
    state = region_state(ctx)
    if params["thingName"] not in state.things and ctx.emulator.config.delete_missing_thing_ok:
        return  # Documented: deleting a thing that does not exist succeeds.
    thing = get_thing(state, params["thingName"])
    expected = params.get("expectedVersion")
    if expected is not None and expected != thing.version:
        raise ServiceError(
            "VersionConflictException",
            f"The version of thing {thing.name} is {thing.version}, not {expected}.",
        )
    now = ctx.emulator.now()
    ctx.emulator.engine.thing_deleted(state, thing, now)
    for group in thing.groups:
        state.groups[group].things.discard(thing.name)
    state.remove_thing(thing.name)
    index_sync.thing_changed(ctx.emulator.engine, state, thing.name, now)


@ops.operation(CONTROL, "CreateThingGroup")
def create_thing_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = region_state(ctx)
    name = params["thingGroupName"]
    parent = params.get("parentGroupName")
    props = params.get("thingGroupProperties") or {}
    existing = state.groups.get(name)
    if existing is not None:
        if (
            existing.dynamic is None
            and existing.parent == parent
            and existing.description == props.get("thingGroupDescription")
        ):
            return {
                "thingGroupName": name,
                "thingGroupArn": existing.arn,
                "thingGroupId": existing.group_id,
            }
        raise ServiceError(
            "ResourceAlreadyExistsException",
            f"Thing group {name} already exists with different properties.",
            resourceId=existing.group_id,
            resourceArn=existing.arn,
        )
    if parent is not None:
        # CreateThingGroup models no ResourceNotFoundException: an unknown parent is invalid.
        if parent not in state.groups:
            raise invalid_request(f"Parent thing group {parent} does not exist.")
        if state.groups[parent].dynamic is not None:
            # Documented: dynamic thing groups cannot be part of a hierarchy.
            raise invalid_request(f"Dynamic thing group {parent} cannot be a parent group.")
        if len(ancestors(state, parent)) + 2 > MAX_GROUP_DEPTH:
            raise invalid_request(f"Thing group hierarchies are at most {MAX_GROUP_DEPTH} deep.")
    group = ThingGroup(
        name=name,
        group_id=ctx.emulator.new_uuid(),
        arn=state.group_arn(name),
        parent=parent,
        description=props.get("thingGroupDescription"),
        attributes=_attributes(props, "attributePayload"),
        created_at=ctx.emulator.now(),
    )
    state.groups[name] = group
    if parent is not None:
        state.groups[parent].children.add(name)
    return {"thingGroupName": name, "thingGroupArn": group.arn, "thingGroupId": group.group_id}


@ops.operation(CONTROL, "DescribeThingGroup")
def describe_thing_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = region_state(ctx)
    group = get_group(state, params["thingGroupName"])
    # A group with neither attributes nor a description shows `"thingGroupProperties": {}`
    # (CLI describe-thing-group example).
    props: dict[str, Any] = {}
    if group.attributes:
        props["attributePayload"] = {"attributes": dict(group.attributes)}
    if group.description is not None:
        props["thingGroupDescription"] = group.description
    metadata: dict[str, Any] = {"creationDate": group.created_at}
    if group.parent is not None:
        metadata["parentGroupName"] = group.parent
        metadata["rootToParentThingGroups"] = [
            views.group_ref(state.groups[g]) for g in ancestors(state, group.name)
        ]
    out: dict[str, Any] = {
        "thingGroupName": group.name,
        "thingGroupId": group.group_id,
        "thingGroupArn": group.arn,
        "version": group.version,
        "thingGroupProperties": props,
        "thingGroupMetadata": metadata,
    }
    if group.dynamic is not None:
        out["indexName"] = group.dynamic.index_name
        out["queryString"] = group.dynamic.query.text
        out["queryVersion"] = group.dynamic.query_version
        out["status"] = group.dynamic.status
    return out


@ops.operation(CONTROL, "ListThingGroups")
def list_thing_groups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = region_state(ctx)
    parent = params.get("parentGroup")
    prefix = params.get("namePrefixFilter")
    if parent is not None:
        get_group(state, parent)
        names = (
            descendants(state, parent)
            if params.get("recursive")
            else list(state.groups[parent].children)
        )
    elif (
        params.get("recursive") is False
        and ctx.emulator.config.list_thing_groups_roots_when_not_recursive
    ):
        names = [g.name for g in state.groups.values() if g.parent is None]
    else:
        names = list(state.groups)
    if prefix is not None:
        names = [n for n in names if n.startswith(prefix)]
    items, token = paginate(
        sorted(names),
        lambda n: (n,),
        params,
        "thing-groups",
        ctx.emulator.config.default_page_size,
    )
    out: dict[str, Any] = {"thingGroups": [views.group_ref(state.groups[n]) for n in items]}
    if token:
        out["nextToken"] = token
    return out


def _membership_target(state: RegionState, params: dict[str, Any]) -> tuple[ThingGroup, Thing]:
    group_name = params.get("thingGroupName")
    if group_name is None and params.get("thingGroupArn"):
        group_name = name_from_arn(params["thingGroupArn"], "thinggroup")
    thing_name = params.get("thingName")
    if thing_name is None and params.get("thingArn"):
        thing_name = name_from_arn(params["thingArn"], "thing")
    if group_name is None or thing_name is None:
        raise invalid_request("Specify the thing group and the thing, by name or by ARN.")
    group = state.groups.get(group_name)
    thing = state.things.get(thing_name)
    if group is None:
        raise not_found(f"Thing group {group_name} does not exist.")
    if thing is None:
        raise not_found(f"Thing {thing_name} does not exist.")
    return group, thing


@ops.operation(CONTROL, "AddThingToThingGroup")
def add_thing_to_thing_group(ctx: RequestContext, params: dict[str, Any]) -> None:
    state = region_state(ctx)
    group, thing = _membership_target(state, params)
    join_group(ctx, state, group, thing, override=bool(params.get("overrideDynamicGroups")))


def join_group(
    ctx: RequestContext,
    state: RegionState,
    group: ThingGroup,
    thing: Thing,
    *,
    override: bool = False,
) -> None:
    """Add the thing to the group (a no-op when it is in it), with AWS's documented limits.

    Dynamic groups count towards the limit; with `override` (overrideDynamicGroups) a thing
    at the limit leaves its newest dynamic group to make room.
    """
    _check_static(group)
    if group.name in thing.groups:
        return
    root = hierarchy_root(state, group.name)
    for other in thing.groups:
        if hierarchy_root(state, other) == root:
            # Documented: a thing cannot be in two groups of the same hierarchy.
            raise invalid_request(
                f"Thing {thing.name} is already in {other}, in the same hierarchy as {group.name}."
            )
    engine, now = ctx.emulator.engine, ctx.emulator.now()
    if len(thing.groups) >= MAX_GROUPS_PER_THING and not (
        override and index_sync.make_room(engine, state, thing, now)
    ):
        raise invalid_request(f"A thing can belong to at most {MAX_GROUPS_PER_THING} groups.")
    group.things.add(thing.name)
    thing.groups.add(group.name)
    engine.thing_joined_group(state, thing.name, group.name, now)
    index_sync.thing_changed(engine, state, thing.name, now)


def _check_static(group: ThingGroup) -> None:
    if group.dynamic is not None:
        # Documented: a dynamic group's membership is its query's, not set by hand.
        raise invalid_request(
            f"Thing group {group.name} is dynamic: its members are the things its query matches."
        )


@ops.operation(CONTROL, "RemoveThingFromThingGroup")
def remove_thing_from_thing_group(ctx: RequestContext, params: dict[str, Any]) -> None:
    state = region_state(ctx)
    group, thing = _membership_target(state, params)
    leave_group(ctx, state, group, thing)


def leave_group(ctx: RequestContext, state: RegionState, group: ThingGroup, thing: Thing) -> None:
    """Take the thing out of the group (a no-op when it is not in it)."""
    _check_static(group)
    if group.name not in thing.groups:
        return
    group.things.discard(thing.name)
    thing.groups.discard(group.name)
    engine, now = ctx.emulator.engine, ctx.emulator.now()
    engine.thing_left_group(state, thing, group.name, now)
    index_sync.thing_changed(engine, state, thing.name, now)


@ops.operation(CONTROL, "ListThingsInThingGroup")
def list_things_in_thing_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = region_state(ctx)
    group = get_group(state, params["thingGroupName"])
    names = things_in_group(state, group.name, recursive=bool(params.get("recursive")))
    items, token = paginate(
        names,
        lambda n: (n,),
        params,
        "things-in-group",
        ctx.emulator.config.default_page_size,
    )
    out: dict[str, Any] = {"things": items}
    if token:
        out["nextToken"] = token
    return out


@ops.operation(CONTROL, "GetThingConnectivityData")
def get_thing_connectivity_data(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The thing's MQTT connectivity, from its simulated device (`sim/connectivity.py`)."""
    state = region_state(ctx)
    if index_sync.connectivity_mode(ctx.emulator.config, state.index) == index_sync.OFF:
        raise invalid_request(
            "Thing connectivity indexing is not enabled: set thingConnectivityIndexingMode "
            "to STATUS with UpdateIndexingConfiguration."
        )
    thing = get_thing(state, params["thingName"])
    sim = devices.simulation(ctx.emulator)
    if sim is None or sim.resolve(state, thing.name) is None:
        return NEVER_CONNECTED.as_output(thing.name)
    status = sim.spells.status(state.region, thing.name, ctx.emulator.now(), thing.created_at)
    return status.as_output(thing.name)
