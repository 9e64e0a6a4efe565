"""The IoT Jobs calls the explorer makes, with call counting and throttle accounting."""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable
from typing import Any

from iotjobs_tui.aws.errors import THROTTLE_CODES, explain, is_throttle
from iotjobs_tui.aws.models import (
    Job,
    JobFilters,
    JobSummary,
    parse_describe_job,
    parse_job_summary,
)
from iotjobs_tui.aws.pacer import Pacer
from iotjobs_tui.common.logs import get as get_logger

_log = get_logger("aws")

PAGE_SIZE = 250  # ListJobs' maximum: fewest calls for a big account
THINGS_PAGE_SIZE = 250  # ListThingsInThingGroup's maximum: 400 calls for 100,000 things


class CallStats:
    """Counts requests per operation, retries, and throttling answers, for the status bar."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.calls: Counter[str] = Counter()
        self.retries = 0
        self.throttled = 0  # throttling answers seen, including ones botocore retried
        self.last_throttled_at: float | None = None
        self._recent: deque[float] = deque(maxlen=2000)

    def record_call(self, operation: str, retry_attempts: int = 0) -> None:
        self.calls[operation] += 1
        self.retries += retry_attempts
        self._recent.append(self._clock())

    def record_throttle(self) -> None:
        self.throttled += 1
        self.last_throttled_at = self._clock()

    def forget_recent(self) -> None:
        """Start the calls-per-minute window afresh (the totals are kept)."""
        self._recent.clear()

    def calls_in_last(self, seconds: float) -> int:
        cutoff = self._clock() - seconds
        return sum(1 for t in self._recent if t >= cutoff)

    @property
    def total(self) -> int:
        return sum(self.calls.values())


def _retry_attempts(response: Any) -> int:
    meta = response.get("ResponseMetadata") if isinstance(response, dict) else None
    attempts = meta.get("RetryAttempts") if isinstance(meta, dict) else None
    return attempts if isinstance(attempts, int) else 0


class JobsApi:
    """Read-only IoT Jobs calls over one long-lived aioboto3 `iot` client."""

    def __init__(
        self, client: Any, stats: CallStats | None = None, pacer: Pacer | None = None
    ) -> None:
        self._client = client
        self.stats = stats or CallStats()
        self.pacer = pacer or Pacer()
        events = getattr(getattr(client, "meta", None), "events", None)
        self._hooked = events is not None
        if events is not None:
            # Sees every attempt, including the throttled ones botocore retries silently.
            events.register("needs-retry.iot", self._on_needs_retry)

    def _on_needs_retry(self, response: Any = None, **_: Any) -> None:
        if isinstance(response, tuple) and len(response) == 2 and isinstance(response[1], dict):
            code = (response[1].get("Error") or {}).get("Code")
            if code in THROTTLE_CODES:
                self.stats.record_throttle()
                _log.info("throttled (%s); botocore retries", code)
        return None  # never influence botocore's retry decision

    async def _call(self, operation: str, method: str, **params: Any) -> Any:
        await self.pacer.acquire(operation)
        try:
            response = await getattr(self._client, method)(**params)
        except Exception as exc:
            retries = 0
            if hasattr(exc, "response"):
                retries = _retry_attempts(exc.response)
            self.stats.record_call(operation, retries)
            if is_throttle(exc) and not self._hooked:
                self.stats.record_throttle()
            _log.warning("%s failed after %d retries: %s", operation, retries, explain(exc))
            raise
        retries = _retry_attempts(response)
        if retries:
            _log.info("%s succeeded after %d retries", operation, retries)
        self.stats.record_call(operation, retries)
        return response

    async def iter_job_pages(
        self,
        filters: JobFilters | None = None,
        page_size: int = PAGE_SIZE,
        first_page_size: int | None = None,
    ) -> AsyncIterator[list[JobSummary]]:
        """Every job, one ListJobs page at a time, following nextToken to the end.

        `first_page_size` lets a screen show its first rows sooner: a small first page is
        parsed and drawn quickly, and the large pages after it keep the call count low.
        """
        first = min(first_page_size or page_size, page_size)
        params: dict[str, Any] = {"maxResults": first, **(filters or JobFilters()).as_params()}
        seen_tokens: set[str] = set()
        while True:
            response = await self._call("ListJobs", "list_jobs", **params)
            params["maxResults"] = page_size
            jobs = [parse_job_summary(item) for item in response.get("jobs") or []]
            yield [job for job in jobs if job is not None]
            token = response.get("nextToken")
            # A token seen twice would loop forever (moto does this past 50 jobs).
            if not token or token in seen_tokens:
                return
            seen_tokens.add(token)
            params["nextToken"] = token

    async def list_all_jobs(self, filters: JobFilters | None = None) -> list[JobSummary]:
        return [job async for page in self.iter_job_pages(filters) for job in page]

    async def describe_job(self, job_id: str) -> Job:
        response = await self._call("DescribeJob", "describe_job", jobId=job_id)
        return parse_describe_job(response, job_id)

    async def get_job_document(self, job_id: str, before_substitution: bool = False) -> str:
        params: dict[str, Any] = {"jobId": job_id}
        if before_substitution:
            params["beforeSubstitution"] = True
        response = await self._call("GetJobDocument", "get_job_document", **params)
        document = response.get("document")
        return document if isinstance(document, str) else ""

    # --- thing groups (a job's target count, `aws.targets`) ---------------------------------

    async def describe_thing_group(self, name: str) -> dict[str, Any]:
        """DescribeThingGroup's whole response (`queryString` is set for a dynamic group)."""
        response = await self._call(
            "DescribeThingGroup", "describe_thing_group", thingGroupName=name
        )
        return response if isinstance(response, dict) else {}

    async def list_things_in_group_page(
        self, group: str, token: str | None = None, page_size: int = THINGS_PAGE_SIZE
    ) -> tuple[list[str], str | None]:
        """One recursive ListThingsInThingGroup page: (thing names, nextToken or None).

        `recursive=True`: a thing-group target reaches the things of its child groups too.
        The names (not only their number) let a job whose targets overlap count each thing
        once, as AWS creates one execution per thing.
        """
        params: dict[str, Any] = {
            "thingGroupName": group,
            "recursive": True,
            "maxResults": page_size,
        }
        if token:
            params["nextToken"] = token
        response = await self._call(
            "ListThingsInThingGroup", "list_things_in_thing_group", **params
        )
        things = response.get("things") if isinstance(response, dict) else None
        names = [name for name in things or [] if isinstance(name, str)]
        next_token = response.get("nextToken") if isinstance(response, dict) else None
        return names, next_token if isinstance(next_token, str) and next_token else None

    async def list_child_groups_page(
        self, parent: str, token: str | None = None
    ) -> tuple[list[str], str | None]:
        """One ListThingGroups page of `parent`'s descendants (recursive): (names, nextToken)."""
        params: dict[str, Any] = {
            "parentGroup": parent,
            "recursive": True,
            "maxResults": THINGS_PAGE_SIZE,
        }
        if token:
            params["nextToken"] = token
        response = await self._call("ListThingGroups", "list_thing_groups", **params)
        groups = response.get("thingGroups") if isinstance(response, dict) else None
        names = [
            group["groupName"]
            for group in groups or []
            if isinstance(group, dict) and isinstance(group.get("groupName"), str)
        ]
        next_token = response.get("nextToken") if isinstance(response, dict) else None
        return names, next_token if isinstance(next_token, str) and next_token else None

    async def count_indexed_things(self, query: str) -> int | None:
        """GetStatistics' `count` for a fleet-index query, or None when the answer has none."""
        response = await self._call("GetStatistics", "get_statistics", queryString=query)
        stats = response.get("statistics") if isinstance(response, dict) else None
        count = stats.get("count") if isinstance(stats, dict) else None
        return (
            count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None
        )
