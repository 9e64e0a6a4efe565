"""The job detail's rollout timeline: sparklines per minute, kept across restarts (issue 12).

It makes no call of its own: it records the DescribeJob answers the detail already gets
(common/timeline.py), saves each closed minute under the user state directory
(common/timeline_store.py) and loads a job's earlier minutes, in a thread, when the job is
first shown. It repaints when a minute closes, when history arrives and on `←`/`→`, never
on the once-a-second tick: over SSH a repaint of four sparklines is a few hundred bytes.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from iotjobs_tui.aws.models import Job, JobProcessDetails
from iotjobs_tui.common import paths
from iotjobs_tui.common import timeline_store as store
from iotjobs_tui.common.display_zone import clock
from iotjobs_tui.common.timeline import MINUTE, Bucket, Counts, Recorder, minute_of
from iotjobs_tui.ui.connection import ConnectionOwner, account_from_arn
from iotjobs_tui.ui.format import compact, span_in_words, zone_label
from iotjobs_tui.ui.widgets.field import Field
from iotjobs_tui.ui.widgets.gap_sparkline import GapSparkline
from iotjobs_tui.ui.widgets.insight import InsightSection
from iotjobs_tui.ui.widgets.sections import heading

# (series, row label): the three per-minute rises, then the level.
SERIES = (
    ("notified", "notified"),
    ("succeeded", "succeeded"),
    ("failed", "failed"),
    ("in_progress", "in progress"),
)
LABEL_WIDTH = 12
VALUE_WIDTH = 8
MAX_MINUTES = 60
MIN_MINUTES = 10
KEEP_JOBS = 32  # recorders kept in memory: the jobs looked at this session

# (endpoint, region, account, job id, createdAt): one job, wherever it lives.
Key = tuple[str | None, str | None, str | None, str, float | None]


def counts_of(process: JobProcessDetails) -> Counts:
    failed = process.count("failed") + process.count("rejected") + process.count("timed_out")
    return Counts(process.total, process.count("succeeded"), failed, process.count("in_progress"))


@dataclass
class _JobTimeline:
    recorder: Recorder = field(default_factory=Recorder)
    path: Path | None = None
    loaded: bool = False  # history merged (appends wait for it: a load may compact the file)
    pending: list[Bucket] = field(default_factory=list)
    warning: str | None = None  # why the timeline is not saved or could not be read


def value_of(bucket: Bucket | None, series: str) -> int | None:
    """A series' value in a minute; None (a gap) where it was not recorded or measured."""
    if bucket is None or (series != "in_progress" and not bucket.measured):
        return None
    value = getattr(bucket, series)
    return value if isinstance(value, int) else None


def at_minute(minute: int, now: datetime) -> str:
    """'14:05 UTC' (another day: 'Dec 02 14:05 UTC'), in the display zone."""
    return clock(datetime.fromtimestamp(minute * MINUTE, UTC), now)


def sentence(bucket: Bucket | None, minute: int, now: datetime) -> Text:
    """'14:05 UTC: 120 notified, 98 succeeded, 3 failed/rejected/timed out, 880 in progress'."""
    at = at_minute(minute, now)
    if bucket is None:
        return Text(f"{at}: no data (nothing was recorded in this minute)", style="dim")
    level = "unknown" if bucket.in_progress is None else f"{bucket.in_progress:,}"
    if bucket.measured:
        text = Text(
            f"{at}: {bucket.notified:,} notified, {bucket.succeeded:,} succeeded, "
            f"{bucket.failed:,} failed/rejected/timed out, {level} in progress"
        )
    else:
        text = Text(f"{at}: {level} in progress; one refresh only, so no rise measured")
    if bucket.fell:
        text.append(
            f" · counters fell by {bucket.fell:,} (executions deleted): at least these",
            style="yellow",
        )
    if bucket.partial:
        text.append(" · part of the minute (recording began in it)", style="dim")
    if bucket.gap is not None:
        gap = bucket.gap.change
        text.append(
            f" · before it {span_in_words(bucket.gap.minutes * MINUTE)} without data: "
            f"+{gap.notified:,} notified, +{gap.succeeded:,} succeeded, +{gap.failed:,} failed",
            style="dim",
        )
    return text


class _Row(Horizontal):
    DEFAULT_CSS = """
    _Row { height: 1; }
    _Row > .tl-label { width: 12; }
    _Row > .tl-value { width: 8; }
    """


class Timeline(InsightSection):
    DEFAULT_CSS = """
    Timeline #tl-spark-failed > .sparkline--max-color { color: $error; }
    Timeline #tl-spark-failed > .sparkline--min-color { color: $error 30%; }
    Timeline #tl-spark-succeeded > .sparkline--max-color { color: $success; }
    Timeline #tl-spark-succeeded > .sparkline--min-color { color: $success 30%; }
    """
    _pruned = False  # old files are deleted once per process

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._jobs: OrderedDict[Key, _JobTimeline] = OrderedDict()
        self._current: Key | None = None
        self._minute: int | None = None  # the clock's minute at the last tick
        self._now: datetime | None = None
        self._cursor: int | None = None  # the scrubbed minute; None: follow the latest
        self._view_end = 0  # the last minute shown while scrubbing
        self._width = 0  # minutes shown: one a column

    def compose(self) -> ComposeResult:
        yield Field(id="tl-head")
        yield Field(id="tl-note")
        for name, label in SERIES:
            with _Row(id=f"tl-row-{name}", classes="tl-row"):
                yield Static(label, classes="tl-label")
                yield GapSparkline(id=f"tl-spark-{name}")
                yield Field(id=f"tl-value-{name}", classes="tl-value", wrap=False)
        yield Field(id="tl-caret", wrap=False)  # ▲ under the minute the sentence tells
        yield Field(id="tl-cursor", steady=True)

    def on_mount(self) -> None:
        self.display = False

    # --- what the detail forwards -----------------------------------------------------------

    def select(self, job_id: str | None) -> None:
        super().select(job_id)
        self._current = None
        self._cursor = None
        self.display = False

    def show_job(self, job: Job, now: datetime) -> None:
        super().show_job(job, now)
        if job.job_id != self.job_id or job.process is None:
            return
        key = self._key(job)
        timeline = self._timeline(key)
        self._persist(timeline, timeline.recorder.add(now.timestamp(), counts_of(job.process)))
        self._current = key
        self._now, self._minute = now, minute_of(now.timestamp())
        self._redraw()

    def tick(self, now: datetime) -> None:
        minute = minute_of(now.timestamp())
        self._now = now
        if minute == self._minute:
            return  # nothing on screen changes within a minute
        self._minute = minute
        for timeline in self._jobs.values():
            self._persist(timeline, timeline.recorder.close_before(minute))
        if self._current is not None:
            self._redraw()

    def on_unmount(self) -> None:
        """The app is closing: save the minute under way too (it is all there is of it)."""
        for timeline in self._jobs.values():
            if timeline.path is not None and timeline.warning is None:
                store.append(timeline.path, timeline.pending + timeline.recorder.flush())

    # --- scrubbing (`←`/`→`, bound on the detail) -------------------------------------------

    def _shown(self) -> _JobTimeline | None:
        return None if self._current is None else self._jobs.get(self._current)

    def scrub(self, direction: int) -> bool:
        """Move the cursor a minute; False when there is no timeline to scrub."""
        timeline = self._shown()
        if timeline is None or not self.display or self._minute is None:
            return False
        recorder, end = timeline.recorder, self._minute - 1
        cursor = end if self._cursor is None else self._cursor
        if self._cursor is None:
            self._view_end = end
        cursor = recorder.step(cursor, direction, self._width)
        oldest = min(min(recorder.closed, default=end), end - self._width + 1)
        cursor = max(cursor, oldest)
        self._cursor = None if cursor >= end else cursor
        if self._cursor is not None:
            if cursor < self._view_end - self._width + 1:
                self._view_end = cursor + self._width - 1
            elif cursor > self._view_end:
                self._view_end = cursor
        self._redraw()
        return True

    # --- the job's recorder and its file ----------------------------------------------------

    def _key(self, job: Job) -> Key:
        # The job's own ARN says where it lives; the connection fills in what it lacks.
        region = account = None
        if job.job_arn and job.job_arn.count(":") >= 5:
            region = job.job_arn.split(":")[3] or None
            account = account_from_arn(job.job_arn)
        connection = getattr(cast(ConnectionOwner, self.app), "connection", None)
        if connection is not None:
            region = region or connection.region
            account = account or connection.account
        region = region or self.host.options.region
        created = None if job.created_at is None else job.created_at.timestamp()
        return (self.host.data.endpoint, region, account, job.job_id, created)

    def _timeline(self, key: Key) -> _JobTimeline:
        timeline = self._jobs.get(key)
        if timeline is not None:
            self._jobs.move_to_end(key)
            return timeline
        endpoint, region, account, job_id, created = key
        base = self.host.options.state_dir or paths.state_dir()
        path = store.timeline_path(
            base,
            endpoint=endpoint,
            region=region,
            account=account,
            job_id=job_id,
            created_at=created,
        )
        timeline = self._jobs[key] = _JobTimeline(path=path, loaded=path is None)
        if path is None:
            timeline.warning = "Kept in memory only: the account is not known yet."
        else:
            self.run_worker(self._load(key, base), group="timeline", exit_on_error=False)
        while len(self._jobs) > KEEP_JOBS:
            _, old = self._jobs.popitem(last=False)
            if old.path is not None and old.warning is None:
                store.append(old.path, old.pending + old.recorder.flush())
        return timeline

    async def _load(self, key: Key, base: Path) -> None:
        """A job's earlier minutes, read (and compacted) off the event loop."""
        timeline = self._jobs.get(key)
        if timeline is None or timeline.path is None:
            return
        if not Timeline._pruned:
            Timeline._pruned = True
            await asyncio.to_thread(store.prune, base)
        loaded = await asyncio.to_thread(store.load, timeline.path)
        timeline.recorder.merge(loaded.buckets)
        timeline.loaded = True
        timeline.warning = timeline.warning or loaded.warning
        pending, timeline.pending = timeline.pending, []
        self._persist(timeline, pending)
        if key == self._current:
            self._redraw()

    def _persist(self, timeline: _JobTimeline, buckets: list[Bucket]) -> None:
        if not buckets or timeline.path is None or timeline.warning is not None:
            return
        if not timeline.loaded:
            timeline.pending.extend(buckets)
            return
        error = store.append(timeline.path, buckets)
        if error is not None:
            timeline.warning = error  # said once on screen; no more attempts
            if self._shown() is timeline:
                self._redraw()

    # --- drawing ----------------------------------------------------------------------------

    def _minutes(self) -> int:
        parent = self.parent
        width = self.size.width or (parent.size.width if isinstance(parent, Widget) else 0)
        width = width or MAX_MINUTES + LABEL_WIDTH + VALUE_WIDTH
        return max(MIN_MINUTES, min(MAX_MINUTES, width - LABEL_WIDTH - VALUE_WIDTH))

    def on_resize(self) -> None:
        if self._current is not None and self._minutes() != self._width:
            self._redraw()

    def _redraw(self) -> None:
        timeline = self._shown()
        now, minute = self._now, self._minute
        if timeline is None or now is None or minute is None or timeline.recorder.latest() is None:
            # Nothing to draw until a minute closes (at most a minute after the job is first
            # shown): hidden, like every insight section with nothing to say yet.
            self.display = False
            return
        recorder = timeline.recorder
        self.display = True
        self._width = width = self._minutes()
        end = minute - 1  # the last finished minute
        cursor = self._cursor
        view_end = end if cursor is None else self._view_end
        start = view_end - width + 1
        if view_end == end:
            span = f"last {width} min, {zone_label(now)}"
        else:
            span = f"{at_minute(start, now)} to {at_minute(view_end, now)}"
        head = heading("Timeline", f"{span} · executions per minute")
        self.query_one("#tl-head", Field).set(head)
        warning = timeline.warning
        self.query_one("#tl-note", Field).set(
            Text(f"⚠ {warning}", style="yellow") if warning else None
        )
        window = recorder.window(view_end, width)
        shown = end if cursor is None else cursor
        latest = recorder.closed.get(end)
        for name, _ in SERIES:
            spark = self.query_one(f"#tl-spark-{name}", GapSparkline)
            if spark.styles.width is None or spark.styles.width.value != width:
                spark.styles.width = width  # one column a minute
            spark.show([value_of(bucket, name) for bucket in window])
            value = value_of(latest, name)
            text = "—" if value is None else compact(value)
            if name != "in_progress" and value is not None:
                text = f"+{text}"
            self.query_one(f"#tl-value-{name}", Field).set(Text(text.rjust(VALUE_WIDTH - 1)))
        caret = Text(" " * (LABEL_WIDTH + shown - start) + "▲", style="bold")
        self.query_one("#tl-caret", Field).set(caret)
        self.query_one("#tl-cursor", Field).set(sentence(recorder.closed.get(shown), shown, now))
