"""Typed messages from the data layer (`ui.data`) to screens. Carry models, never clients."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from iotjobs_tui.aws.eta import TargetCount
from iotjobs_tui.aws.execution_models import JobExecution, Located, SyncResult, ThingExecution
from iotjobs_tui.aws.models import Job, JobExecutionSummary, JobSummary
from iotjobs_tui.aws.stuck import TriageReport
from iotjobs_tui.aws.why_sample import CycleResult


@dataclass
class JobsPage(Message):
    """One ListJobs page of a refresh (`generation` identifies the refresh)."""

    generation: int
    jobs: list[JobSummary]
    # Set by the screen once the page is painted: at start-up the loader waits for it before
    # importing the SDK, which holds the event loop for ~0.3 s.
    shown: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class JobsLoaded(Message):
    """Every page of a refresh has arrived; `job_ids` is the complete set."""

    generation: int
    job_ids: frozenset[str]


@dataclass
class JobsFailed(Message):
    generation: int
    error: str
    permanent: bool = False


@dataclass
class JobDescribed(Message):
    job: Job

    def can_replace(self, message: Message) -> bool:
        # A backlog of results for the same job collapses to the newest.
        return isinstance(message, JobDescribed) and message.job.job_id == self.job.job_id


@dataclass
class JobDescribeFailed(Message):
    job_id: str
    error: str
    permanent: bool = False


@dataclass
class JobProgress(Message):
    """A background DescribeJob for a list row's progress column (not the detail pane)."""

    job: Job


@dataclass
class DocumentLoaded(Message):
    job_id: str
    before_substitution: bool
    document: str


@dataclass
class DocumentFailed(Message):
    job_id: str
    error: str


@dataclass
class SetupFailed(Message):
    """Credentials, region or profile are missing or wrong: nothing will work until fixed."""

    error: str


@dataclass
class Connected(Message):
    """A call succeeded; `label` describes where it points. Posted to the App."""

    label: str
    region: str | None = None
    account: str | None = None


@dataclass
class ExecutionsPage(Message):
    """One ListJobExecutionsForJob page of a load (`generation` identifies the load)."""

    generation: int
    job_id: str
    executions: list[JobExecutionSummary]


@dataclass
class ExecutionsLoaded(Message):
    generation: int
    job_id: str


@dataclass
class ExecutionsFailed(Message):
    generation: int
    job_id: str
    error: str


@dataclass
class ExecutionsSynced(Message):
    """One refresh cycle of a loaded executions list (`aws.execution_sync`)."""

    generation: int
    job_id: str
    result: SyncResult


@dataclass
class ExecutionsCounted(Message):
    """DescribeJob for the executions screen: the service's per-status counts."""

    job: Job
    measured_at: float  # monotonic


@dataclass
class ExecutionDescribed(Message):
    """A DescribeJobExecution result; `measured_at` (monotonic) anchors the countdown."""

    execution: JobExecution
    thing_name: str
    measured_at: float


@dataclass
class ExecutionDescribeFailed(Message):
    job_id: str
    thing_name: str
    execution_number: int | None
    error: str


@dataclass
class ThingExecutions(Message):
    """ListJobExecutionsForThing for one thing; `job_id` None means every job."""

    thing_name: str
    job_id: str | None
    executions: list[ThingExecution]


@dataclass
class ThingExecutionsFailed(Message):
    thing_name: str
    job_id: str | None
    error: str


@dataclass
class ExecutionLocated(Message):
    """The go-to prompt's existence check: per-field errors, or the number to open."""

    located: Located


@dataclass
class LocateFailed(Message):
    error: str


@dataclass
class TargetsCounted(Message):
    """A job's target set as far as counted: `counting` while pages arrive, then `count`."""

    job_id: str
    count: TargetCount | None
    counting: TargetCount | None = None


@dataclass
class ShowThings(Message):
    """An insight section's `Enter`: list exactly these things' executions of the job
    (`known`: executions already described, shown at once with their age). A `known` value
    is a `JobExecution` (DescribeJobExecution) or a `JobExecutionSummary` (a list row),
    optionally paired with the monotonic time it was fetched: `(execution, fetched_at)`."""

    job_id: str
    title: str
    things: tuple[str, ...]
    known: dict[str, Any] = field(default_factory=dict)


# --- insight: why panel (issue 12) ---------------------------------------------------------


@dataclass
class WhySampled(Message):
    """One cycle of a job's why sample (`aws.why_sampler`); with `error`, what the cycle got
    before it failed."""

    job_id: str
    result: CycleResult
    error: str | None = None


@dataclass
class ThingsDescribed(Message):
    """DescribeJobExecution of a few things (the list ShowThings opens); partial on `error`."""

    job_id: str
    result: CycleResult
    error: str | None = None


# --- insight: stuck triage (issue 12) ------------------------------------------------------


@dataclass
class StuckTriaged(Message):
    """One stuck-triage cycle of a job (`aws.triage`)."""

    report: TriageReport


@dataclass
class StuckTriageFailed(Message):
    job_id: str
    error: str
