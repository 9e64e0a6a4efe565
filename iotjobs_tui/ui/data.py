"""The only UI module that talks to the AWS layer. It runs as workers and posts messages.

aioboto3 is imported on the first call (inside a worker), after the first paint.
"""

from __future__ import annotations

import asyncio

from textual.message_pump import MessagePump

from iotjobs_tui.aws.api import PAGE_SIZE, CallStats, JobsApi
from iotjobs_tui.aws.errors import AwsSetupError, describe_error, is_throttle
from iotjobs_tui.aws.models import JobFilters
from iotjobs_tui.aws.session import AwsConnection, ConnectionSettings
from iotjobs_tui.ui.messages import (
    Connected,
    DocumentFailed,
    DocumentLoaded,
    JobDescribed,
    JobDescribeFailed,
    JobProgress,
    JobProgressFailed,
    JobsFailed,
    JobsLoaded,
    JobsPage,
    SetupFailed,
)


class DataService:
    def __init__(self, settings: ConnectionSettings, page_size: int = PAGE_SIZE) -> None:
        self.settings = settings
        self.page_size = page_size
        self._connection = AwsConnection(settings)
        self._api: JobsApi | None = None
        self._lock = asyncio.Lock()
        self._stats = CallStats()

    @property
    def stats(self) -> CallStats:
        return self._stats

    async def _get_api(self, target: MessagePump) -> JobsApi:
        async with self._lock:
            if self._api is None:
                client = await self._connection.open()
                self._api = JobsApi(client, self._stats)
                label = self.settings.describe(self._connection.region)
                target.post_message(Connected(label))
            return self._api

    async def load_jobs(self, target: MessagePump, filters: JobFilters, generation: int) -> None:
        try:
            api = await self._get_api(target)
            seen: set[str] = set()
            async for page in api.iter_job_pages(filters, self.page_size):
                seen.update(job.job_id for job in page)
                target.post_message(JobsPage(generation, page))
            target.post_message(JobsLoaded(generation, frozenset(seen)))
        except AwsSetupError as exc:
            target.post_message(SetupFailed(str(exc)))
        except Exception as exc:
            target.post_message(JobsFailed(generation, describe_error(exc), is_throttle(exc)))

    async def describe_job(self, target: MessagePump, job_id: str) -> None:
        try:
            api = await self._get_api(target)
            job = await api.describe_job(job_id)
            target.post_message(JobDescribed(job))
        except AwsSetupError as exc:
            target.post_message(SetupFailed(str(exc)))
        except Exception as exc:
            target.post_message(JobDescribeFailed(job_id, describe_error(exc), is_throttle(exc)))

    async def job_progress(self, target: MessagePump, job_id: str) -> None:
        try:
            api = await self._get_api(target)
            target.post_message(JobProgress(await api.describe_job(job_id)))
        except Exception:
            # A row's progress is best effort; the detail pane reports errors for its job.
            target.post_message(JobProgressFailed(job_id))

    async def job_document(
        self, target: MessagePump, job_id: str, before_substitution: bool
    ) -> None:
        try:
            api = await self._get_api(target)
            document = await api.get_job_document(job_id, before_substitution)
            target.post_message(DocumentLoaded(job_id, before_substitution, document))
        except AwsSetupError as exc:
            target.post_message(DocumentFailed(job_id, str(exc)))
        except Exception as exc:
            target.post_message(DocumentFailed(job_id, describe_error(exc)))

    async def close(self) -> None:
        await self._connection.close()
