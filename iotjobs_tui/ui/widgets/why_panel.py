"""The job detail's "why do they fail", from a sample of DescribeJobExecution (issue 12).

A job with failed, rejected or timed-out executions (or executions in progress) gets its own
loop (`why`, `WHY_INTERVAL` s after each cycle): each cycle reads the next pages of the
listings that are due (`aws.why_sample.WhySample.plan`: a status whose count moved, the
in-progress ones every minute; 3 pages a cycle at most) and describes up to
`DESCRIBES_PER_CYCLE` executions of the stratified sample, all background-paced (1 call a
second per operation at most). The panel shows how many are sampled of how many, how old that
is, the top buckets with count, 95 % interval, share and example things, and the in-progress
steps. `w` opens every bucket at full size (ui/screens/why.py).

The sample is kept per job (the last few), so a job selected again shows its buckets at once
and the full-size screen continues it.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.message_pump import MessagePump

from iotjobs_tui.aws.models import Job
from iotjobs_tui.aws.pacer import BACKGROUND_RATE
from iotjobs_tui.aws.why_sample import WhySample, WhySummary
from iotjobs_tui.common.statuses import EXEC_FAILURES, ExecStatus
from iotjobs_tui.ui.format import format_age, number
from iotjobs_tui.ui.messages import WhySampled
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.refresh import Failure, RefreshLoop
from iotjobs_tui.ui.text import safe
from iotjobs_tui.ui.widgets.field import Field
from iotjobs_tui.ui.widgets.insight import InsightSection
from iotjobs_tui.ui.widgets.sections import heading
from iotjobs_tui.ui.widgets.why_table import (
    count_label,
    examples_text,
    key_text,
    share_label,
)

WHY_INTERVAL = 2.0  # seconds between the end of a cycle and the next (a cycle with nothing
# due makes no call)
# DescribeJobExecution calls per cycle. The limiter spaces background calls to one operation
# 1 s apart, so a cycle of 5 takes ~5 s: 5 calls every ~7 s, about 0.7 a second while the
# sample fills, under the background budget of 1 a second for the operation.
DESCRIBES_PER_CYCLE = 5
# What that comes to, in DescribeJobExecution calls a second (the cost `A` announces).
DESCRIBE_RATE = DESCRIBES_PER_CYCLE / (DESCRIBES_PER_CYCLE / BACKGROUND_RATE + WHY_INTERVAL)
SHOWN = 3  # buckets in the panel (the screen shows every one)
KEPT_JOBS = 8  # samples kept for jobs selected before


def counts_of(job: Job) -> dict[str, int] | None:
    process = job.process
    if process is None:
        return None
    sampled = (*EXEC_FAILURES, ExecStatus.IN_PROGRESS)
    return {status: process.status_count(status) for status in sampled}


def new_sample(job_id: str, options: ViewOptions) -> WhySample:
    return WhySample(job_id, target=options.why_sample, keys=options.why_keys)


async def sample_cycle(
    data: DataSource, target: MessagePump, sample: WhySample, now: float, limit: int
) -> Failure | None:
    """One cycle (the panel's and the screen's): nothing due is no call at all."""
    sweeps = sample.plan(now)
    if not sweeps and not sample.choose({}, now, 1):
        return None
    return await data.why_cycle(
        target,
        sample.job_id,
        sweeps,
        lambda pages: sample.choose(sample.completed(pages), now, limit),
    )


def heading_text(summary: WhySummary, age: float | None, error: str | None = None) -> Text:
    """'Why  sampled 100 of 1,480 failed executions · 12 s ago'."""
    if not summary.listed:
        note = f"sampling {number(summary.failures)} failed executions…"
    elif summary.failures == 0:
        note = "no failed executions"
    elif summary.exact:
        note = f"all {number(summary.failures)} failed executions described"
    else:
        note = f"sampled {number(summary.sampled)} of {number(summary.failures)} failed executions"
    if summary.listed and age is not None:
        note += f" · {format_age(age)}"
    text = heading("Why", note)
    if error:
        text.append("  ⚠ ", style="bold red")
        text.append_text(safe(error, "dim"))
    return text


def steps_text(summary: WhySummary) -> Text | None:
    """'In progress by step (sampled 20 of 57): download ≈34 · install ≈23'."""
    if not summary.in_progress or not summary.steps:
        return None
    text = Text(end="")
    text.append("In progress", style="bold")
    if summary.steps_sampled >= summary.in_progress:
        text.append(f" by step (all {summary.in_progress:,}): ", style="dim")
    else:
        shown = f" by step (sampled {summary.steps_sampled} of {summary.in_progress:,}"
        if summary.steps_listed is not None:
            shown += f", from the first {summary.steps_listed:,} listed"
        text.append(shown + "): ", style="dim")
    for index, bucket in enumerate(summary.steps):
        if index:
            text.append(" · ", style="dim")
        key = bucket.key
        text.append_text(safe(key.value) if key.key else Text("(no step)", style="dim italic"))
        text.append(f" {count_label(bucket)}")
    return text


def body_text(summary: WhySummary) -> Text | None:
    """The top buckets (two lines each), the rest counted, then the steps."""
    lines: list[Text] = []
    for bucket in summary.buckets[:SHOWN]:
        line = Text(end="")
        line.append(f"  {count_label(bucket)}", style="bold")
        if not bucket.exact:
            line.append(f" ({bucket.low:,}-{bucket.high:,})", style="dim")
        line.append(f"  {share_label(bucket)}  ")
        line.append_text(key_text(bucket.key))
        lines.append(line)
        lines.append(Text("      ", end="") + examples_text(bucket))
    rest = len(summary.buckets) - SHOWN
    if summary.buckets:
        hint = f"  +{rest} more · " if rest > 0 else "  "
        lines.append(Text(f"{hint}w: every bucket, Enter lists its things", style="dim"))
    steps = steps_text(summary)
    if steps is not None:
        lines.append(steps)
    if not lines:
        return None
    return Text("\n", end="").join(lines)


class WhyPanel(InsightSection):
    # Field(wrap=False) alone does not stop Textual from wrapping: cut each line instead.
    DEFAULT_CSS = """
    WhyPanel Field { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sample: WhySample | None = None
        self._samples: OrderedDict[str, WhySample] = OrderedDict()
        self._created: dict[str, datetime | None] = {}  # job id -> createdAt of its sample
        self.loop: RefreshLoop | None = None
        self._loop_job: str | None = None  # the job the loop samples
        self._summary: WhySummary | None = None
        self._shown_version = -1
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Field(id="why-head", classes="section-head", wrap=False)
        yield Field(id="why-body", wrap=False)

    def on_mount(self) -> None:
        self.display = False

    # --- the job detail's calls -------------------------------------------------------------

    def select(self, job_id: str | None) -> None:
        super().select(job_id)
        if self.loop is not None:
            self.loop.stop()
        self._loop_job = None
        self.error = None
        if job_id is None:
            # No job: another account or region, or new server-side filters. Samples kept
            # for the old list could describe a different job under the same id.
            self._samples.clear()
        self.sample = self._samples.get(job_id) if job_id is not None else None
        self._show()

    def show_job(self, job: Job, now: datetime) -> None:
        super().show_job(job, now)
        if job.job_id != self.job_id:
            return
        counts = counts_of(job)
        if counts is None:
            return
        kept = self._samples.get(job.job_id)
        if kept is not None and self._created.get(job.job_id) != job.created_at:
            del self._samples[job.job_id]  # deleted and created again under the same id
            self._loop_job = None
        self._created[job.job_id] = job.created_at
        sample = self.sample_for(job.job_id)
        sample.set_counts(counts)
        if sample.has_work and self._loop_job != job.job_id:
            self._loop_job = job.job_id
            self._ensure_loop().restart()
        self._show()

    def tick(self, now: datetime) -> None:
        self._show()

    def sample_for(self, job_id: str) -> WhySample:
        """The job's sample (kept for the last KEPT_JOBS jobs), made on first use."""
        sample = self._samples.get(job_id)
        if sample is None:
            sample = self._samples[job_id] = new_sample(job_id, self.host.options)
            while len(self._samples) > KEPT_JOBS:
                gone, _ = self._samples.popitem(last=False)
                self._created.pop(gone, None)
        self._samples.move_to_end(job_id)
        if job_id == self.job_id:
            self.sample = sample
        return sample

    # --- the loop ---------------------------------------------------------------------------

    def _ensure_loop(self) -> RefreshLoop:
        if self.loop is None:
            self.loop = self.host.add_loop("why", WHY_INTERVAL, self._fetch, pane=self, shown=False)
        return self.loop

    async def _fetch(self) -> Failure | None:
        sample, loop = self.sample, self.loop
        if sample is None or loop is None:
            return None
        return await sample_cycle(
            self.host.data, self, sample, loop.monotonic(), DESCRIBES_PER_CYCLE
        )

    @on(WhySampled)
    def _on_sampled(self, message: WhySampled) -> None:
        message.stop()
        sample = self._samples.get(message.job_id)
        if sample is None or self.loop is None:
            return
        sample.take(message.result, self.loop.monotonic())
        if message.job_id == self.job_id:
            self.error = message.error
            self._show()

    # --- drawing --------------------------------------------------------------------------

    def summary(self) -> WhySummary | None:
        sample = self.sample
        if sample is None:
            return None
        if self._summary is None or self._shown_version != sample.version:
            self._summary = sample.summary()
            self._shown_version = sample.version
        return self._summary

    def _show(self) -> None:
        if not self.is_mounted:
            return
        summary = self.summary()
        if summary is None or not (summary.failures or summary.in_progress):
            self.display = False
            return
        self.display = True
        age = None
        if summary.updated_at is not None and self.loop is not None:
            age = max(0.0, self.loop.monotonic() - summary.updated_at)
        self.query_one("#why-head", Field).set(heading_text(summary, age, self.error))
        self.query_one("#why-body", Field).set(body_text(summary))
