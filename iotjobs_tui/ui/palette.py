"""`:` (and ctrl+p): jump anywhere, as k9s's `:` does.

- any job by id, fuzzy, from the jobs the list has loaded (or the id as typed: DescribeJob
  will say if it does not exist);
- a thing's executions, by the name as typed;
- switch region or profile, reconnecting in place;
- every action of the screen on top (its key bindings, by description).

Themes come from Textual's own "Change theme" command. Job ids and thing names are
untrusted text: they are shown through `clean` and never parsed as markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Protocol, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from iotjobs_tui.ui.text import clean

# Fuzzy matching is a regex per candidate: past this many job ids, only ids that contain the
# query's first character are scored (a 100k-job account stays responsive per keystroke).
FUZZY_LIMIT = 5_000
MAX_JOB_HITS = 50


class PaletteHost(Protocol):
    """What the palette needs from the App (which imports this module, not the reverse)."""

    def job_ids(self) -> list[str]: ...

    def jump_to_job(self, job_id: str) -> None: ...

    def open_thing(self, thing_name: str) -> None: ...

    def switch_connection(self, profile: str | None, region: str | None) -> None: ...

    def can_switch_profile(self) -> bool: ...


def _host(provider: Provider) -> PaletteHost:
    return cast(PaletteHost, provider.app)


def _plain(text: str) -> Text:
    return Text(clean(text), end="")


class JobsProvider(Provider):
    """Jobs by id (fuzzy), and the query itself as a job id."""

    async def search(self, query: str) -> Hits:
        query = query.strip()
        if not query:
            return
        host = _host(self)
        matcher = self.matcher(query)
        ids = host.job_ids()
        if len(ids) > FUZZY_LIMIT:
            first = query[0].lower()
            ids = [job_id for job_id in ids if first in job_id.lower()][:FUZZY_LIMIT]
        scored = sorted(
            ((matcher.match(job_id), job_id) for job_id in ids), key=lambda hit: -hit[0]
        )
        for score, job_id in scored[:MAX_JOB_HITS]:
            if score <= 0:
                break
            yield Hit(
                score,
                matcher.highlight(clean(job_id)),
                partial(host.jump_to_job, job_id),
                text=job_id,
                help="Job: select it in the list and show its detail",
            )
        if query not in ids and _looks_like_id(query):
            yield Hit(
                0.01,
                _plain(f"Job {query} (not in the list: describe it)"),
                partial(host.jump_to_job, query),
                text=query,
                help="DescribeJob says whether it exists",
            )


class ThingsProvider(Provider):
    """A thing's executions, by the name as typed."""

    async def search(self, query: str) -> Hits:
        name = query.strip()
        for prefix in ("thing ", "thing:"):
            if name.lower().startswith(prefix):
                name = name[len(prefix) :].strip()
        if not name or not _looks_like_thing(name):
            return
        yield Hit(
            0.02,
            _plain(f"Thing {name}: its executions"),
            partial(_host(self).open_thing, name),
            text=f"thing {name}",
            help="ListJobExecutionsForThing, then its latest execution and every other job",
        )


class ConnectionProvider(Provider):
    """Switch region or profile in place."""

    async def startup(self) -> None:
        from iotjobs_tui.aws.regions import iot_regions, profiles

        self._regions: list[str] = []
        self._profiles: list[str] = []
        try:
            self._regions = await asyncio.to_thread(iot_regions)
            if _host(self).can_switch_profile():
                self._profiles = await asyncio.to_thread(profiles)
        except Exception:  # botocore's data unreadable: nothing to offer
            pass

    def _commands(self) -> list[tuple[str, Callable[[], None], str]]:
        host = _host(self)
        commands: list[tuple[str, Callable[[], None], str]] = []
        for region in self._regions:
            commands.append(
                (
                    f"Region {region}",
                    partial(host.switch_connection, None, region),
                    "Reconnect to this region in place",
                )
            )
        for profile in self._profiles:
            commands.append(
                (
                    f"Profile {profile}",
                    partial(host.switch_connection, profile, None),
                    "Reconnect with this AWS profile in place",
                )
            )
        return commands

    async def discover(self) -> Hits:
        for name, command, help_text in self._commands():
            yield DiscoveryHit(_plain(name), command, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(clean(name)), command, text=name, help=help_text)


class ScreenActionsProvider(Provider):
    """Every key binding of the screen on top, by what it does."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        screen = self.screen  # the screen the palette was opened over
        seen: set[str] = set()
        commands: list[tuple[str, Callable[[], object], str]] = []
        for key, (node, binding, enabled, _tooltip) in screen.active_bindings.items():
            if not enabled or not binding.description or binding.action in seen:
                continue
            if binding.action in ("command_palette", "app.command_palette", "jump"):
                continue
            seen.add(binding.action)
            name = f"{binding.description} ({binding.key_display or key})"
            commands.append((name, partial(self.app.run_action, binding.action, node), "Action"))
        return commands

    async def discover(self) -> Hits:
        for name, command, help_text in self._commands():
            yield DiscoveryHit(name, command, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, command, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, text=name, help=help_text)


def _looks_like_id(text: str) -> bool:
    return 0 < len(text) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_") for c in text)


def _looks_like_thing(text: str) -> bool:
    return 0 < len(text) <= 128 and all(c.isascii() and (c.isalnum() or c in ":-_") for c in text)
