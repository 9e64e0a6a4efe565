"""How many things a job targets: the denominator of "1,250 of 100,000 targets notified".

A target that has not been rolled out yet has no execution, so `jobProcessDetails` only ever
describes the executions created so far. The rollout's size comes from the targets:

- a thing ARN counts 1;
- a thing-group ARN counts its members, child groups included (AWS sends a group's job "to
  every thing in a group and its child groups"), through paged, recursive
  ListThingsInThingGroup;
- a thing reached through two targets counts once (one execution per thing);
- a dynamic group (DescribeThingGroup returns a `queryString`) or a CONTINUOUS job gives a
  count flagged `members_now`: it is the membership now, and it can change.

With fleet indexing on, one GetStatistics query counts them all (`aws/target_index.py`);
listing is the fallback, and the count says which of the two it came from.

A SNAPSHOT job's targets were resolved when it was created; the members counted now are the
best available estimate of that set (AWS keeps no record of it).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from iotjobs_tui.aws.api import JobsApi
from iotjobs_tui.aws.errors import describe_error

# Defined with the ETA, which the UI's widgets import (this module talks to AWS; they may not).
from iotjobs_tui.aws.eta import SOURCE_INDEX, TargetCount
from iotjobs_tui.aws.pacer import background
from iotjobs_tui.aws.target_index import IndexCounter, IndexUnavailable

__all__ = [
    "DEFAULT_TTL",
    "PAGE_PAUSE",
    "IndexUnavailable",
    "TargetCount",
    "TargetCounter",
    "parse_target",
]

# Seconds between two ListThingsInThingGroup pages: 2.5 calls/s, 10 % of that API's default
# quota of 25 requests/s, which is shared by the whole account and region (the console, the
# CLI, fleet tooling). Counting 100,000 things (400 pages of 250) then takes about 160 s and
# never crowds out anyone else's calls.
PAGE_PAUSE = 0.4

# How long a group's count is reused: 10 min. Counting a 100,000-thing group costs 400 calls
# and ~160 s, so recounting on every refresh would spend the quota to re-learn a number that
# rarely moves during a rollout (a SNAPSHOT job's targets are even fixed at its creation).
# A CONTINUOUS job's or dynamic group's count is marked "members now" instead.
DEFAULT_TTL = 600.0

_THING = "thing"
_GROUP = "thinggroup"


@dataclass(frozen=True)
class _GroupCount:
    things: int
    names: frozenset[str] | None  # kept only when a job's targets may overlap
    dynamic: bool
    at: float


def parse_target(arn: str) -> tuple[str, str] | None:
    """("thing" | "thinggroup", name) of a target ARN, else None.

    `arn:aws:iot:us-east-1:123456789012:thinggroup/meters` → ("thinggroup", "meters").
    """
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    kind, slash, name = parts[5].partition("/")
    if not slash or not name or kind not in (_THING, _GROUP):
        return None
    return kind, name


class TargetCounter:
    """Counts a job's targets, caching each group's count for `ttl` seconds.

    `count` is safe to call again while a count runs (for another job, or the same one): a
    group being counted is not counted twice at once, the second caller waits for it; and
    pages stay `page_pause` apart across every count under way, not per count.
    """

    def __init__(
        self,
        ttl: float = DEFAULT_TTL,
        page_pause: float = PAGE_PAUSE,
        clock: Callable[[], float] = time.time,
        use_index: bool = True,
    ) -> None:
        self.ttl = ttl
        self.page_pause = page_pause
        self._clock = clock
        self._cache: dict[str, _GroupCount] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._next_page_at = 0.0  # event-loop time the next page may be asked for
        # The fleet index first (3 calls for any size); listing when it cannot answer.
        self.index = IndexCounter(ttl, clock)
        self.use_index = use_index

    async def _pace(self) -> None:
        """Wait for this page's slot: PAGE_PAUSE apart across every count under way."""
        if self.page_pause <= 0:
            return
        now = asyncio.get_running_loop().time()
        slot = max(now, self._next_page_at)
        self._next_page_at = slot + self.page_pause
        if slot > now:
            await asyncio.sleep(slot - now)

    def forget(self, group: str | None = None) -> None:
        """Drop one group's cached count (or every one), so the next count asks AWS."""
        self.index.forget(group)
        if group is None:
            self._cache.clear()
        else:
            self._cache.pop(group, None)

    def _cached(self, group: str, need_names: bool) -> _GroupCount | None:
        entry = self._cache.get(group)
        if entry is None or self._clock() - entry.at > self.ttl:
            return None
        if need_names and entry.names is None:
            return None
        return entry

    async def count_by_index(
        self, api: JobsApi, targets: Sequence[str], continuous: bool
    ) -> TargetCount | None:
        """The count from the fleet index alone (a few calls for any size), or None when the
        index cannot give it: for the job list's rows, where listing 100,000 things for
        each row would cost far more than the rows are worth."""
        if not self.use_index:
            return None
        things: list[str] = []
        groups: list[str] = []
        for target in dict.fromkeys(targets):
            parsed = parse_target(target)
            if parsed is None:
                return None
            (things if parsed[0] == _THING else groups).append(parsed[1])
        if not groups:
            return TargetCount(len(things), True, continuous, 0, self._clock(), source=SOURCE_INDEX)
        calls = [0]
        try:
            counted, dynamic = await self.index.count(api, things, groups, calls)
        except Exception:
            return None
        return TargetCount(
            counted, True, continuous or dynamic, calls[0], self._clock(), source=SOURCE_INDEX
        )

    async def count(
        self,
        api: JobsApi,
        targets: Sequence[str],
        continuous: bool,
        on_progress: Callable[[TargetCount], None] | None = None,
    ) -> TargetCount:
        """The number of distinct things `targets` reach; `on_progress` after every page."""
        things: set[str] = set()
        groups: list[str] = []
        errors: list[str] = []
        for target in dict.fromkeys(targets):  # in order, each once
            parsed = parse_target(target)
            if parsed is None:
                errors.append(f"Target {target!r} is neither a thing nor a thing-group ARN.")
            elif parsed[0] == _THING:
                things.add(parsed[1])
            else:
                groups.append(parsed[1])
        if groups and not errors and self.use_index:
            calls = [0]
            try:
                counted, dynamic_group = await self.index.count(api, sorted(things), groups, calls)
            except Exception:  # IndexUnavailable, or a group the listing will name
                pass
            else:
                return TargetCount(
                    things=counted,
                    complete=True,
                    members_now=continuous or dynamic_group,
                    calls=calls[0],
                    counted_at=self._clock(),
                    source=SOURCE_INDEX,
                )
        # Only a job with more than one target can reach a thing twice: then the names are
        # needed to count each thing once; a single group is counted without keeping them.
        need_names = len(groups) + len(things) > 1
        run = _Run()
        members = 0  # members of the groups counted so far (when names are not kept)
        dynamic = False
        times: list[float] = []

        def so_far() -> int:
            return len(things) + (0 if need_names else members)

        def progress(in_group: int) -> None:
            if on_progress is not None:
                on_progress(
                    TargetCount(
                        things=so_far() + in_group,
                        complete=False,
                        members_now=continuous or dynamic,
                        calls=run.calls,
                        counted_at=self._clock(),
                        errors=tuple(errors),
                    )
                )

        for group in groups:
            async with self._locks.setdefault(group, asyncio.Lock()):
                entry = self._cached(group, need_names)
                if entry is None:
                    try:
                        # Listing is background work whoever asked (hundreds of pages); the
                        # index's few calls above are paced as the caller's.
                        with background():
                            entry = await self._count_group(api, group, need_names, run, progress)
                    except _GroupFailed as failed:
                        errors.append(failed.sentence)
                        continue
                    self._cache[group] = entry
            times.append(entry.at)
            dynamic = dynamic or entry.dynamic
            if need_names and entry.names is not None:
                things.update(entry.names)
            else:
                members += entry.things
        return TargetCount(
            things=so_far(),
            complete=not errors,
            members_now=continuous or dynamic,
            calls=run.calls,
            counted_at=min(times) if times else self._clock(),
            errors=tuple(errors),
        )

    async def _count_group(
        self,
        api: JobsApi,
        group: str,
        keep_names: bool,
        run: _Run,
        progress: Callable[[int], None],
    ) -> _GroupCount:
        """Describe the group (dynamic or not), then page through its members."""
        names: set[str] = set()
        members = 0
        try:
            run.calls += 1
            described = await api.describe_thing_group(group)
            dynamic = bool(described.get("queryString"))
            token: str | None = None
            seen: set[str] = set()
            while True:
                await self._pace()
                run.calls += 1
                page, token = await api.list_things_in_group_page(group, token)
                if keep_names:
                    names.update(page)
                    members = len(names)
                else:
                    members += len(page)
                progress(members)
                # A token seen twice would loop forever.
                if token is None or token in seen:
                    break
                seen.add(token)
        except Exception as exc:
            raise _GroupFailed(f"Thing group {group}: {describe_error(exc)}") from exc
        return _GroupCount(
            things=members,
            names=frozenset(names) if keep_names else None,
            dynamic=dynamic,
            at=self._clock(),
        )


class _Run:
    """One `count` call's cost so far."""

    def __init__(self) -> None:
        self.calls = 0


class _GroupFailed(Exception):
    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence
