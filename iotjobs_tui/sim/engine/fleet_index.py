"""One region's fleet index (AWS_Things) and its dynamic thing group definitions.

The index holds a document per thing (`ThingDoc`) and, per thing group name, the things whose
document lists it, so a `thingGroupNames:X` query (GetStatistics on a 100,000-thing group) is
a set lookup, never a scan. `engine/index_sync.py` keeps it current from registry changes;
this module only stores and answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from iotjobs_tui.sim.engine.event_heap import Event
from iotjobs_tui.sim.engine.fleet_query import Query, ThingDoc

THINGS_INDEX = "AWS_Things"
GROUPS_INDEX = "AWS_ThingGroups"
QUERY_VERSION = "2017-09-30"  # documented: the only query version

DynamicStatus = Literal["ACTIVE", "BUILDING", "REBUILDING"]


@dataclass
class DynamicDefinition:
    """What makes a thing group dynamic: its query, and how far its membership has caught up."""

    query: Query
    index_name: str = THINGS_INDEX
    query_version: str = QUERY_VERSION
    status: DynamicStatus = "BUILDING"
    rebuild_event: Event | None = None


@dataclass
class ThingIndex:
    """The AWS_Things index of one region, and its configuration.

    `thing_mode`/`connectivity_mode` None means "as the emulator's switches say" (a region
    that never called UpdateIndexingConfiguration).
    """

    thing_mode: str | None = None
    connectivity_mode: str | None = None
    group_mode: str = "OFF"
    custom_fields: list[dict[str, str]] = field(default_factory=list)
    # The rest of thingIndexingConfiguration as given (Device Defender, named shadows,
    # filter): echoed by GetIndexingConfiguration, indexed by nothing here.
    options: dict[str, Any] = field(default_factory=dict)
    # Documents exist only once the index is built; until then SearchIndex is not ready.
    built: bool = False
    ready_at: float = 0.0
    build_event: Event | None = None
    docs: dict[str, ThingDoc] = field(default_factory=dict)
    # Lower-cased group name -> things whose document lists it (search is case insensitive).
    by_group: dict[str, set[str]] = field(default_factory=dict)
    # Reindexing waiting for the index lag, per thing.
    pending: dict[str, Event] = field(default_factory=dict)
    # Dynamic groups by name -> creation sequence, in creation order (the order membership is
    # evaluated in; older dynamic groups win a thing at its 10-group limit).
    dynamic: dict[str, int] = field(default_factory=dict)
    version: int = 0  # bumped on every document change (keys the sorted-result cache)
    _sorted: tuple[int, str, list[str]] | None = field(default=None, repr=False)

    def members(self, group: str) -> set[str]:
        return self.by_group.get(group.lower(), _EMPTY)

    def put(self, doc: ThingDoc) -> None:
        old = self.docs.get(doc.name)
        if old is not None and old.groups != doc.groups:
            self._unlink(old)
        self.docs[doc.name] = doc
        if old is None or old.groups != doc.groups:
            for group in doc.groups:
                self.by_group.setdefault(group.lower(), set()).add(doc.name)
        self.version += 1

    def remove(self, name: str) -> None:
        old = self.docs.pop(name, None)
        if old is not None:
            self._unlink(old)
            self.version += 1

    def _unlink(self, doc: ThingDoc) -> None:
        for group in doc.groups:
            key = group.lower()
            names = self.by_group.get(key)
            if names is not None:
                names.discard(doc.name)
                if not names:
                    del self.by_group[key]

    def load(self, docs: list[ThingDoc]) -> None:
        """Replace every document (a build of the whole index)."""
        self.docs = {d.name: d for d in docs}
        # Things share few distinct group lists (100,000 meters have eight): group by list
        # first, then fill each group's set in one update.
        by_list: dict[tuple[str, ...], list[str]] = {}
        for doc in docs:
            names = by_list.get(doc.groups)
            if names is None:
                by_list[doc.groups] = [doc.name]
            else:
                names.append(doc.name)
        by_group: dict[str, set[str]] = {}
        for groups, names in by_list.items():
            for group in groups:
                by_group.setdefault(group.lower(), set()).update(names)
        self.by_group = by_group
        self.built = True
        self.version += 1

    def drop(self) -> None:
        """Indexing turned off: documents and pending work go."""
        for event in (*self.pending.values(), self.build_event):
            if event is not None:
                event.cancel()
        self.pending.clear()
        self.build_event = None
        self.docs = {}
        self.by_group = {}
        self.built = False
        self._sorted = None
        self.version += 1

    def select(self, query: Query) -> set[str]:
        """Matching thing names (may be the index's own set: do not change it)."""
        return query.select(self)

    def sorted_matches(self, query: Query) -> list[str]:
        """Matching names in name order; the last result is kept until the index changes, so
        paging through a large result sorts it once."""
        cached = self._sorted
        if cached is not None and cached[0] == self.version and cached[1] == query.text:
            return cached[2]
        names = sorted(self.select(query))
        if not query.live:  # a live field's answer moves with the clock, not the index
            self._sorted = (self.version, query.text, names)
        return names


_EMPTY: set[str] = set()
