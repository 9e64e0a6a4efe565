"""What screens need from the data layer, as protocols, so they never import it (or boto)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from textual.message_pump import MessagePump

from iotjobs_tui.aws import stuck
from iotjobs_tui.aws.alerts import AlertSettings
from iotjobs_tui.aws.models import Job, JobFilters
from iotjobs_tui.aws.stuck import Thresholds, TriageState
from iotjobs_tui.aws.why import DEFAULT_KEYS
from iotjobs_tui.aws.why_sample import SAMPLE_TARGET, Chooser, Sweeps
from iotjobs_tui.aws.write_models import WriteOutcome, WriteRequest
from iotjobs_tui.ui.job_cache import JobListCache
from iotjobs_tui.ui.refresh import Failure


class Stats(Protocol):
    throttled: int
    retries: int

    @property
    def total(self) -> int: ...

    def calls_in_last(self, seconds: float) -> int: ...


class ExecutionsView(Protocol):
    """What a refresh cycle reads from the loaded executions list (the widget)."""

    @property
    def counts(self) -> Mapping[str, int]: ...

    def unfinished(self) -> dict[str, str]: ...

    def status_of(self, key: str) -> str | None: ...

    def visible_keys(self) -> list[str]: ...


class DataSource(Protocol):
    """Coroutines meant to run as workers; each posts its results to `target` as messages."""

    @property
    def stats(self) -> Stats | None: ...

    def load_jobs(
        self, target: MessagePump, filters: JobFilters, generation: int
    ) -> Coroutine[Any, Any, Failure | None]: ...

    def describe_job(
        self, target: MessagePump, job_id: str
    ) -> Coroutine[Any, Any, Failure | None]: ...

    def job_progress(
        self, target: MessagePump, job_id: str, first: bool = False
    ) -> Coroutine[Any, Any, Failure | None]: ...

    def job_document(
        self, target: MessagePump, job_id: str, before_substitution: bool
    ) -> Coroutine[Any, Any, Failure | None]: ...

    def load_executions(
        self,
        target: MessagePump,
        job_id: str,
        status: str | None,
        generation: int,
        pause: float = ...,
    ) -> Coroutine[Any, Any, Failure | None]: ...

    def describe_execution(
        self, target: MessagePump, job_id: str, thing_name: str, number: int | None
    ) -> Coroutine[Any, Any, Failure | None]: ...

    def thing_executions(
        self, target: MessagePump, thing_name: str, job_id: str | None
    ) -> Coroutine[Any, Any, Failure | None]: ...

    def locate_execution(
        self, target: MessagePump, job_id: str, thing_name: str, number: int | None
    ) -> Coroutine[Any, Any, Failure | None]: ...

    def sync_executions(
        self,
        target: MessagePump,
        job_id: str,
        view: ExecutionsView,
        status: str | None,
        generation: int,
        pause: float = ...,
    ) -> Coroutine[Any, Any, Failure | None]: ...

    def count_executions(
        self, target: MessagePump, job_id: str
    ) -> Coroutine[Any, Any, Failure | None]: ...

    def count_targets(
        self, target: MessagePump, job_id: str, targets: tuple[str, ...], continuous: bool
    ) -> Coroutine[Any, Any, Failure | None]: ...

    def count_targets_by_index(
        self, target: MessagePump, job_id: str, targets: tuple[str, ...], continuous: bool
    ) -> Coroutine[Any, Any, Failure | None]: ...

    def write(
        self, target: MessagePump, request: WriteRequest
    ) -> Coroutine[Any, Any, WriteOutcome]: ...

    # --- insight: why panel (issue 12) ---

    def why_cycle(
        self, target: MessagePump, job_id: str, sweeps: Sweeps, choose: Chooser
    ) -> Coroutine[Any, Any, Failure | None]: ...

    def describe_things(
        self, target: MessagePump, job_id: str, things: tuple[str, ...]
    ) -> Coroutine[Any, Any, Failure | None]: ...

    # --- insight: stuck triage (issue 12) ---

    def stuck_triage(
        self,
        target: MessagePump,
        state: TriageState,
        job: Job,
        clock: Callable[[], datetime],
        limits: Thresholds,
    ) -> Coroutine[Any, Any, Failure | None]: ...

    # --- insight: rollout timeline (issue 12) ---

    @property
    def endpoint(self) -> str | None:
        """The custom endpoint calls go to (an emulator), None for AWS's own: part of the
        key the timeline is saved under. No call."""
        ...

    def bind(self, owner: MessagePump) -> None: ...

    async def switch(self, profile: str | None, region: str | None) -> str: ...

    async def close(self) -> None: ...


@dataclass
class ViewOptions:
    """Start-up choices from the command line."""

    connection_label: str = ""
    demo: bool = False
    detail_interval: float = 5.0
    list_interval: float = 15.0
    job_id: str | None = None
    # With job_id: open this thing's execution of the job (the latest, or this number).
    thing_name: str | None = None
    execution_number: int | None = None
    # Seconds between ListJobExecutionsForJob pages: 0.5 keeps it at <= 2 calls/s.
    executions_page_pause: float = 0.5
    filters: JobFilters = field(default_factory=JobFilters)
    start_paused: bool = False
    # Seconds between background DescribeJob calls that fill the list's progress column.
    progress_every: float = 1.0
    # Wall clock for "what time is it" (maintenance windows, rates): the emulator's in demo.
    clock: Callable[[], float] | None = None
    # Monotonic clock for "updated Ns ago" and staleness; frozen in snapshot tests.
    monotonic: Callable[[], float] | None = None
    # The previous session's job list for these server-side filters, shown until the first
    # live page arrives (None: no cache, as in the demo).
    job_cache: Callable[[JobFilters], JobListCache] | None = None
    # Writes (cancel, delete) are refused unless the user opted in (--read-write or config).
    read_write: bool = False
    # Clipboard delivery for `c`: auto, osc52, tmux or off.
    clipboard: str = "auto"
    # As the user gave them (for "copy as an AWS CLI command"); None: the SDK's defaults.
    profile: str | None = None
    region: str | None = None
    # Where the audit log and exports go (None: platformdirs' user state directory).
    state_dir: Path | None = None
    # Binding id -> key(s), from the config file's [keys] table.
    keymap: dict[str, str] = field(default_factory=dict)
    # Alerts (off by default): --alerts, --alert-delivery, --on-alert and the config's [alerts].
    alerts: AlertSettings = field(default_factory=AlertSettings)
    # The why panel: statusDetails keys that name a bucket (the first one reported wins), and
    # how many failed executions it describes (config [why] keys and sample).
    why_keys: tuple[str, ...] = DEFAULT_KEYS
    why_sample: int = SAMPLE_TARGET
    # Stuck triage: QUEUED this long is "never picked up", IN_PROGRESS without an update this
    # long is "silent" (config [stuck] queued_minutes, in_progress_minutes).
    stuck_queued_minutes: float = stuck.QUEUED_MINUTES
    stuck_in_progress_minutes: float = stuck.IN_PROGRESS_MINUTES
