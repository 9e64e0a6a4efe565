"""A job's executions in a `KeyedTable`: 100,000 rows cost a list of small objects.

Rows are keyed by (thing, execution number): pages and status updates keep the cursor on its
row. The text filter matches precomputed lowercase thing names, and narrows from the previous
result when the new filter extends the old one (typing). `counts` holds the statuses of all
loaded rows, kept exact as rows are updated and removed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from operator import attrgetter
from typing import ClassVar

from rich.style import Style
from textual.binding import Binding, BindingType

from iotjobs_tui.aws.models import JobExecutionSummary
from iotjobs_tui.common.statuses import EXEC_ACTIVE, EXEC_FAILURES
from iotjobs_tui.ui.format import STATUS_STYLES
from iotjobs_tui.ui.stuck import stuck_reason
from iotjobs_tui.ui.widgets.table import LOAD_ORDER, Column, KeyedTable, TableRow
from iotjobs_tui.ui.widgets.table_cells import (
    is_plain,
    plain_cell,
    text_cell,
    text_width,
    time_column,
)
from iotjobs_tui.ui.widgets.table_rows import Segments

_NO_TIME = float("-inf")
_STATUS = {status: Style.parse(style) for status, style in STATUS_STYLES.items()}
_STUCK = Style.parse("bold yellow")
_FAILED = Style.parse("bold red")
FAILED = frozenset(EXEC_FAILURES)


def row_key(thing: str, number: int | None) -> str:
    return f"{thing}#{'' if number is None else number}"


def _stamp(value: datetime | None) -> float:
    return _NO_TIME if value is None else value.timestamp()


class Row(TableRow):
    """One execution. Updated in place: a status update changes the row, not its identity."""

    __slots__ = (
        "number",
        "plain",
        "queued",
        "retry",
        "started",
        "status",
        "summary",
        "thing",
        "updated",
        "width",
    )

    def __init__(self, summary: JobExecutionSummary) -> None:
        thing = summary.thing_name or summary.thing_arn or "?"
        super().__init__(row_key(thing, summary.execution_number), thing.lower())
        self.thing = thing
        self.plain: bool | None = None  # no character needs an escape (known once painted)
        self.width = -1  # cells the thing name takes (known once measured)
        self.set(summary)

    def set(self, summary: JobExecutionSummary) -> None:
        self.summary = summary
        self.status = summary.status or ""
        self.number = summary.execution_number if summary.execution_number is not None else -1
        self.retry = summary.retry_attempt if summary.retry_attempt is not None else -1
        self.queued = _stamp(summary.queued_at)
        self.started = _stamp(summary.started_at)
        self.updated = _stamp(summary.last_updated_at)

    def same(self, other: Row) -> bool:
        return self.summary == other.summary

    def take(self, other: Row) -> None:
        self.set(other.summary)  # same key: same thing name and haystack


def _thing_cell(row: Row, now: datetime) -> Segments:
    if row.plain is None:
        row.plain = is_plain(row.thing)  # once per row, on its first paint
    return plain_cell(row.thing) if row.plain else text_cell(row.thing)


def _thing_width(row: Row) -> int:
    if row.width < 0:
        row.width = text_width(row.thing)
    return row.width


def _mark_cell(row: Row, now: datetime) -> Segments:
    if stuck_reason(row.status, row.summary.started_at, now) is not None:
        return plain_cell("⚠", _STUCK)
    if row.status in FAILED:
        return plain_cell("✗", _FAILED)
    return plain_cell(" ")


def _status_cell(row: Row, now: datetime) -> Segments:
    return text_cell(row.summary.status, _STATUS.get(row.status))


def _number(value: int) -> Segments:
    return plain_cell("—" if value < 0 else str(value))


MIN_THING = 16
MAX_THING = 48
COLUMNS: tuple[Column[Row], ...] = (
    Column("mark", "", _mark_cell, width=1),
    Column(
        "thing",
        "Thing",
        _thing_cell,
        min_width=MIN_THING,
        max_width=MAX_THING,
        measure=_thing_width,
        sort_key=attrgetter("haystack", "key"),
        sort_unique=True,
        middle=True,
    ),
    Column(
        "status",
        "Status",
        _status_cell,
        width=11,
        sort_key=attrgetter("status", "haystack", "number", "key"),
        sort_unique=True,
    ),
    Column(
        "number",
        "Exec#",
        lambda row, now: _number(row.number),
        width=6,
        sort_key=attrgetter("number", "key"),
        sort_unique=True,
        right=True,
    ),
    Column(
        "retry",
        "Retry",
        lambda row, now: _number(row.retry),
        width=5,
        sort_key=attrgetter("retry", "key"),
        sort_unique=True,
        right=True,
    ),
    time_column(
        "queued",
        "Queued",
        lambda row: row.summary.queued_at,
        attrgetter("queued", "key"),
        sort_unique=True,
        drop_order=2,
        yields=True,
    ),
    time_column(
        "started",
        "Started",
        lambda row: row.summary.started_at,
        attrgetter("started", "key"),
        sort_unique=True,
        drop_order=1,
        yields=True,
    ),
    time_column(
        "updated",
        "Updated",
        lambda row: row.summary.last_updated_at,
        attrgetter("updated", "key"),
        sort_unique=True,
    ),
)
SORTS = (LOAD_ORDER, *(column.key for column in COLUMNS if column.sort_key is not None))
SORT_LABELS = {LOAD_ORDER: "load order", **{c.key: c.label.lower() for c in COLUMNS if c.label}}


class ExecutionList(KeyedTable[Row]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *KeyedTable.NAVIGATION,
        Binding("enter", "select", "Open execution", id="select"),
    ]
    LOAD_ORDER_SORT = True

    class Highlighted(KeyedTable.Highlighted):
        row: Row | None

    class Selected(KeyedTable.Selected):
        row: Row

    def __init__(self, *, id: str | None = None, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(COLUMNS, now=now, id=id)
        self.counts: Counter[str] = Counter()

    @property
    def selected(self) -> Row | None:
        return self.selected_row

    def add(self, summaries: Iterable[JobExecutionSummary]) -> None:
        """Add a page; a row already loaded (same thing and number) is updated in place."""
        self.upsert(map(Row, summaries))

    def unfinished(self) -> dict[str, str]:
        """Keys of the loaded QUEUED and IN_PROGRESS rows, with their status (ExecutionsView)."""
        return {key: row.status for key, row in self.rows.items() if row.status in EXEC_ACTIVE}

    def status_of(self, key: str) -> str | None:
        """A loaded row's status, None if no row has this key (ExecutionsView)."""
        row = self.rows.get(key)
        return row.summary.status if row is not None else None

    def next_matching(self, statuses: frozenset[str]) -> bool:
        """Move to the next row (wrapping) whose status is in `statuses`."""
        return self.find_next(lambda row: row.status in statuses)

    def clear(self) -> None:
        super().clear()
        self.counts.clear()

    def _row_added(self, row: Row) -> None:
        self.counts[row.status] += 1

    def _row_changing(self, old: Row, new: Row) -> None:
        self.counts[old.status] -= 1
        self.counts[new.status] += 1

    def _row_removed(self, row: Row) -> None:
        self.counts[row.status] -= 1
