"""The job list: a `KeyedTable` of jobs keyed by jobId, so cursor, sort and filter survive.

A ListJobs page, a DescribeJob or a progress figure updates the rows it names, in place;
only those rows repaint. 10,000 jobs cost a list of small objects and nothing per frame.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType

from iotjobs_tui.aws.models import JobSummary
from iotjobs_tui.common.statuses import JobStatus
from iotjobs_tui.ui.format import STATUS_STYLES, compact, target_selection_text
from iotjobs_tui.ui.widgets.table import Column, KeyedTable, TableRow
from iotjobs_tui.ui.widgets.table_cells import DIM, plain_cell, text_cell, text_width, time_column
from iotjobs_tui.ui.widgets.table_rows import Segments

_NO_TIME = float("-inf")
_STATUS = {status: Style.parse(style) for status, style in STATUS_STYLES.items()}


def _stamp(value: datetime | None) -> float:
    return _NO_TIME if value is None else value.timestamp()


def _progress_value(progress: tuple[int, int] | None) -> float:
    if progress is None or progress[1] == 0:
        return -1.0
    return progress[0] / progress[1]


def haystack(job: JobSummary) -> str:
    """What the text filter searches: id, status, target selection and thing group."""
    parts = (job.job_id, job.status, job.target_selection, job.thing_group_id)
    return " ".join(part or "" for part in parts).lower()


def matches(job: JobSummary, needle: str) -> bool:
    words = needle.lower().split()
    text = haystack(job)
    return all(word in text for word in words)


@dataclass(frozen=True)
class Measured:
    """How a row's progress was measured: against targets or executions, and when."""

    of_targets: bool = False  # the denominator is the counted target set, not executions
    # time.monotonic() at the DescribeJob: staleness is about when the app asked, in real
    # seconds like the list interval, not the screen's clock (the demo's runs 60x faster,
    # which made every value look minutes old and repainted every row every second).
    at: float | None = None


class JobRow(TableRow):
    __slots__ = (
        "age",
        "completed",
        "created",
        "id_lower",
        "job",
        "measured",
        "progress",
        "ratio",
        "updated",
    )

    def __init__(
        self,
        job: JobSummary,
        progress: tuple[int, int] | None = None,
        measured: Measured | None = None,
    ) -> None:
        super().__init__(job.job_id, haystack(job))
        self.id_lower = job.job_id.lower()
        self.age: str | None = None  # the age shown once the value is stale ("2m")
        self._set(job, progress, measured or Measured())

    def _set(self, job: JobSummary, progress: tuple[int, int] | None, measured: Measured) -> None:
        self.job = job
        self.progress = progress
        self.measured = measured
        self.ratio = _progress_value(progress)
        self.created = _stamp(job.created_at)
        self.updated = _stamp(job.last_updated_at)
        self.completed = _stamp(job.completed_at)

    def same(self, other: JobRow) -> bool:
        return (
            self.job == other.job
            and self.progress == other.progress
            and self.measured == other.measured
        )

    def take(self, other: JobRow) -> None:
        if other.measured != self.measured:
            self.age = None  # a fresh value
        self._set(other.job, other.progress, other.measured)
        self.haystack = other.haystack


# A value older than this is dimmed and shows its age (the main screen sets the list interval).
STALE_AFTER = [15.0]


def age_label(measured: Measured, now: float) -> str | None:
    """None while fresh; else the age, in whole minutes so it repaints at most once a minute
    ('<1m' until then): a ticking age in seconds would cost bytes on every row, every second."""
    if measured.at is None:
        return None
    seconds = now - measured.at
    if seconds <= STALE_AFTER[0]:
        return None
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    return f"{int(seconds // 3600)}h"


def _progress_cell(row: JobRow, now: datetime) -> Segments:
    """'977/100k' of the counted targets, '977/1250 ex' of the executions created so far
    (the targets are not counted yet); dimmed with its age once older than the interval."""
    if row.progress is None:
        return [Segment("…", DIM)]
    succeeded, total = row.progress
    text = f"{compact(succeeded)}/{compact(total)}"
    if not row.measured.of_targets:
        text += " ex"
    if row.age is not None:
        return [Segment(f"{text} {row.age}", DIM)]
    return plain_cell(text)


def _status_cell(row: JobRow, now: datetime) -> Segments:
    # The one long known status is shortened to keep the column narrow; unknown ones as sent.
    status = row.job.status
    shown = "DELETING" if status == JobStatus.DELETION_IN_PROGRESS else status
    return text_cell(shown, _STATUS.get(status or ""))


COLUMNS: tuple[Column[JobRow], ...] = (
    Column(
        "id",
        "Job ID",
        lambda row, now: text_cell(row.job.job_id),
        min_width=12,
        max_width=64,
        measure=lambda row: text_width(row.job.job_id),
        sort_key=lambda row: row.id_lower,
    ),
    Column(
        "status",
        "Status",
        _status_cell,
        width=11,
        sort_key=lambda row: row.job.status or "",
        shows_mark=True,
    ),
    Column(
        "type",
        "Type",
        lambda row, now: text_cell(target_selection_text(row.job.target_selection)),
        width=10,
        sort_key=lambda row: row.job.target_selection or "",
        drop_order=6,
        yields=True,
    ),
    Column(
        "progress",
        "Succeeded",
        _progress_cell,
        width=16,
        sort_key=lambda row: row.ratio,
        drop_order=4,
        right=True,
    ),
    time_column(
        "created", "Created", lambda row: row.job.created_at, lambda row: row.created, drop_order=3
    ),
    time_column(
        "updated",
        "Updated",
        lambda row: row.job.last_updated_at,
        lambda row: row.updated,
        drop_order=5,
    ),
    time_column(
        "completed",
        "Completed",
        lambda row: row.job.completed_at,
        lambda row: row.completed,
        drop_order=7,
        yields=True,
    ),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)


class JobTable(KeyedTable[JobRow]):
    """Rows keyed by jobId; `jobs` and `progress` hold what the rows show."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *KeyedTable.NAVIGATION,
        Binding("enter", "select", "Job detail", show=False, id="select"),
    ]
    GUTTER = 1

    class Highlighted(KeyedTable.Highlighted):
        row: JobRow | None

    class Selected(KeyedTable.Selected):
        row: JobRow

    def __init__(self, *, id: str | None = None, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(COLUMNS, sort="created", reverse=True, now=now, id=id)
        self.jobs: dict[str, JobSummary] = {}
        self.progress: dict[str, tuple[int, int]] = {}
        self.measured: dict[str, Measured] = {}

    @property
    def selected_job_id(self) -> str | None:
        return self.selected_key

    # --- data in ----------------------------------------------------------------------------

    def merge(self, jobs: Iterable[JobSummary]) -> None:
        """One ListJobs page: add and update its rows (unchanged ones cost a comparison)."""
        rows = []
        for job in jobs:
            if self.jobs.get(job.job_id) == job:
                continue
            self.jobs[job.job_id] = job
            rows.append(self._row(job))
        if rows:
            self.upsert(rows)

    def retain(self, job_ids: Collection[str]) -> list[str]:
        """A refresh finished: forget the jobs it did not return; returns their ids."""
        gone = [job_id for job_id in self.jobs if job_id not in job_ids]
        for job_id in gone:
            del self.jobs[job_id]
            self.progress.pop(job_id, None)
            self.measured.pop(job_id, None)
        return self.remove_rows(gone)

    def replace_all(self, jobs: Iterable[JobSummary]) -> None:  # type: ignore[override]
        self.jobs = {job.job_id: job for job in jobs}
        self.progress = {k: v for k, v in self.progress.items() if k in self.jobs}
        super().replace_all(self._row(job) for job in self.jobs.values())

    def _row(self, job: JobSummary) -> JobRow:
        key = job.job_id
        return JobRow(job, self.progress.get(key), self.measured.get(key))

    def set_progress(
        self,
        job_id: str,
        succeeded: int,
        total: int,
        of_targets: bool = False,
        at: float | None = None,
    ) -> None:
        """A fresh DescribeJob for a row: succeeded of `total` targets (or executions);
        `at`: its time.monotonic() (default: now)."""
        job = self.jobs.get(job_id)
        if job is None:
            return
        self.progress[job_id] = (succeeded, total)
        self.measured[job_id] = Measured(of_targets, time.monotonic() if at is None else at)
        self.upsert([self._row(job)])

    def paint_epoch(self, now: datetime) -> object:
        return None  # no cell reads the clock: ages change through `refresh_ages`

    def refresh_ages(self) -> None:
        """Once a second: repaint only the visible rows whose shown age changed."""
        now = time.monotonic()
        changed = set()
        for key in self.visible_keys():
            row = self.rows[key]
            label = age_label(row.measured, now)
            if label != row.age:
                row.age = label
                row.version += 1
                changed.add(row)
        if changed:
            self._refresh_rows(changed)

    def update_job(self, job: JobSummary) -> None:
        """Fresher data for one job (from DescribeJob); keeps list-only members."""
        old = self.jobs.get(job.job_id)
        if old is None:
            return
        merged = JobSummary(
            job_id=job.job_id,
            job_arn=job.job_arn or old.job_arn,
            thing_group_id=old.thing_group_id,
            target_selection=job.target_selection or old.target_selection,
            status=job.status or old.status,
            created_at=job.created_at or old.created_at,
            last_updated_at=job.last_updated_at or old.last_updated_at,
            completed_at=job.completed_at,
            is_concurrent=job.is_concurrent,
        )
        if merged != old:
            self.jobs[job.job_id] = merged
            self.upsert([self._row(merged)])
