"""Things and thing groups: ARN resolution, hierarchy walks and group expansion."""

from __future__ import annotations

from iotjobs_tui.sim.engine.state import RegionState, ThingGroup
from iotjobs_tui.sim.wire.errors import invalid_request, not_found

# Documented hierarchy limit (AWS IoT thing groups: at most 7 levels deep).
MAX_GROUP_DEPTH = 7
# Documented: a thing can belong to at most 10 thing groups.
MAX_GROUPS_PER_THING = 10


def parse_target(state: RegionState, arn: str) -> tuple[str, str]:
    """('thing' | 'thinggroup', name) for a job target ARN in this region and account.

    Unknown resources are ResourceNotFoundException, as the service answers CreateJob.
    """
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iot" or "/" not in parts[5]:
        raise invalid_request(f"Invalid target ARN: {arn}")
    kind, _, name = parts[5].partition("/")
    if parts[3] != state.region or parts[4] != state.account:
        raise not_found(f"Target {arn} does not exist in this account and region.")
    if kind == "thing":
        if name not in state.things:
            raise not_found(f"Thing {name} does not exist.")
    elif kind == "thinggroup":
        if name not in state.groups:
            raise not_found(f"Thing group {name} does not exist.")
    else:
        raise invalid_request(f"Invalid target ARN: {arn}")
    return kind, name


def name_from_arn(arn: str, kind: str) -> str | None:
    head, sep, name = arn.rpartition(f":{kind}/")
    return name if sep and head.startswith("arn:") else None


def get_group(state: RegionState, name: str) -> ThingGroup:
    group = state.groups.get(name)
    if group is None:
        raise not_found(f"Thing group {name} does not exist.")
    return group


def ancestors(state: RegionState, name: str) -> list[str]:
    """Root first, ending with the direct parent."""
    chain: list[str] = []
    parent = state.groups[name].parent
    while parent is not None:
        chain.append(parent)
        parent = state.groups[parent].parent
    chain.reverse()
    return chain


def descendants(state: RegionState, name: str) -> list[str]:
    """Child groups at every depth, breadth first, each level sorted by name."""
    out: list[str] = []
    level = sorted(state.groups[name].children)
    while level:
        out.extend(level)
        level = sorted(c for g in level for c in state.groups[g].children)
    return out


def things_in_group(state: RegionState, name: str, recursive: bool) -> list[str]:
    """Member things (of child groups too when recursive), deduplicated, sorted by name."""
    names = set(state.groups[name].things)
    if recursive:
        for child in descendants(state, name):
            names.update(state.groups[child].things)
    return sorted(names)


def hierarchy_root(state: RegionState, name: str) -> str:
    chain = ancestors(state, name)
    return chain[0] if chain else name
