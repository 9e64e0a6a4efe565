"""Changes to the registry after creation: UpdateThing, UpdateThingGroup, DeleteThingGroup,
ListThingGroupsForThing and UpdateThingGroupsForThing.

Membership changes go through the same `join_group`/`leave_group` as AddThingToThingGroup and
RemoveThingFromThingGroup, so CONTINUOUS jobs see them the same way.
"""

from __future__ import annotations

from typing import Any

from iotjobs_tui.sim.api import views
from iotjobs_tui.sim.api.handlers.common import get_thing, region_state
from iotjobs_tui.sim.api.handlers.things import join_group, leave_group
from iotjobs_tui.sim.api.paging import paginate
from iotjobs_tui.sim.api.registry import CONTROL, Operations, RequestContext
from iotjobs_tui.sim.engine import index_sync
from iotjobs_tui.sim.engine.fleet import MAX_GROUPS_PER_THING, get_group, hierarchy_root
from iotjobs_tui.sim.engine.state import RegionState, ThingGroup
from iotjobs_tui.sim.wire.errors import ServiceError, invalid_request, not_found

ops = Operations()


def apply_attributes(current: dict[str, str], payload: dict[str, Any]) -> dict[str, str]:
    """An AttributePayload applied to stored attributes.

    Documented: with `merge` the attributes are merged into the stored ones, and an empty
    value removes an attribute; without it they replace the stored ones.
    """
    given = dict(payload.get("attributes") or {})
    merged = {**current, **given} if payload.get("merge") else given
    return {k: v for k, v in merged.items() if v != ""}


def _check_version(kind: str, name: str, version: int, expected: int | None) -> None:
    if expected is not None and expected != version:
        message = f"The version of {kind} {name} is {version}, not {expected}."
        raise ServiceError("VersionConflictException", message)


@ops.operation(CONTROL, "UpdateThing")
def update_thing(ctx: RequestContext, params: dict[str, Any]) -> None:
    state = region_state(ctx)
    thing = get_thing(state, params["thingName"])
    _check_version("thing", thing.name, thing.version, params.get("expectedVersion"))
    if params.get("removeThingType") and params.get("thingTypeName") is not None:
        # Our reading of the API reference: the two members contradict each other.
        raise invalid_request("Specify thingTypeName or removeThingType, not both.")
    if params.get("thingTypeName") is not None:
        thing.type_name = params["thingTypeName"]
    if params.get("removeThingType"):
        thing.type_name = None
    if "attributePayload" in params:
        thing.attributes = apply_attributes(thing.attributes, params["attributePayload"])
    thing.version += 1
    index_sync.thing_changed(ctx.emulator.engine, state, thing.name, ctx.emulator.now())


@ops.operation(CONTROL, "UpdateThingGroup")
def update_thing_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = get_group(region_state(ctx), params["thingGroupName"])
    _refuse_dynamic(ctx, group, "UpdateDynamicThingGroup")
    _check_version("thing group", group.name, group.version, params.get("expectedVersion"))
    props = params["thingGroupProperties"]
    if "thingGroupDescription" in props:
        group.description = props["thingGroupDescription"]
    if "attributePayload" in props:
        group.attributes = apply_attributes(group.attributes, props["attributePayload"])
    group.version += 1
    return {"version": group.version}


def _refuse_dynamic(ctx: RequestContext, group: ThingGroup, instead: str) -> None:
    if group.dynamic is not None and ctx.emulator.config.dynamic_group_commands_strict:
        raise invalid_request(f"Thing group {group.name} is dynamic: use {instead}.")


@ops.operation(CONTROL, "DeleteThingGroup")
def delete_thing_group(ctx: RequestContext, params: dict[str, Any]) -> None:
    state = region_state(ctx)
    group = state.groups.get(params["thingGroupName"])
    if group is None:
        return  # DeleteThingGroup models no ResourceNotFoundException: a missing group is gone.
    _refuse_dynamic(ctx, group, "DeleteDynamicThingGroup")
    _check_version("thing group", group.name, group.version, params.get("expectedVersion"))
    if group.dynamic is not None:
        index_sync.remove_dynamic(ctx.emulator.engine, state, group, ctx.emulator.now())
        return
    if group.children:
        # Documented: a group with child groups cannot be deleted; delete the children first.
        raise invalid_request(
            f"Cannot delete thing group : {group.name} when it still has child groups"
        )
    # Documented: the things stay in the registry; they only leave the group.
    for name in sorted(group.things):
        leave_group(ctx, state, group, state.things[name])
    if group.parent is not None:
        state.groups[group.parent].children.discard(group.name)
    del state.groups[group.name]


@ops.operation(CONTROL, "ListThingGroupsForThing")
def list_thing_groups_for_thing(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The groups the thing was added to (not their ancestors), by name."""
    state = region_state(ctx)
    thing = get_thing(state, params["thingName"])
    items, token = paginate(
        sorted(thing.groups),
        lambda n: (n,),
        params,
        "thing-groups-for-thing",
        ctx.emulator.config.default_page_size,
    )
    out: dict[str, Any] = {"thingGroups": [views.group_ref(state.groups[n]) for n in items]}
    if token:
        out["nextToken"] = token
    return out


def _groups(state: RegionState, names: list[str]) -> list[ThingGroup]:
    missing = [n for n in names if n not in state.groups]
    if missing:
        raise not_found(f"Thing group {missing[0]} does not exist.")
    dynamic = [n for n in names if state.groups[n].dynamic is not None]
    if dynamic:
        raise invalid_request(
            f"Thing group {dynamic[0]} is dynamic: its members are the things its query matches."
        )
    return [state.groups[n] for n in dict.fromkeys(names)]


@ops.operation(CONTROL, "UpdateThingGroupsForThing")
def update_thing_groups_for_thing(ctx: RequestContext, params: dict[str, Any]) -> None:
    """Adds and removes in one call; dynamic groups cannot be named in either list."""
    state = region_state(ctx)
    if params.get("thingName") is None:
        raise invalid_request("thingName is required.")
    thing = get_thing(state, params["thingName"])
    to_add = _groups(state, list(params.get("thingGroupsToAdd") or []))
    to_remove = _groups(state, list(params.get("thingGroupsToRemove") or []))
    # Check the end result first, so a refused call changes nothing.
    final = (thing.groups - {g.name for g in to_remove}) | {g.name for g in to_add}
    # With overrideDynamicGroups, the newest dynamic groups make room (documented).
    evict = index_sync.dynamic_evictions(state, final)
    if evict is None or (evict and not params.get("overrideDynamicGroups")):
        raise invalid_request(f"A thing can belong to at most {MAX_GROUPS_PER_THING} groups.")
    roots: dict[str, str] = {}
    for name in sorted(final):
        other = roots.setdefault(hierarchy_root(state, name), name)
        if other != name:
            raise invalid_request(
                f"Thing {thing.name} cannot be in {other} and {name}, of the same hierarchy."
            )
    for group in evict:
        index_sync.leave_dynamic(ctx.emulator.engine, state, group, thing, ctx.emulator.now())
    if ctx.emulator.config.update_groups_removes_first:
        for group in to_remove:
            leave_group(ctx, state, group, thing)
    for group in to_add:
        join_group(ctx, state, group, thing)
    if not ctx.emulator.config.update_groups_removes_first:
        for group in to_remove:
            leave_group(ctx, state, group, thing)
