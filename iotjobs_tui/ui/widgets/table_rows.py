"""The rows behind a `KeyedTable`: keyed upserts, a stable sort and an incremental text filter.

No Textual here: `RowStore.apply` says what changed (an `Update`) and the widget decides what
to repaint. Rows are updated in place, so an update keeps a row's place in the lists, and a
page that only changes values costs no sort and no filter pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Any, Generic, Self, TypeVar

from rich.cells import cell_len
from rich.segment import Segment

Segments = list[Segment]
ARROW_CELLS = 2  # reserved after a sortable column's label, so the arrow never cuts it

LOAD_ORDER = "seq"  # the sort by arrival (the first row loaded first)
_SEQ = attrgetter("seq")


class TableRow:
    """One row. Subclasses add their data; the store updates a row in place (`take`), so a
    row keeps its identity, its load order (`seq`) and its place in the lists."""

    __slots__ = ("haystack", "key", "mark", "seq", "version")

    def __init__(self, key: str, haystack: str) -> None:
        self.key = key
        self.haystack = haystack  # lowercase text the filter searches
        self.seq = 0
        self.version = 0  # bumped by every change: painted lines are cached under it
        self.mark: str | None = None

    def same(self, other: Self) -> bool:
        """True when `other` (a fresh row with this key) would paint the same."""
        raise NotImplementedError

    def take(self, other: Self) -> None:
        """Copy `other`'s data (and haystack) into this row."""
        raise NotImplementedError


T = TypeVar("T", bound=TableRow)


@dataclass(frozen=True, eq=False)
class Column(Generic[T]):
    """`cell(row, now)` returns the row's segments (untrusted text through `text_cell`)."""

    key: str
    label: str
    cell: Callable[[T, datetime], Segments]
    width: int = 0  # fixed width; 0: flexible, sized to `measure` of the rows loaded
    min_width: int = 8
    max_width: int = 64
    measure: Callable[[T], int] | None = None
    sort_key: Callable[[T], Any] | None = None  # None: not sortable; never returns None
    sort_unique: bool = False  # the sort key tells rows apart already (no tie-break by key)
    drop_order: int = 0  # 0: always shown; else dropped when narrow, the highest first
    yields: bool = False  # dropped before the flexible column's values are cut
    right: bool = False
    middle: bool = False  # cut in the middle (names that differ at the end)
    shows_mark: bool = False  # a marked row shows its mark here ("deleted")

    @property
    def header_width(self) -> int:
        return cell_len(self.label) + (ARROW_CELLS if self.sort_key else 0)


class RowHooks(Generic[T]):
    """Called as rows come, change and go (ExecutionList keeps its status counts with them)."""

    def _row_added(self, row: T) -> None:
        pass

    def _row_changing(self, old: T, new: T) -> None:
        pass

    def _row_removed(self, row: T) -> None:
        pass


@dataclass
class Update(Generic[T]):
    removed: list[str]
    changed: set[T]  # rows updated in place
    reordered: bool  # rows came, went or moved: the visible list is another one
    widened: bool  # a flexible column's desired width changed


class RowStore(Generic[T]):
    def __init__(
        self, columns: Sequence[Column[T]], sort: str, reverse: bool, hooks: RowHooks[T]
    ) -> None:
        self.columns = tuple(columns)
        self.by_key = {column.key: column for column in self.columns}
        self.hooks = hooks
        self.rows: dict[str, T] = {}
        self.all: list[T] = []  # every row, in sort order
        self.visible: list[T] = []  # the rows the text filter keeps, in sort order
        self.text_filter = ""
        self.words: list[str] = []
        self.sort_column = sort
        self.sort_reverse = reverse
        self._seq = 0
        self._flex = [c for c in self.columns if not c.width and c.measure is not None]
        self._longest = {c.key: 0 for c in self._flex}
        self._stale = False

    def clear(self) -> None:
        for row in self.rows.values():
            self.hooks._row_removed(row)
        self.rows.clear()
        self.all, self.visible = [], []
        self._longest = dict.fromkeys(self._longest, 0)

    def apply(self, rows: Iterable[T], gone: Iterable[str]) -> Update[T]:
        """Remove the `gone` keys, then upsert `rows`."""
        desired = self.desired()
        removed: list[str] = []
        for key in gone:
            old = self.rows.pop(key, None)
            if old is not None:
                removed.append(key)
                self.hooks._row_removed(old)
                self._unmeasure(old)
        if removed:
            loaded = self.rows
            self.all = [row for row in self.all if row.key in loaded]
            self.visible = [row for row in self.visible if row.key in loaded]
        new: list[T] = []
        changed: set[T] = set()
        moved = False  # an update changed a row's place, or whether the filter keeps it
        column = self.by_key.get(self.sort_column)
        sort_key = column.sort_key if column is not None else None
        for row in rows:
            old = self.rows.get(row.key)
            if old is None:
                self._seq += 1
                row.seq = self._seq
                self.rows[row.key] = row
                new.append(row)
                self.hooks._row_added(row)
                self._measure(row)
                continue
            if old.same(row):
                continue
            place = sort_key(old) if sort_key is not None else None
            kept = self.matches(old)
            self.hooks._row_changing(old, row)
            self._unmeasure(old)
            old.take(row)
            old.version += 1
            self._measure(old)
            changed.add(old)
            if (sort_key is not None and sort_key(old) != place) or self.matches(old) != kept:
                moved = True
        if new and sort_key is None:
            # Load order: new rows go at one end, nothing else moves (no sort).
            if self.sort_reverse:
                self.all[0:0] = new[::-1]
            else:
                self.all.extend(new)
            if moved:
                self.refilter()
            elif self.sort_reverse:
                self.visible[0:0] = [row for row in reversed(new) if self.matches(row)]
            else:
                self.visible.extend(row for row in new if self.matches(row))
        elif new or moved:
            self.all.extend(new)
            self.sort()
            self.refilter()
        widened = self.desired() != desired
        return Update(removed, changed, bool(new or moved or removed), widened)

    # --- flexible column widths ----------------------------------------------------------

    def _measure(self, row: T) -> None:
        for column in self._flex:
            assert column.measure is not None
            width = column.measure(row)
            if width > self._longest[column.key]:
                self._longest[column.key] = width

    def _unmeasure(self, row: T) -> None:
        for column in self._flex:
            assert column.measure is not None
            if column.measure(row) >= self._longest[column.key]:
                self._stale = True  # the longest value may be gone: measure again

    def desired(self) -> tuple[int, ...]:
        """Each flexible column's width: its longest value (or label), within min and max."""
        if self._stale:
            self._stale = False
            for column in self._flex:
                assert column.measure is not None
                measure = column.measure
                self._longest[column.key] = max(map(measure, self.rows.values()), default=0)
        return tuple(
            max(c.header_width, min(c.max_width, max(c.min_width, self._longest[c.key])))
            for c in self._flex
        )

    # --- sort and filter ------------------------------------------------------------------

    def set_sort(self, column: str, reverse: bool) -> None:
        if column != LOAD_ORDER and self.by_key[column].sort_key is None:
            raise ValueError(f"column {column!r} is not sortable")
        self.sort_column, self.sort_reverse = column, reverse
        self.sort()
        self.refilter()

    def sort(self) -> None:
        """Stable; ties are broken by the row key, so refreshes never shuffle equal rows."""
        reverse = self.sort_reverse
        column = self.by_key.get(self.sort_column)
        if column is None or column.sort_key is None:
            self.all.sort(key=_SEQ, reverse=reverse)
        elif column.sort_unique:
            self.all.sort(key=column.sort_key, reverse=reverse)
        else:
            sort_key = column.sort_key
            self.all.sort(key=lambda row: (sort_key(row), row.key), reverse=reverse)

    def set_filter(self, text: str) -> bool:
        """Keep the rows whose haystack holds every word of `text`; False if no change."""
        words = text.lower().split()
        needle = " ".join(words)
        if needle == self.text_filter:
            return False
        # A filter that extends the last one can only keep fewer rows: search those only.
        narrowing = bool(self.text_filter) and needle.startswith(self.text_filter)
        self.text_filter, self.words = needle, words
        self.refilter(narrowing)
        return True

    def matches(self, row: T) -> bool:
        haystack = row.haystack
        return all(word in haystack for word in self.words)

    def refilter(self, narrowing: bool = False) -> None:
        words = self.words
        source = self.visible if narrowing else self.all
        if not words:
            self.visible = list(self.all)
        elif len(words) == 1:
            word = words[0]
            self.visible = [row for row in source if word in row.haystack]
        else:
            self.visible = [row for row in source if all(w in row.haystack for w in words)]
