"""Fleet indexing queries: the documents the index holds and the query tree that matches
them. `fleet_query_parse.py` turns a query string into this tree (the supported subset is
described there); the index (`fleet_index.py`) answers a tree from its per-group lookups where
it can, and by scanning its documents otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from iotjobs_tui.sim.wire.errors import ServiceError

ANY_FIELD = ""  # a term without a field searches every supported field
GROUP_FIELD = "thingGroupNames"
FIELDS = frozenset({"thingName", "thingId", "thingTypeName", GROUP_FIELD})

# A field's values for one document, as strings.
Values = Callable[["ThingDoc"], tuple[str, ...]]
# Fields the documents do not hold because they change without a registry update (a device's
# connectivity): read when the query runs, through getters the caller of `parse_query` gives.
LiveFields = Mapping[str, Values]


def invalid_query(message: str) -> ServiceError:
    return ServiceError("InvalidQueryException", message)


@dataclass(slots=True)
class ThingDoc:
    """A thing as the index holds it, never changed once made (not frozen: a frozen dataclass
    costs twice as much to build, and the demo indexes 100,000 things at startup).

    `attributes` is the registry's own dict: UpdateThing replaces a thing's attribute dict and
    never edits it in place, so this is a snapshot."""

    name: str
    thing_id: str
    type_name: str | None
    attributes: Mapping[str, str]
    groups: tuple[str, ...]
    version: int


class IndexView(Protocol):
    """What planning needs of an index: its documents and a per-group membership lookup."""

    @property
    def docs(self) -> Mapping[str, ThingDoc]: ...

    def members(self, group: str) -> set[str]: ...


def field_values(doc: ThingDoc, field: str) -> tuple[str, ...]:
    if field == "thingName":
        return (doc.name,)
    if field == "thingId":
        return (doc.thing_id,)
    if field == "thingTypeName":
        return (doc.type_name,) if doc.type_name is not None else ()
    if field == GROUP_FIELD:
        return doc.groups
    if field.startswith("attributes."):
        value = doc.attributes.get(field[11:])
        return (value,) if value is not None else ()
    values = [doc.name, doc.thing_id, *doc.groups, *doc.attributes.values()]
    if doc.type_name is not None:
        values.append(doc.type_name)
    return tuple(values)


# A matcher: one test of one field value (built by fleet_query_parse.py).
Test = Callable[[str], bool]


# --- the query tree ---------------------------------------------------------------------------


class Node:
    def matches(self, doc: ThingDoc) -> bool:
        raise NotImplementedError

    def plan(self, view: IndexView) -> set[str] | None:
        """The matching names from the index's lookups alone, or None when it takes a scan.

        A returned set may be the index's own membership set: callers must not change it.
        """
        return None


def _single(field: str) -> Callable[[ThingDoc], str | None] | None:
    """A getter for a one-valued field (the scan's fast path), None for the others."""
    if field == "thingName":
        return lambda d: d.name
    if field == "thingId":
        return lambda d: d.thing_id
    if field == "thingTypeName":
        return lambda d: d.type_name
    if field.startswith("attributes."):
        key = field[11:]
        return lambda d: d.attributes.get(key)
    return None


class Term(Node):
    """One field tested by one matcher; `group` is set for an exact thingGroupNames value,
    which the index answers from its per-group lookup."""

    __slots__ = ("_live", "_one", "field", "group", "test")

    def __init__(
        self, field: str, test: Test, group: str | None = None, live: Values | None = None
    ) -> None:
        self.field = field
        self.test = test
        self.group = group
        self._one = _single(field)
        self._live = live  # a live field's getter (LiveFields)

    def matches(self, doc: ThingDoc) -> bool:
        one = self._one
        if one is not None:
            value = one(doc)
            return value is not None and self.test(value)
        test = self.test
        values = self._live(doc) if self._live is not None else field_values(doc, self.field)
        return any(test(v) for v in values)

    def plan(self, view: IndexView) -> set[str] | None:
        return view.members(self.group) if self.group is not None else None


class Everything(Node):
    """`*`: every indexed thing (the documented way to count them all)."""

    def matches(self, doc: ThingDoc) -> bool:
        return True

    def plan(self, view: IndexView) -> set[str] | None:
        return set(view.docs)


@dataclass(frozen=True)
class Has(Node):
    """`field:*`: things that have the field."""

    field: str
    live: Values | None = None  # a live field's getter (LiveFields)

    def matches(self, doc: ThingDoc) -> bool:
        if self.live is not None:
            return bool(self.live(doc))
        return bool(field_values(doc, self.field))


@dataclass(frozen=True)
class Not(Node):
    child: Node

    def matches(self, doc: ThingDoc) -> bool:
        return not self.child.matches(doc)


@dataclass(frozen=True)
class And(Node):
    children: tuple[Node, ...]

    def matches(self, doc: ThingDoc) -> bool:
        # A loop, not all(<generator>): a dynamic group's backfill scans every document.
        for child in self.children:  # noqa: SIM110
            if not child.matches(doc):
                return False
        return True

    def plan(self, view: IndexView) -> set[str] | None:
        planned: list[set[str]] = []
        rest: list[Node] = []
        for child in self.children:
            found = child.plan(view)
            if found is None:
                rest.append(child)
            else:
                planned.append(found)
        if not planned:
            return None
        planned.sort(key=len)
        if len(planned) == 1 and not rest:
            return planned[0]
        base, others = planned[0], planned[1:]
        docs = view.docs
        return {
            n for n in base if all(n in s for s in others) and all(c.matches(docs[n]) for c in rest)
        }


@dataclass(frozen=True)
class Or(Node):
    children: tuple[Node, ...]

    def matches(self, doc: ThingDoc) -> bool:
        for child in self.children:  # noqa: SIM110 (as And.matches)
            if child.matches(doc):
                return True
        return False

    def plan(self, view: IndexView) -> set[str] | None:
        out: set[str] = set()
        for child in self.children:
            found = child.plan(view)
            if found is None:
                return None
            out |= found
        return out


@dataclass(frozen=True)
class Query:
    text: str
    root: Node
    live: bool = False  # reads a live field: its answer can change while the index does not

    def matches(self, doc: ThingDoc) -> bool:
        return self.root.matches(doc)

    def select(self, view: IndexView) -> set[str]:
        """Names of the matching things (may be the index's own set: do not change it)."""
        planned = self.root.plan(view)
        if planned is not None:
            return planned
        root = self.root
        return {name for name, doc in view.docs.items() if root.matches(doc)}
