"""The one-execution screen's side tables, as `KeyedTable`s.

`HistoryTable`: the thing's execution numbers for this job (Exec#, Status, Retry, Updated),
keyed by the execution number. `OtherJobsTable`: the thing's other jobs, one row per job with
its newest execution number (Job, Status, Exec#), keyed by job id. Enter posts `Selected`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from textual.binding import Binding, BindingType

from iotjobs_tui.aws.execution_models import ThingExecution
from iotjobs_tui.ui.format import STATUS_STYLES
from iotjobs_tui.ui.widgets.table import Column, KeyedTable, TableRow
from iotjobs_tui.ui.widgets.table_cells import plain_cell, text_cell, text_width, time_column
from iotjobs_tui.ui.widgets.table_rows import Segments

_STATUS = {status: Style.parse(style) for status, style in STATUS_STYLES.items()}
_NO_TIME = float("-inf")


class ExecutionRow(TableRow):
    """One ListJobExecutionsForThing row, keyed by what the table is keyed by."""

    __slots__ = ("execution", "number", "updated")

    def __init__(self, key: str, execution: ThingExecution) -> None:
        super().__init__(key, key.lower())
        self.execution = execution
        self.number = -1 if execution.execution_number is None else execution.execution_number
        at = execution.last_updated_at
        self.updated = _NO_TIME if at is None else at.timestamp()

    def same(self, other: ExecutionRow) -> bool:
        return self.execution == other.execution

    def take(self, other: ExecutionRow) -> None:
        self.execution, self.number, self.updated = other.execution, other.number, other.updated


def _status(row: ExecutionRow, now: datetime) -> Segments:
    status = row.execution.status
    return text_cell(status, _STATUS.get(status or ""))


def _number(value: int | None) -> Segments:
    return plain_cell("—" if value is None else str(value))


_STATUS_COLUMN: Column[ExecutionRow] = Column(
    "status", "Status", _status, width=11, sort_key=lambda row: row.execution.status or ""
)
_NUMBER_COLUMN: Column[ExecutionRow] = Column(
    "number",
    "Exec#",
    lambda row, now: _number(row.execution.execution_number),
    width=6,
    sort_key=lambda row: row.number,
    right=True,
)

HISTORY_COLUMNS: tuple[Column[ExecutionRow], ...] = (
    _NUMBER_COLUMN,
    _STATUS_COLUMN,
    Column(
        "retry",
        "Retry",
        lambda row, now: _number(row.execution.retry_attempt),
        width=5,
        sort_key=lambda row: row.execution.retry_attempt or 0,
        right=True,
        drop_order=1,
    ),
    time_column(
        "updated",
        "Updated",
        lambda row: row.execution.last_updated_at,
        lambda row: row.updated,
        drop_order=2,
    ),
)

OTHER_JOBS_COLUMNS: tuple[Column[ExecutionRow], ...] = (
    Column(
        "job",
        "Job",
        lambda row, now: text_cell(row.key),
        min_width=12,
        max_width=64,
        measure=lambda row: text_width(row.key),
        sort_key=lambda row: row.haystack,
    ),
    _STATUS_COLUMN,
    _NUMBER_COLUMN,
)


class HistoryTable(KeyedTable[ExecutionRow]):
    """Execution numbers of one (job, thing); keys are the numbers as strings."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *KeyedTable.NAVIGATION,
        Binding("enter", "select", "Open this execution number", show=False, id="select"),
    ]

    def __init__(self, *, id: str | None = None, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(HISTORY_COLUMNS, sort="number", now=now, id=id)

    def show(self, executions: Iterable[ThingExecution]) -> None:
        """Replace the rows; those without an execution number are skipped (no key)."""
        self.replace_all(
            ExecutionRow(str(row.execution_number), row)
            for row in executions
            if row.execution_number is not None
        )

    def select_number(self, number: int | None) -> bool:
        return number is not None and self.select_key(str(number))


def latest_per_job(
    executions: Iterable[ThingExecution], skip_job: str | None
) -> dict[str, ThingExecution]:
    """One execution per job (its newest number), leaving out `skip_job`."""
    latest: dict[str, ThingExecution] = {}
    for row in executions:
        if row.job_id is None or row.job_id == skip_job:
            continue
        held = latest.get(row.job_id)
        if held is None or (row.execution_number or 0) > (held.execution_number or 0):
            latest[row.job_id] = row
    return latest


class OtherJobsTable(KeyedTable[ExecutionRow]):
    """The thing's other jobs; keys are job ids."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *KeyedTable.NAVIGATION,
        Binding("enter", "select", "Open this job's execution", show=False, id="select"),
    ]

    def __init__(self, *, id: str | None = None, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(OTHER_JOBS_COLUMNS, sort="job", now=now, id=id)

    def show(self, executions: Iterable[ThingExecution], skip_job: str | None) -> int:
        """Replace the rows with one per job but `skip_job`; returns how many."""
        latest = latest_per_job(executions, skip_job)
        self.replace_all(ExecutionRow(job_id, row) for job_id, row in latest.items())
        return len(latest)
