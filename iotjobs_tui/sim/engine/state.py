"""The emulator's per-region data: things, groups, jobs, executions, templates, and indexes.

Indexes are kept up to date on every change so reads never scan a whole fleet:
executions by (job, thing) and by thing, the things and child groups of each group, and the
continuous jobs that target each group.
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from iotjobs_tui.common.job_configs import (
    AbortCriterion,
    RetryCriterion,
    RolloutConfig,
    SchedulingConfig,
    TimeoutConfig,
)
from iotjobs_tui.sim.engine.event_heap import Event
from iotjobs_tui.sim.engine.fleet_index import DynamicDefinition, ThingIndex


def thing_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:iot:{region}:{account}:thing/{name}"


def group_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:iot:{region}:{account}:thinggroup/{name}"


def job_arn(region: str, account: str, job_id: str) -> str:
    return f"arn:aws:iot:{region}:{account}:job/{job_id}"


def template_arn(region: str, account: str, template_id: str) -> str:
    return f"arn:aws:iot:{region}:{account}:jobtemplate/{template_id}"


@dataclass
class Thing:
    name: str
    thing_id: str
    arn: str
    attributes: dict[str, str]
    type_name: str | None
    created_at: float
    version: int = 1
    groups: set[str] = field(default_factory=set)


@dataclass
class ThingGroup:
    name: str
    group_id: str
    arn: str
    parent: str | None
    description: str | None
    attributes: dict[str, str]
    created_at: float
    version: int = 1
    children: set[str] = field(default_factory=set)
    things: set[str] = field(default_factory=set)
    # Set for a dynamic thing group: its query (sim/engine/index_sync.py keeps `things` current).
    dynamic: DynamicDefinition | None = None


@dataclass
class JobExecution:
    job_id: str
    thing_name: str
    thing_arn: str
    execution_number: int
    status: str
    queued_at: float
    last_updated_at: float
    version_number: int
    seq: int  # creation order, the stable paging key
    started_at: float | None = None
    status_details: dict[str, str] = field(default_factory=dict)
    force_canceled: bool | None = None
    retry_attempt: int = 0
    # Absolute virtual deadline of the running timer: the earlier of the in-progress deadline
    # and the step deadline (sim/timeouts.py); approximateSecondsBeforeTimedOut derives from it.
    timeout_at: float | None = None
    progress_deadline: float | None = None  # timeoutConfig.inProgressTimeoutInMinutes
    step_deadline: float | None = None  # stepTimeoutInMinutes (StartNext / UpdateJobExecution)
    timeout_event: Event | None = None


@dataclass
class Job:
    job_id: str
    arn: str
    target_selection: str
    status: str
    targets: list[str]
    created_at: float
    last_updated_at: float
    seq: int
    document: str | None = None
    document_before_substitution: str | None = None
    document_source: str | None = None
    description: str | None = None
    presigned_url_config: dict[str, Any] | None = None
    rollout_config: dict[str, Any] | None = None
    abort_config: dict[str, Any] | None = None
    timeout_config: dict[str, Any] | None = None
    retry_config: dict[str, Any] | None = None
    scheduling_config: dict[str, Any] | None = None
    # The configs above as typed values (common.job_configs), parsed once by CreateJob and
    # UpdateJob (api/handlers/jobs.py sets both): the rules read these, responses echo the
    # dicts as the client sent them.
    rollout: RolloutConfig | None = None
    abort: tuple[AbortCriterion, ...] | None = None
    timeout: TimeoutConfig | None = None
    retry: tuple[RetryCriterion, ...] | None = None
    scheduling: SchedulingConfig | None = None
    namespace_id: str | None = None
    job_template_arn: str | None = None
    document_parameters: dict[str, str] | None = None
    destination_package_versions: list[str] | None = None
    tags: list[dict[str, str]] | None = None
    completed_at: float | None = None
    force_canceled: bool | None = None
    reason_code: str | None = None
    comment: str | None = None
    # Counters by execution status, kept incrementally (DescribeJob never scans executions).
    counts: Counter[str] = field(default_factory=Counter)
    # Every execution in creation order (ListJobExecutionsForJob pages over this by seq).
    executions: list[JobExecution] = field(default_factory=list)
    # Execution history per thing, oldest first; the last one is the "latest".
    by_thing: dict[str, list[JobExecution]] = field(default_factory=dict)
    # Rollout queue: (thing name, target ARN that reached it) not yet materialised.
    pending: deque[tuple[str, str]] = field(default_factory=deque)
    pending_names: set[str] = field(default_factory=set)
    pending_by_target: Counter[str] = field(default_factory=Counter)
    rollout_event: Event | None = None
    rollout_credit: float = 0.0
    rollout_last: float = 0.0
    notified: int = 0  # executions created so far (exponential rollout's "notified things")
    # Cancel cascade still running (executions left to cancel, and with force or not).
    cancel_queue: deque[JobExecution] = field(default_factory=deque)
    cancel_force: bool = False
    cancel_event: Event | None = None
    cancel_credit: float = 0.0
    cancel_last: float = 0.0
    start_event: Event | None = None
    delete_event: Event | None = None
    # Scheduling (sim/windows.py): the rollout has begun at least once (startTime reached or a
    # maintenance window opened); the endTime has passed; the next window boundary; endTime.
    started: bool = False
    ended: bool = False
    window_event: Event | None = None
    end_event: Event | None = None
    # scheduledJobRollouts cache: (valid until, the next window starts as StringDateTime).
    rollouts_cache: tuple[float, list[str]] | None = None

    @property
    def is_concurrent(self) -> bool:
        return bool(self.pending) or bool(self.cancel_queue)

    def latest(self, thing_name: str) -> JobExecution | None:
        history = self.by_thing.get(thing_name)
        return history[-1] if history else None


@dataclass
class JobTemplate:
    template_id: str
    arn: str
    description: str
    created_at: float
    seq: int
    document: str | None = None
    document_source: str | None = None
    presigned_url_config: dict[str, Any] | None = None
    rollout_config: dict[str, Any] | None = None
    abort_config: dict[str, Any] | None = None
    timeout_config: dict[str, Any] | None = None
    retry_config: dict[str, Any] | None = None
    maintenance_windows: list[dict[str, Any]] | None = None
    destination_package_versions: list[str] | None = None


@dataclass
class RegionState:
    region: str
    account: str
    things: dict[str, Thing] = field(default_factory=dict)
    groups: dict[str, ThingGroup] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    templates: dict[str, JobTemplate] = field(default_factory=dict)
    # Executions of every job for each thing, in creation order.
    executions_by_thing: dict[str, list[JobExecution]] = field(default_factory=dict)
    # Jobs whose targets name the group directly (continuous jobs look up ancestors too).
    jobs_by_target_group: dict[str, set[str]] = field(default_factory=dict)
    # Fleet indexing (AWS_Things) and the dynamic groups built on it (sim/engine/index_sync.py).
    index: ThingIndex = field(default_factory=ThingIndex)
    seq: itertools.count[int] = field(default_factory=itertools.count)
    # ListThings pages through things by name; sorting 100,000 names per page cost ~80 ms, so
    # the order is kept until a thing is created or deleted.
    _things_by_name: list[Thing] | None = field(default=None, repr=False)

    def next_seq(self) -> int:
        return next(self.seq)

    def add_thing(self, thing: Thing) -> None:
        self.things[thing.name] = thing
        self._things_by_name = None

    def remove_thing(self, name: str) -> None:
        del self.things[name]
        self._things_by_name = None

    def things_by_name(self) -> list[Thing]:
        if self._things_by_name is None:
            self._things_by_name = sorted(self.things.values(), key=lambda t: t.name)
        return self._things_by_name

    def thing_arn(self, name: str) -> str:
        return thing_arn(self.region, self.account, name)

    def group_arn(self, name: str) -> str:
        return group_arn(self.region, self.account, name)

    def job_arn(self, job_id: str) -> str:
        return job_arn(self.region, self.account, job_id)

    def template_arn(self, template_id: str) -> str:
        return template_arn(self.region, self.account, template_id)
