"""The insight sections' calls (issue 12), as a part of `DataService` (ui/data.py): each is
one `run` of an aws/ module's cycle, background-paced, posting its result as a message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

from textual.message import Message
from textual.message_pump import MessagePump

from iotjobs_tui.aws import triage, why_sampler
from iotjobs_tui.aws.models import Job
from iotjobs_tui.aws.stuck import Thresholds, TriageState
from iotjobs_tui.aws.why_sample import Chooser, CycleResult, Sweeps
from iotjobs_tui.ui.messages import StuckTriaged, StuckTriageFailed, ThingsDescribed, WhySampled
from iotjobs_tui.ui.refresh import Failure


class _Runner(Protocol):
    async def run(
        self,
        target: MessagePump,
        call: Callable[[Any], Awaitable[Any]],
        ok: Callable[[Any], Message],
        fail: Callable[[Failure], Message | None] = ...,
        arn: Callable[[Any], str | None] = ...,
        *,
        background: bool = False,
    ) -> Failure | None: ...


class InsightCalls:
    # --- insight: why panel (issue 12) -------------------------------------------------------

    async def why_cycle(
        self: _Runner, target: MessagePump, job_id: str, sweeps: Sweeps, choose: Chooser
    ) -> Failure | None:
        """One cycle of a job's why sample (`aws.why_sampler`): the next pages of `sweeps`,
        then describe what `choose` picks. Background-paced; a failed cycle still posts what
        it got."""
        result = CycleResult()
        return await self.run(
            target,
            lambda api: why_sampler.run_cycle(api, job_id, sweeps, choose, result),
            lambda done: WhySampled(job_id, done),
            lambda f: WhySampled(job_id, result, f.error),
            background=True,
        )

    async def describe_things(
        self: _Runner, target: MessagePump, job_id: str, things: tuple[str, ...]
    ) -> Failure | None:
        """The latest execution of the job on each of `things` (background-paced)."""
        result = CycleResult()
        return await self.run(
            target,
            lambda api: why_sampler.describe_things(api, job_id, things, result),
            lambda done: ThingsDescribed(job_id, done),
            lambda f: ThingsDescribed(job_id, result, f.error),
            background=True,
        )

    # --- insight: stuck triage (issue 12) ---------------------------------------------------

    async def stuck_triage(
        self: _Runner,
        target: MessagePump,
        state: TriageState,
        job: Job,
        clock: Callable[[], datetime],
        limits: Thresholds,
    ) -> Failure | None:
        """One stuck-triage cycle of `job` (`aws.triage`), background-paced."""
        return await self.run(
            target,
            lambda api: triage.run_cycle(api, state, job, clock, limits),
            StuckTriaged,
            lambda f: StuckTriageFailed(job.job_id, f.error),
            background=True,
        )
