"""Keeps each region's fleet index and its dynamic thing groups current with the registry.

The registry handlers call `thing_changed` after every change to a thing (created, updated,
deleted, added to or removed from a group). The index then re-reads the thing, at once or
`index_lag_seconds` later (AWS's index is eventually consistent), and re-evaluates the
dynamic groups on its new document, oldest group first. A dynamic group is a `ThingGroup`
whose `things` this module keeps current, so everything that reads static membership (job
targets, ListThingsInThingGroup, ListThingGroupsForThing) reads dynamic membership too, and a
thing joining or leaving one reaches the job engine by the same calls as a static group:
`thing_joined_group` (a CONTINUOUS job gives it an execution) and `thing_left_group` (its
QUEUED execution is REMOVED).

The 10-group limit counts dynamic groups, as documented: a thing at the limit joins a dynamic
group only by leaving a newer dynamic one, and `overrideDynamicGroups` lets a static group
take the place of the newest dynamic one.
"""

from __future__ import annotations

from iotjobs_tui.sim.emulator_config import EmulatorConfig
from iotjobs_tui.sim.engine.fleet import MAX_GROUPS_PER_THING, ancestors
from iotjobs_tui.sim.engine.fleet_index import THINGS_INDEX, DynamicStatus, ThingIndex
from iotjobs_tui.sim.engine.fleet_query import ThingDoc
from iotjobs_tui.sim.engine.job_engine import JobEngine
from iotjobs_tui.sim.engine.state import RegionState, Thing, ThingGroup
from iotjobs_tui.sim.wire.errors import ServiceError

OFF = "OFF"


# --- configuration ----------------------------------------------------------------------------


def thing_mode(config: EmulatorConfig, index: ThingIndex) -> str:
    """thingIndexingMode; a region that never set it follows the connectivity switch."""
    if index.thing_mode is not None:
        return index.thing_mode
    return "REGISTRY" if config.connectivity_indexing else OFF


def connectivity_mode(config: EmulatorConfig, index: ThingIndex) -> str:
    if index.connectivity_mode is not None:
        return index.connectivity_mode
    return "STATUS" if config.connectivity_indexing else OFF


def configure(
    engine: JobEngine,
    state: RegionState,
    mode: str,
    connectivity: str,
    at: float,
) -> None:
    """UpdateIndexingConfiguration's thing part (validated by the handler)."""
    index = state.index
    was_on = thing_mode(engine.config, index) != OFF
    index.thing_mode = mode
    index.connectivity_mode = connectivity
    if mode == OFF:
        index.drop()
        return
    if was_on:
        return
    lag = engine.config.index_lag_seconds
    index.ready_at = at + max(lag, 0.0)
    if lag <= 0:
        build(engine, state)
    else:
        index.build_event = engine.schedule(index.ready_at, lambda _at: build(engine, state))


def require_index(engine: JobEngine, state: RegionState, index_name: str | None) -> ThingIndex:
    """The region's AWS_Things index, ready to answer a query (built now if it never was)."""
    config = engine.config
    index = state.index
    if index_name not in (None, THINGS_INDEX):
        raise ServiceError("ResourceNotFoundException", f"Index {index_name} does not exist.")
    if thing_mode(config, index) == OFF:
        raise ServiceError(config.index_off_error, f"Index {THINGS_INDEX} does not exist.")
    if not index.built:
        if index.build_event is not None:
            raise ServiceError(
                "IndexNotReadyException", f"Index {THINGS_INDEX} is still being built."
            )
        build(engine, state)
    return index


def build(engine: JobEngine, state: RegionState) -> None:
    """Index every thing of the registry as it is now."""
    config = engine.config
    state.index.build_event = None
    things = state.things.values()
    if config.index_group_names == "direct":
        # make_doc inlined: the demo indexes 100,000 things at startup.
        docs = [
            ThingDoc(
                t.name, t.thing_id, t.type_name, t.attributes, tuple(sorted(t.groups)), t.version
            )
            for t in things
        ]
    else:
        docs = [make_doc(state, t, config) for t in things]
    state.index.load(docs)


def make_doc(state: RegionState, thing: Thing, config: EmulatorConfig) -> ThingDoc:
    groups = thing.groups
    if config.index_group_names == "with_ancestors":
        names = set(groups)
        for group in groups:
            names.update(ancestors(state, group))
        groups = names
    return ThingDoc(
        thing.name,
        thing.thing_id,
        thing.type_name,
        thing.attributes,
        tuple(sorted(groups)),
        thing.version,
    )


# --- things -----------------------------------------------------------------------------------


def thing_changed(engine: JobEngine, state: RegionState, name: str, at: float) -> None:
    """A thing was created, updated, deleted or changed groups: reindex it (maybe later)."""
    index = state.index
    if not index.built:
        return  # nothing indexed yet: a later build reads the whole registry
    lag = engine.config.index_lag_seconds
    if lag <= 0:
        reindex(engine, state, name, at)
    elif name not in index.pending:
        # One pending reindex a thing: it reads the thing as it is when it runs.
        index.pending[name] = engine.schedule(
            at + lag, lambda when: reindex(engine, state, name, when)
        )


def reindex(engine: JobEngine, state: RegionState, name: str, at: float) -> None:
    index = state.index
    index.pending.pop(name, None)
    if not index.built:
        return
    config = engine.config
    thing = state.things.get(name)
    if thing is None:
        index.remove(name)
        return
    doc = make_doc(state, thing, config)
    changed = False
    # Oldest first, on the document as indexed: dynamic groups do not re-trigger each other
    # ("only the final state of a thing is evaluated").
    for group_name in list(index.dynamic):
        group = state.groups[group_name]
        assert group.dynamic is not None
        wanted = group.dynamic.query.matches(doc)
        member = name in group.things
        if wanted and not member:
            changed |= join_dynamic(engine, state, group, thing, at)
        elif member and not wanted:
            leave_dynamic(engine, state, group, thing, at)
            changed = True
    index.put(make_doc(state, thing, config) if changed else doc)


# --- dynamic groups ---------------------------------------------------------------------------


def add_dynamic(engine: JobEngine, state: RegionState, group: ThingGroup, at: float) -> None:
    """Register a new dynamic group and backfill it from the index."""
    state.groups[group.name] = group
    state.index.dynamic[group.name] = state.next_seq()
    schedule_rebuild(engine, state, group, "BUILDING", at)


def schedule_rebuild(
    engine: JobEngine, state: RegionState, group: ThingGroup, status: DynamicStatus, at: float
) -> None:
    """Backfill membership from the index, now or after the index lag (BUILDING/REBUILDING
    meanwhile; documented: the group can be used, but may miss things, until ACTIVE)."""
    definition = group.dynamic
    assert definition is not None
    if definition.rebuild_event is not None:
        definition.rebuild_event.cancel()
        definition.rebuild_event = None
    definition.status = status
    lag = engine.config.index_lag_seconds
    if lag <= 0:
        rebuild(engine, state, group, at)
    else:
        definition.rebuild_event = engine.schedule(
            at + lag, lambda when: rebuild(engine, state, group, when)
        )


def rebuild(engine: JobEngine, state: RegionState, group: ThingGroup, at: float) -> None:
    definition = group.dynamic
    if definition is None or state.groups.get(group.name) is not group:
        return
    definition.rebuild_event = None
    matched = state.index.select(definition.query)
    leaving = sorted(group.things - matched)
    joining = sorted(matched - group.things)
    changed: list[str] = []
    for name in leaving:
        leave_dynamic(engine, state, group, state.things[name], at)
        changed.append(name)
    for name in joining:
        thing = state.things.get(name)  # the index may still hold a deleted thing
        if thing is not None and join_dynamic(engine, state, group, thing, at):
            changed.append(name)
    definition.status = "ACTIVE"
    for name in changed:
        thing_changed(engine, state, name, at)  # their thingGroupNames changed


def remove_dynamic(engine: JobEngine, state: RegionState, group: ThingGroup, at: float) -> None:
    """DeleteDynamicThingGroup: members leave (the registry keeps the things)."""
    definition = group.dynamic
    if definition is not None and definition.rebuild_event is not None:
        definition.rebuild_event.cancel()
        definition.rebuild_event = None
    members = sorted(group.things)
    for name in members:
        leave_dynamic(engine, state, group, state.things[name], at)
    del state.groups[group.name]
    state.index.dynamic.pop(group.name, None)
    for name in members:
        thing_changed(engine, state, name, at)


def join_dynamic(
    engine: JobEngine, state: RegionState, group: ThingGroup, thing: Thing, at: float
) -> bool:
    """Add a matching thing, by the documented rule at the 10-group limit: it joins only by
    leaving a newer dynamic group (AWS logs AddThingToDynamicThingGroupsFailed otherwise)."""
    if len(thing.groups) >= MAX_GROUPS_PER_THING:
        newest = newest_dynamic(state, thing)
        if newest is None or _seq(state, newest) < _seq(state, group):
            return False
        leave_dynamic(engine, state, newest, thing, at)
    group.things.add(thing.name)
    thing.groups.add(group.name)
    engine.thing_joined_group(state, thing.name, group.name, at)
    return True


def leave_dynamic(
    engine: JobEngine, state: RegionState, group: ThingGroup, thing: Thing, at: float
) -> None:
    group.things.discard(thing.name)
    thing.groups.discard(group.name)
    engine.thing_left_group(state, thing, group.name, at)


def newest_dynamic(state: RegionState, thing: Thing) -> ThingGroup | None:
    """The most recently created dynamic group the thing is in."""
    mine = [n for n in thing.groups if n in state.index.dynamic]
    if not mine:
        return None
    return state.groups[max(mine, key=lambda n: state.index.dynamic[n])]


def _seq(state: RegionState, group: ThingGroup) -> int:
    return state.index.dynamic[group.name]


def make_room(engine: JobEngine, state: RegionState, thing: Thing, at: float) -> bool:
    """overrideDynamicGroups on a thing at the limit: leave the newest dynamic group."""
    newest = newest_dynamic(state, thing)
    if newest is None:
        return False
    leave_dynamic(engine, state, newest, thing, at)
    return True


def dynamic_evictions(state: RegionState, final: set[str]) -> list[ThingGroup] | None:
    """UpdateThingGroupsForThing with overrideDynamicGroups: the dynamic groups, newest first,
    whose leaving brings `final` (the thing's groups after the call) within the limit; None
    when leaving every dynamic group is not enough."""
    excess = len(final) - MAX_GROUPS_PER_THING
    if excess <= 0:
        return []
    dynamic = sorted(
        (n for n in final if n in state.index.dynamic),
        key=lambda n: state.index.dynamic[n],
        reverse=True,
    )
    if len(dynamic) < excess:
        return None
    return [state.groups[n] for n in dynamic[:excess]]


def is_dynamic(group: ThingGroup) -> bool:
    return group.dynamic is not None
