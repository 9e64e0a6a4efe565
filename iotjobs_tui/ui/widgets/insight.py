"""The job detail's insight sections (issue 12): abort radar, why panel, stuck triage and the
rollout timeline. Each is a widget that owns its data: it asks the screen for a refresh loop
(`LoopHost.add_loop`, so the status bar shows its age and cost, and `p`/`r` apply to it) and
gets its answers as messages posted to itself by the data service.

The job detail forwards three things to every section: which job is selected, each new
DescribeJob of it, and a once-a-second clock tick (for countdowns and ages).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, cast

from textual.containers import Vertical

from iotjobs_tui.aws.eta import TargetCount
from iotjobs_tui.aws.models import Job
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.refresh import Fetch, RefreshLoop


class LoopHost(Protocol):
    """What a section needs from its screen (a LiveScreen; widgets may not import screens)."""

    data: DataSource
    options: ViewOptions
    # The status bar's clock for "updated N s ago" (real time even when the demo runs fast).
    monotonic: Callable[[], float]

    def add_loop(
        self,
        name: str,
        interval: float,
        fetch: Fetch,
        pane: Any = None,
        *,
        shown: bool = True,
    ) -> RefreshLoop: ...

    def now(self) -> datetime: ...


class InsightSection(Vertical):
    """Base of the insight sections: hidden until it has something true to say."""

    DEFAULT_CSS = """
    InsightSection { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.job_id: str | None = None
        self.job: Job | None = None

    @property
    def host(self) -> LoopHost:
        return cast(LoopHost, self.screen)

    def select(self, job_id: str | None) -> None:
        """Another job is highlighted: forget this one's data (subclasses extend)."""
        self.job_id = job_id
        self.job = None

    def show_job(self, job: Job, now: datetime) -> None:
        """A new DescribeJob of the selected job (no extra call)."""
        if job.job_id == self.job_id:
            self.job = job

    def show_targets(self, count: TargetCount | None, counting: TargetCount | None) -> None:
        """The selected job's target count, when it changes."""

    def tick(self, now: datetime) -> None:
        """Once a second: ages and countdowns."""
