"""The first ListJobs page, fetched by a helper process while the app starts.

Launch is CPU-bound on one thread: Textual's import and first frame (~0.35 s), then the SDK's
import, the client and the first call (~0.4 s). The GIL keeps a thread from overlapping the
two, but a second process can: started before Textual is imported, this helper imports the
SDK, makes the same client and asks for the first page on the other core, and hands the page
to the app through a pipe when the app has painted. The app shows those rows, then imports
the SDK itself and lists every page as usual (the rows are replaced by key).

The helper talks to AWS exactly as the app does (`AwsConnection`, `JobsApi`, aioboto3). It
makes one extra ListJobs call at launch. It is skipped where it could cost the user anything:
one CPU (it would compete with the first paint), explicit keys (the demo and tests), and
credentials that may prompt or run a program (`credential_process`, `mfa_serial` in the
profile's chain), which would otherwise run twice. It runs in its own session with no
terminal and no stdin, so nothing in it can prompt; any failure just means no prefetch.

Protocol: the helper (`run`) takes the connection settings as JSON in its one argument,
prints one JSON object, `{"jobs": [...]}` (ListJobs members, timestamps in epoch seconds),
and exits 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

# asyncio (~60 ms) and configparser are imported where they are used: the app starts the
# helper before anything else.

if TYPE_CHECKING:  # the app starts the helper before it imports the models (~25 ms)
    from iotjobs_tui.aws.models import JobSummary
    from iotjobs_tui.aws.session import ConnectionSettings

FIRST_PAGE = 50  # as the app's own first page: about a screenful
# Settings the helper is given; everything else (credentials, config) it reads as the app does.
_FIELDS = ("profile", "region", "endpoint_url")
_INTERACTIVE = ("credential_process", "mfa_serial")


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _profile_sections(env: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Profiles from the config and credentials files, by name (credentials file last)."""
    import configparser

    home = Path.home()
    files = (
        (Path(env.get("AWS_CONFIG_FILE") or home / ".aws" / "config"), True),
        (Path(env.get("AWS_SHARED_CREDENTIALS_FILE") or home / ".aws" / "credentials"), False),
    )
    profiles: dict[str, dict[str, str]] = {}
    for path, is_config in files:
        parser = configparser.RawConfigParser()
        parser.read(path, encoding="utf-8")
        for section in parser.sections():
            name = section
            if is_config:
                if section.startswith("profile "):
                    name = section[len("profile ") :].strip()
                elif section != "default":
                    continue  # sso-session, services: no credentials of their own
            profiles.setdefault(name, {}).update(parser.items(section))
    return profiles


def may_prompt(profile: str | None, env: Mapping[str, str] | None = None) -> bool:
    """Whether resolving credentials might prompt or run a program (so must happen once).

    Follows botocore's order: keys in the environment win unless a profile is named; then
    the profile and its `source_profile` chain. Unreadable files count as "might".
    """
    env = os.environ if env is None else env
    if not profile and env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"):
        return False
    name = profile or env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE")
    try:
        profiles = _profile_sections(env)
    except Exception:  # OSError, configparser.Error, UnicodeError: don't guess
        return True
    seen: set[str] = set()
    current: str | None = name or "default"
    while current and current not in seen:
        seen.add(current)
        section = profiles.get(current, {})
        if any(key in section for key in _INTERACTIVE):
            return True
        current = section.get("source_profile")
    return False


class Prefetch:
    """The app's side: the helper process and the page it prints."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self._out: bytes | None = None

    @classmethod
    def start(
        cls,
        profile: str | None,
        region: str | None,
        endpoint_url: str | None,
        env: Mapping[str, str] | None = None,
    ) -> Prefetch | None:
        """Start the helper, or None where it is skipped (see the module's docstring).

        Takes the command line's values, not ConnectionSettings, so that the app can start it
        before importing anything else.
        """
        if _usable_cpus() < 2 or may_prompt(profile, env):
            return None
        payload = json.dumps({"profile": profile, "region": region, "endpoint_url": endpoint_url})
        # Collections off before the first import: the helper lives for half a second.
        code = "import gc; gc.disable(); from iotjobs_tui.aws.prefetch import run; run()"
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", code, payload],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # no controlling terminal: nothing can prompt
            )
        except OSError:
            return None
        return cls(process)

    async def first_page(self, timeout: float) -> list[JobSummary] | None:
        """The helper's page, or None if it failed; TimeoutError if it still runs after
        `timeout` seconds (it keeps running: ask again, or `cancel`)."""
        import asyncio

        if self._out is None:
            try:
                self._out, _ = await asyncio.to_thread(self._process.communicate, None, timeout)
            except subprocess.TimeoutExpired:
                raise TimeoutError from None
        if self._process.returncode != 0 or not self._out:
            return None
        try:
            rows = json.loads(self._out)["jobs"]
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(rows, list):
            return None
        from iotjobs_tui.aws.models import parse_job_summary

        jobs = (parse_job_summary(row) for row in rows if isinstance(row, dict))
        return [job for job in jobs if job is not None]

    def cancel(self) -> None:
        """Stop the helper if it still runs (its page is no longer wanted)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()


async def _fetch(settings: ConnectionSettings) -> list[JobSummary]:
    from iotjobs_tui.aws.api import JobsApi
    from iotjobs_tui.aws.session import AwsConnection

    # Never closed: the process ends as soon as the page is out (see `run`).
    connection = AwsConnection(settings)
    api = JobsApi(await connection.open())
    async for page in api.iter_job_pages(page_size=FIRST_PAGE):
        return page
    return []


def main(argv: Sequence[str]) -> int:
    """The helper: one page as JSON on stdout; exit 1 (and print nothing) on any failure."""
    import asyncio

    from iotjobs_tui.aws.models import job_summary_to_api
    from iotjobs_tui.aws.session import ConnectionSettings

    try:
        fields = json.loads(argv[0])
        settings = ConnectionSettings(**{key: fields.get(key) for key in _FIELDS})
        jobs = asyncio.run(_fetch(settings))
    except Exception:
        return 1
    json.dump({"jobs": [job_summary_to_api(job) for job in jobs]}, sys.stdout)
    sys.stdout.flush()
    return 0


def run() -> None:
    """The helper's entry point (see `Prefetch.start`).

    Exits at once, without the interpreter's teardown: unloading aiohttp and botocore took
    80-110 ms (measured), and the app waits for the end of the output.
    """
    os._exit(main(sys.argv[1:]))
