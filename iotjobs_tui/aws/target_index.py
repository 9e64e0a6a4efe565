"""Counting a job's targets with one fleet-index query instead of paging through its groups.

With fleet indexing on (thing indexing REGISTRY or more, which dynamic thing groups need
too), the index holds each thing's `thingGroupNames`: the groups it is directly in. A job's
targets then count as one GetStatistics over `thingName:t OR thingGroupNames:g …` for its
things, its groups and their descendants (from recursive ListThingGroups). A thing reached
twice counts once, as AWS creates one execution per thing. 100,000 things in one group cost
3 calls (DescribeThingGroup, ListThingGroups, GetStatistics) instead of 401, plus one probing
query the first time in a session (where indexing is off, that probe is all it costs).

The index is eventually consistent (a change shows in it within seconds), so the count says
where it came from. When the index cannot answer, the caller lists the groups instead; an
answer that will not change by retrying (indexing off, no permission) turns the index off
for the session, said once in `IndexCounter.off`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from iotjobs_tui.aws.api import JobsApi
from iotjobs_tui.aws.errors import describe_error, error_code, is_throttle
from iotjobs_tui.common.logs import get as get_logger

_log = get_logger("aws")

# AWS's fleet-indexing query syntax allows at most 12 terms. Targets with more things and
# groups (children included) are counted by listing: splitting the OR into several queries
# would count a thing in two of them twice.
MAX_TERMS = 12

# Answers that retrying will not change: indexing is off (or the index is missing), the
# caller may not query it, or the query is not understood. Any other failure but throttling
# (IndexNotReadyException while the index is built, for one) turns the index off for one TTL.
_PERMANENT = frozenset(
    {
        "ResourceNotFoundException",
        "InvalidRequestException",
        "InvalidQueryException",
        "AccessDeniedException",
        "UnauthorizedException",
    }
)


@dataclass(frozen=True)
class GroupTree:
    """A group and its descendants' names, and whether it is dynamic."""

    names: tuple[str, ...]
    dynamic: bool
    at: float


class IndexUnavailable(Exception):
    """The index could not count these targets; list them instead."""


class IndexCounter:
    """Counts targets through the fleet index, caching each group's tree for `ttl` seconds."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.time) -> None:
        self.ttl = ttl
        self._clock = clock
        self._trees: dict[str, GroupTree] = {}
        self.off: str | None = None  # why the index is not used, after it failed
        self._retry_at: float | None = None  # when to try again (None: never)
        self._answered = False  # the index answered a query this session

    def forget(self, group: str | None = None) -> None:
        if group is None:
            self._trees.clear()
        else:
            self._trees.pop(group, None)

    async def _tree(self, api: JobsApi, group: str, calls: list[int]) -> GroupTree:
        cached = self._trees.get(group)
        if cached is not None and self._clock() - cached.at <= self.ttl:
            return cached
        calls[0] += 1
        described = await api.describe_thing_group(group)
        dynamic = bool(described.get("queryString"))
        names = [group]
        token: str | None = None
        seen: set[str] = set()
        while not dynamic:  # a dynamic group has no child groups
            calls[0] += 1
            page, token = await api.list_child_groups_page(group, token)
            names.extend(page)
            if token is None or token in seen or len(names) > MAX_TERMS:
                break
            seen.add(token)
        tree = GroupTree(tuple(dict.fromkeys(names)), dynamic, self._clock())
        self._trees[group] = tree
        return tree

    async def count(
        self, api: JobsApi, things: Sequence[str], groups: Sequence[str], calls: list[int]
    ) -> tuple[int, bool]:
        """(distinct things the targets reach, whether a group is dynamic); `calls[0]` grows
        by the calls made. Raises `IndexUnavailable` when listing must be used instead; a
        group that does not exist raises the API's own error, as listing would."""
        if self.off is not None:
            if self._retry_at is None or self._clock() < self._retry_at:
                raise IndexUnavailable(self.off)
            self.off = self._retry_at = None
        if not self._answered:
            # One query first, before a group tree is walked: where indexing is off (AWS's
            # default) that costs 1 call, once a session, instead of 3.
            await self._query(api, f"thingGroupNames:{groups[0]}", calls)
        trees = [await self._tree(api, group, calls) for group in groups]
        names = [name for tree in trees for name in tree.names]
        terms = [f"thingName:{thing}" for thing in dict.fromkeys(things)]
        terms += [f"thingGroupNames:{name}" for name in dict.fromkeys(names)]
        if len(terms) > MAX_TERMS:
            raise IndexUnavailable(f"{len(terms)} targets and child groups: too many to query")
        if any(":" in name for name in (*things, *names)):
            # A colon is legal in a name but is the query language's field separator.
            raise IndexUnavailable("a target's name contains ':'")
        return await self._query(api, " OR ".join(terms), calls), any(
            tree.dynamic for tree in trees
        )

    async def _query(self, api: JobsApi, query: str, calls: list[int]) -> int:
        calls[0] += 1
        try:
            counted = await api.count_indexed_things(query)
        except Exception as exc:
            if not is_throttle(exc):
                self.off = f"Fleet index not used: {describe_error(exc)}"
                permanent = error_code(exc) in _PERMANENT
                self._retry_at = None if permanent else self._clock() + self.ttl
                _log.info("%s; targets are counted by listing their groups", self.off)
            raise IndexUnavailable(describe_error(exc)) from exc
        if counted is None:
            raise IndexUnavailable("GetStatistics answered no count")
        self._answered = True
        return counted
