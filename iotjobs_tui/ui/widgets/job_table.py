"""The job list: a DataTable keyed by jobId, updated by diff so cursor and selection survive."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Self

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from iotjobs_tui.aws.models import JobSummary
from iotjobs_tui.ui.format import compact, status_text, target_selection_text, when
from iotjobs_tui.ui.text import safe

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int | None
    sort_value: Callable[[JobSummary, tuple[int, int] | None], object]


def _progress_value(progress: tuple[int, int] | None) -> float:
    if progress is None or progress[1] == 0:
        return -1.0
    return progress[0] / progress[1]


COLUMNS: tuple[Column, ...] = (
    Column("id", "Job ID", None, lambda j, p: j.job_id.lower()),
    Column("status", "Status", 11, lambda j, p: j.status or ""),
    Column("type", "Type", 10, lambda j, p: j.target_selection or ""),
    Column("progress", "Succeeded", 11, lambda j, p: _progress_value(p)),
    Column("created", "Created", 12, lambda j, p: j.created_at or _EPOCH),
    Column("updated", "Updated", 12, lambda j, p: j.last_updated_at or _EPOCH),
    Column("completed", "Completed", 12, lambda j, p: j.completed_at or _EPOCH),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)


def _progress_text(progress: tuple[int, int] | None) -> Text:
    if progress is None:
        return Text("…", style="dim", justify="right")
    succeeded, total = progress
    return Text(f"{compact(succeeded)}/{compact(total)}", justify="right")


def _list_status(status: str | None) -> Text:
    # The one long known status is shortened to keep the column narrow; unknown ones as sent.
    text = status_text(status)
    if status == "DELETION_IN_PROGRESS":
        text = Text("DELETING", style=text.style)
    return text


def _cells(job: JobSummary, progress: tuple[int, int] | None, now: datetime) -> dict[str, Text]:
    return {
        "id": safe(job.job_id),
        "status": _list_status(job.status),
        "type": Text(target_selection_text(job.target_selection)),
        "progress": _progress_text(progress),
        "created": Text(when(job.created_at, now)),
        "updated": Text(when(job.last_updated_at, now)),
        "completed": Text(when(job.completed_at, now)),
    }


def matches(job: JobSummary, needle: str) -> bool:
    if not needle:
        return True
    haystack = " ".join(
        part or "" for part in (job.job_id, job.status, job.target_selection, job.thing_group_id)
    ).lower()
    return all(word in haystack for word in needle.lower().split())


class JobTable(DataTable[Text]):
    """Rows are keyed by jobId; `sync()` removes, updates and adds only what changed."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("G", "scroll_bottom", "Bottom", show=False),
    ]

    _rows_only = False  # a class default: DataTable.__init__ already calls refresh()
    _needs_sort = False

    def __init__(self, *, id: str | None = None, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._now = now or (lambda: datetime.now(UTC))
        self.jobs: dict[str, JobSummary] = {}
        self.progress: dict[str, tuple[int, int]] = {}
        self.text_filter = ""
        self.sort_column = "created"
        self.sort_reverse = True
        self._shown: dict[str, dict[str, Text]] = {}
        self._id_by_plain: dict[str, str] = {}
        self._sources: dict[str, tuple[JobSummary, tuple[int, int] | None]] = {}
        self._after_paint: list[Callable[[], object]] = []

    def on_mount(self) -> None:
        for column in COLUMNS:
            self.add_column(column.label, key=column.key, width=column.width)

    @property
    def selected_job_id(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except CellDoesNotExist:
            return None
        return key.value

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        # DataTable.update_cell repaints the whole table (~13 KB a frame at 120x40, measured);
        # while `_rows_only` is set, whole-widget refreshes are dropped and `_set_cell` repaints
        # just the changed row. Column widths are fixed, so nothing else can move.
        if self._rows_only and not regions and not layout and not recompose:
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def when_rows_painted(self, callback: Callable[[], object]) -> None:
        """Call `callback` once a frame showing rows has been drawn (before it is written)."""
        self._after_paint.append(callback)

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if self._after_paint and self.row_count:
            # Drawing happens inside the screen's refresh, which writes the frame before any
            # task woken here can run: an awaiting worker resumes after the rows are out.
            callbacks, self._after_paint = self._after_paint, []
            for callback in callbacks:
                callback()
        return lines

    def _set_cell(self, job_id: str, column: str, value: Text) -> None:
        self._rows_only = True
        try:
            self.update_cell(job_id, column, value)
        finally:
            self._rows_only = False
        self.refresh_row(self.get_row_index(job_id))

    # --- data in ----------------------------------------------------------------------------
    # Updates touch only the rows they name: with thousands of jobs a full rebuild per page or
    # per detail refresh would cost seconds. Sorting waits for the end of a refresh (`retain`),
    # except after the first page, so the first screenful is already in order.

    def merge(self, jobs: Iterable[JobSummary]) -> None:
        """One ListJobs page: add and update its rows."""
        first_page = not self.jobs
        ids = []
        for job in jobs:
            self.jobs[job.job_id] = job
            ids.append(job.job_id)
        self._apply(ids, sort_now=first_page)

    def retain(self, job_ids: frozenset[str]) -> None:
        """A refresh finished: forget jobs it did not return, then sort if anything moved."""
        gone = [job_id for job_id in self.jobs if job_id not in job_ids]
        for job_id in gone:
            del self.jobs[job_id]
            self.progress.pop(job_id, None)
        self._apply(gone, sort_now=True)

    def replace_all(self, jobs: Iterable[JobSummary]) -> None:
        self.jobs = {job.job_id: job for job in jobs}
        self.sync()

    def set_progress(self, job_id: str, succeeded: int, total: int) -> None:
        if job_id in self.jobs and self.progress.get(job_id) != (succeeded, total):
            self.progress[job_id] = (succeeded, total)
            self._apply([job_id], sort_now=True)

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
            self._apply([job.job_id], sort_now=True)

    # --- view ---------------------------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        if text != self.text_filter:
            self.text_filter = text
            self.sync()

    def set_sort(self, column: str, reverse: bool) -> None:
        self.sort_column, self.sort_reverse = column, reverse
        self._needs_sort = True
        self.sync()

    def _sort_key(self, id_cell: Text) -> object:
        job_id = self._id_by_plain.get(id_cell.plain, id_cell.plain)
        column = next(c for c in COLUMNS if c.key == self.sort_column)
        job = self.jobs[job_id]
        # Ties broken by id so the order is stable across refreshes.
        return (column.sort_value(job, self.progress.get(job_id)), job_id)

    def sync(self) -> None:
        """Re-evaluate every job (after a filter or sort change, or a reset)."""
        stale = [job_id for job_id in self._shown if job_id not in self.jobs]
        self._apply([*self.jobs, *stale], sort_now=True)

    def _apply(self, job_ids: Iterable[str], sort_now: bool) -> None:
        """Bring the named rows up to date: remove, update changed cells, or add."""
        now = self._now()
        selected = self.selected_job_id
        with self.app.batch_update():
            for job_id in job_ids:
                job = self.jobs.get(job_id)
                shown = self._shown.get(job_id)
                if job is None or not matches(job, self.text_filter):
                    if shown is not None:
                        try:
                            self.remove_row(job_id)
                        except RowDoesNotExist:
                            pass
                        self._id_by_plain.pop(self._shown.pop(job_id)["id"].plain, None)
                        self._sources.pop(job_id, None)
                    continue
                source = (job, self.progress.get(job_id))
                if shown is not None and self._sources.get(job_id) == source:
                    continue  # unchanged since it was drawn: most rows of most refreshes
                self._sources[job_id] = source
                cells = _cells(job, source[1], now)
                if shown is None:
                    self.add_row(*(cells[key] for key in COLUMN_KEYS), key=job_id)
                    self._needs_sort = True
                else:
                    for key in COLUMN_KEYS:
                        if shown[key] != cells[key]:
                            self._set_cell(job_id, key, cells[key])
                            if key == self.sort_column:
                                self._needs_sort = True
                self._shown[job_id] = cells
                self._id_by_plain[cells["id"].plain] = job_id
            if sort_now and self._needs_sort and self.row_count:
                self.sort("id", key=self._sort_key, reverse=self.sort_reverse)
                self._needs_sort = False
            if selected is not None and selected in self._shown:
                index = self.get_row_index(selected)
                if index != self.cursor_row:
                    self.move_cursor(row=index, animate=False)
