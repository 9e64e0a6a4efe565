"""The only UI module that talks to the AWS layer. It runs as workers and posts messages.

aioboto3 is imported on the first call (inside a worker), after the first paint. Every
coroutine here posts its data to `target` and returns `None`, or a `Failure` that the pane's
`RefreshLoop` applies (backoff, or a stop for a permanent error). Connection state goes to
the App, its one owner: `Connected` after the first call that succeeds (with the account
from the first ARN), `SetupFailed` when nothing can work until the user fixes something.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from textual.message import Message
from textual.message_pump import MessagePump

from iotjobs_tui.aws import executions as ex
from iotjobs_tui.aws import pacer, writes
from iotjobs_tui.aws.api import PAGE_SIZE, CallStats, JobsApi
from iotjobs_tui.aws.errors import (
    AwsSetupError,
    describe_error,
    error_code,
    is_permanent,
    is_throttle,
    what_to_do,
)
from iotjobs_tui.aws.eta import TargetCount
from iotjobs_tui.aws.execution_models import DEFAULT_PAGE_PAUSE, EXECUTIONS_PAGE
from iotjobs_tui.aws.execution_sync import sync_executions
from iotjobs_tui.aws.models import JobFilters, JobSummary
from iotjobs_tui.aws.pacer import Pacer
from iotjobs_tui.aws.prefetch import Prefetch
from iotjobs_tui.aws.session import AwsConnection, ConnectionSettings
from iotjobs_tui.aws.targets import TargetCounter
from iotjobs_tui.aws.writes import WriteOutcome, WriteRequest
from iotjobs_tui.ui.connection import account_from_arn
from iotjobs_tui.ui.data_insight import InsightCalls
from iotjobs_tui.ui.messages import (
    Connected,
    DocumentFailed,
    DocumentLoaded,
    ExecutionDescribed,
    ExecutionDescribeFailed,
    ExecutionLocated,
    ExecutionsCounted,
    ExecutionsFailed,
    ExecutionsLoaded,
    ExecutionsPage,
    ExecutionsSynced,
    JobDescribed,
    JobDescribeFailed,
    JobProgress,
    JobsFailed,
    JobsLoaded,
    JobsPage,
    LocateFailed,
    SetupFailed,
    TargetsCounted,
    ThingExecutions,
    ThingExecutionsFailed,
)
from iotjobs_tui.ui.protocols import ExecutionsView
from iotjobs_tui.ui.refresh import Failure

R = TypeVar("R")

PROGRESS_EVERY = 3.0  # seconds between "counting targets… N so far" updates (bytes over SSH)

# About a screenful: the first rows appear sooner than with a full page of 250.
FIRST_PAGE_SIZE = 50
# How long the first load waits for the helper's page (aws.prefetch) before it starts on its
# own: the page normally arrives 0.1-0.25 s after the first paint. Past this the helper keeps
# going (on a slow link it is still ahead) and its page is shown if it beats the app's own.
PREFETCH_WAIT = 0.5
PREFETCH_LATE_WAIT = 30.0
# How long the loader waits for those rows to be painted before importing the SDK.
PAINT_WAIT = 0.25


class DataService(InsightCalls):
    def __init__(
        self,
        settings: ConnectionSettings,
        page_size: int = PAGE_SIZE,
        executions_page_size: int = EXECUTIONS_PAGE,
        prepare: Callable[[], ConnectionSettings] | None = None,
        prefetch: Prefetch | None = None,
    ) -> None:
        self.settings = settings
        # Blocking set-up to run before the first connection, off the event loop and after
        # the first paint (the demo starts its emulator here); it returns the settings to use.
        self._prepare = prepare
        self._prefetch = prefetch
        self._late: asyncio.Task[None] | None = None
        self._listed = False  # a page of the app's own ListJobs has arrived
        self.page_size = page_size
        self.executions_page_size = executions_page_size
        self._connection = AwsConnection(settings)
        self._api: JobsApi | None = None
        self._lock = asyncio.Lock()
        self._stats = CallStats()
        self.targets = TargetCounter()  # one cache of group sizes for every screen
        self.pacer = Pacer()  # the one limiter of every call this app makes (aws/pacer.py)
        self._owner: MessagePump | None = None  # the App: connection state goes there
        self._announced: tuple[str | None, bool] | None = None  # (account, connected)

    def bind(self, owner: MessagePump) -> None:
        """The one owner of connection state (the App) gets Connected and SetupFailed."""
        self._owner = owner

    def _post_state(self, target: MessagePump, message: Connected | SetupFailed) -> None:
        (self._owner or target).post_message(message)

    def _succeeded(self, target: MessagePump, arn: str | None = None) -> None:
        """A call went through: say so once, and again when the account becomes known."""
        account = account_from_arn(arn)
        if self._announced is not None and (self._announced[0] or not account):
            return
        self._announced = (account, True)
        label = self.settings.describe(self._connection.region)
        self._post_state(target, Connected(label, self._connection.region, account))

    def _failure(self, target: MessagePump, exc: BaseException) -> Failure:
        """One policy for every call: set-up errors go to the App and stop every loop."""
        if isinstance(exc, AwsSetupError):
            self._post_state(target, SetupFailed(str(exc)))
            return Failure(str(exc), permanent=True)
        error = describe_error(exc)
        remedy = what_to_do(exc)
        if remedy:
            error = f"{error} {remedy}"
        return Failure(error, permanent=is_permanent(exc), throttled=is_throttle(exc))

    @property
    def stats(self) -> CallStats:
        return self._stats

    async def _get_api(self, target: MessagePump) -> JobsApi:
        async with self._lock:
            if self._api is None:
                if self._prepare is not None:
                    self.settings = await asyncio.to_thread(self._prepare)
                    self._connection = AwsConnection(self.settings)
                    self._prepare = None
                client = await self._connection.open()
                self._api = JobsApi(client, self._stats, self.pacer)
            return self._api

    async def _show_prefetched(
        self, target: MessagePump, filters: JobFilters, generation: int
    ) -> bool:
        """The helper's first page (unfiltered), painted before the SDK import holds the loop.

        Holds the API lock meanwhile, so no other worker (the detail pane's, once the first
        row is selected) starts that import before the rows are on screen.
        """
        prefetch, self._prefetch = self._prefetch, None
        if prefetch is None:
            return False
        if filters != JobFilters():
            prefetch.cancel()
            return False
        async with self._lock:
            try:
                page = await prefetch.first_page(PREFETCH_WAIT)
            except TimeoutError:
                self._late = asyncio.create_task(self._late_prefetch(prefetch, target, generation))
                return False
            if not page:
                return False
            message = self._post_prefetched(target, generation, page)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(message.shown.wait(), PAINT_WAIT)
        return True

    async def _late_prefetch(
        self, prefetch: Prefetch, target: MessagePump, generation: int
    ) -> None:
        """A slow helper's page, shown if it still beats the app's own first page."""
        try:
            page = await prefetch.first_page(PREFETCH_LATE_WAIT)
        except TimeoutError:
            page = None
        finally:
            prefetch.cancel()
        if page and not self._listed:
            self._post_prefetched(target, generation, page)

    def _post_prefetched(
        self, target: MessagePump, generation: int, page: list[JobSummary]
    ) -> JobsPage:
        self._stats.record_call("ListJobs")  # the helper's call counts as the app's
        message = JobsPage(generation, page)
        target.post_message(message)
        return message

    async def load_jobs(
        self, target: MessagePump, filters: JobFilters, generation: int
    ) -> Failure | None:
        try:
            prefetched = await self._show_prefetched(target, filters, generation)
            api = await self._get_api(target)
            seen: set[str] = set()
            first_page = self.page_size if prefetched else FIRST_PAGE_SIZE
            async for page in api.iter_job_pages(
                filters, self.page_size, first_page_size=first_page
            ):
                self._listed = True
                self._succeeded(target, next((job.job_arn for job in page if job.job_arn), None))
                seen.update(job.job_id for job in page)
                target.post_message(JobsPage(generation, page))
            self._succeeded(target)
            target.post_message(JobsLoaded(generation, frozenset(seen)))
        except Exception as exc:
            failure = self._failure(target, exc)
            target.post_message(JobsFailed(generation, failure.error, failure.permanent))
            return failure
        return None

    async def run(
        self,
        target: MessagePump,
        call: Callable[[JobsApi], Awaitable[R]],
        ok: Callable[[R], Message],
        fail: Callable[[Failure], Message | None] = lambda failure: None,
        arn: Callable[[R], str | None] = lambda result: None,
        *,
        background: bool = False,
        charged: bool = False,
    ) -> Failure | None:
        """One call, one policy: `ok(result)` or `fail(failure)` is posted to `target`, and
        the outcome is returned to the pane's loop. `background`: work the user did not ask
        for by a key, paced by the smaller background budget (aws/pacer.py); `charged`: at
        the foreground pace, but counted against that budget's total."""
        if background:
            pacing: contextlib.AbstractContextManager[None] = pacer.background()
        elif charged:
            pacing = pacer.charged()
        else:
            pacing = contextlib.nullcontext()
        try:
            api = await self._get_api(target)
            with pacing:
                result = await call(api)
        except Exception as exc:
            failure = self._failure(target, exc)
            message = fail(failure)
            if message is not None:
                target.post_message(message)
            return failure
        self._succeeded(target, arn(result))
        target.post_message(ok(result))
        return None

    async def describe_job(self, target: MessagePump, job_id: str) -> Failure | None:
        return await self.run(
            target,
            lambda api: api.describe_job(job_id),
            JobDescribed,
            lambda f: JobDescribeFailed(job_id, f.error, f.permanent),
            lambda job: job.job_arn,
        )

    async def job_progress(
        self, target: MessagePump, job_id: str, first: bool = False
    ) -> Failure | None:
        """A list row's progress (DescribeJob); the row says its own age. The `first` value
        of a row on screen (it shows `…`) is what the user is looking at, so it goes at the
        foreground pace, charged to the background total; keeping values fresh afterwards is
        background work."""
        return await self.run(
            target,
            lambda api: api.describe_job(job_id),
            JobProgress,
            arn=lambda j: j.job_arn,
            background=not first,
            charged=first,
        )

    async def job_document(
        self, target: MessagePump, job_id: str, before_substitution: bool
    ) -> Failure | None:
        return await self.run(
            target,
            lambda api: api.get_job_document(job_id, before_substitution),
            lambda document: DocumentLoaded(job_id, before_substitution, document),
            lambda f: DocumentFailed(job_id, f.error),
        )

    # --- executions (read-only) -------------------------------------------------------------

    async def load_executions(
        self,
        target: MessagePump,
        job_id: str,
        status: str | None,
        generation: int,
        pause: float = DEFAULT_PAGE_PAUSE,
    ) -> Failure | None:
        """Every page, paced by `pause` seconds; cancelling the worker stops the loading."""
        try:
            api = await self._get_api(target)
            pages = ex.iter_job_executions(
                api, job_id, status, page_size=self.executions_page_size, pause=pause
            )
            async for page in pages:
                self._succeeded(target)
                target.post_message(ExecutionsPage(generation, job_id, page))
            target.post_message(ExecutionsLoaded(generation, job_id))
        except Exception as exc:
            failure = self._failure(target, exc)
            target.post_message(ExecutionsFailed(generation, job_id, failure.error))
            return failure
        return None

    async def sync_executions(
        self,
        target: MessagePump,
        job_id: str,
        view: ExecutionsView,
        status: str | None,
        generation: int,
        pause: float = DEFAULT_PAGE_PAUSE,
    ) -> Failure | None:
        """One refresh cycle of a loaded list (see `aws.execution_sync`)."""
        return await self.run(
            target,
            lambda api: sync_executions(
                api,
                job_id,
                view.unfinished(),
                view.counts,
                view.status_of,
                view.visible_keys(),
                status,
                pause,
            ),
            lambda result: ExecutionsSynced(generation, job_id, result),
            lambda f: ExecutionsFailed(generation, job_id, f.error),
        )

    async def count_executions(self, target: MessagePump, job_id: str) -> Failure | None:
        """DescribeJob's per-status counts for the executions screen."""
        return await self.run(
            target,
            lambda api: api.describe_job(job_id),
            lambda job: ExecutionsCounted(job, time.monotonic()),
            arn=lambda job: job.job_arn,
        )

    async def describe_execution(
        self, target: MessagePump, job_id: str, thing_name: str, number: int | None
    ) -> Failure | None:
        return await self.run(
            target,
            lambda api: ex.describe_job_execution(api, job_id, thing_name, number),
            lambda execution: ExecutionDescribed(execution, thing_name, time.monotonic()),
            lambda f: ExecutionDescribeFailed(job_id, thing_name, number, f.error),
        )

    async def thing_executions(
        self, target: MessagePump, thing_name: str, job_id: str | None
    ) -> Failure | None:
        return await self.run(
            target,
            lambda api: ex.list_thing_executions(api, thing_name, job_id),
            lambda rows: ThingExecutions(thing_name, job_id, rows),
            lambda f: ThingExecutionsFailed(thing_name, job_id, f.error),
        )

    async def locate_execution(
        self, target: MessagePump, job_id: str, thing_name: str, number: int | None
    ) -> Failure | None:
        return await self.run(
            target,
            lambda api: ex.locate_execution(api, job_id, thing_name, number),
            ExecutionLocated,
            lambda f: LocateFailed(f.error),
        )

    async def count_targets_by_index(
        self, target: MessagePump, job_id: str, targets: tuple[str, ...], continuous: bool
    ) -> Failure | None:
        """A list row's target count from the fleet index only (`TargetsCounted(job_id,
        None)` when the index cannot answer: the row then stays "of executions")."""
        return await self.run(
            target,
            lambda api: self.targets.count_by_index(api, targets, continuous),
            lambda count: TargetsCounted(job_id, count),
            background=True,
        )

    async def count_targets(
        self, target: MessagePump, job_id: str, targets: tuple[str, ...], continuous: bool
    ) -> Failure | None:
        """How many things the job's targets reach (`aws.targets`: paced, cached per group);
        progress is posted after every page, so the pane can say "counting… N so far". The
        detail's ETA waits for this count, so its fleet-index query (a few calls) goes as a
        foreground call, ahead of the list rows' counts; listing stays background work."""

        last = [0.0]

        def progress(partial: TargetCount) -> None:
            # A repaint per page (2.5/s) cost ~1 KB/s over SSH; every 3 s costs ~70 B/s.
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY:
                last[0] = now
                target.post_message(TargetsCounted(job_id, None, partial))

        return await self.run(
            target,
            lambda api: self.targets.count(api, targets, continuous, on_progress=progress),
            lambda count: TargetsCounted(job_id, count),
        )

    # --- insight: rollout timeline (issue 12) ------------------------------------------------

    @property
    def endpoint(self) -> str | None:
        return self.settings.resolved_endpoint()

    # --- connection ---------------------------------------------------------------------------

    async def switch(self, profile: str | None, region: str | None) -> str:
        """Point at another profile and/or region in place (None keeps the current one).

        Workers still running against the old client fail harmlessly: every pane restarts
        its loop, and a restarted loop ignores an older generation's outcome. Returns the
        new connection label."""
        async with self._lock:
            old = self._connection
            self.settings = dataclasses.replace(
                self.settings,
                profile=self.settings.profile if profile is None else profile,
                region=self.settings.region if region is None else region,
            )
            self._connection = AwsConnection(self.settings)
            self._api = None
            self._announced = None
            self.targets = TargetCounter()  # group sizes belong to the old account
        if self._prefetch is not None:
            self._prefetch.cancel()
            self._prefetch = None
        await old.close()
        return self.settings.describe()

    # --- writes (the screens check read-only mode before they get here) -------------------

    async def write(self, target: MessagePump, request: WriteRequest) -> WriteOutcome:
        """One confirmed write; the outcome is returned (not posted) for the audit log."""
        try:
            api = await self._get_api(target)
        except Exception as exc:
            failure = self._failure(target, exc)
            return WriteOutcome(request, failure.error, error_code(exc))
        return await writes.attempt(api, request)

    async def close(self) -> None:
        if self._prefetch is not None:
            self._prefetch.cancel()
        if self._late is not None:
            self._late.cancel()
        await self._connection.close()
