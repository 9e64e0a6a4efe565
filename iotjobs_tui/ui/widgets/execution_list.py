"""A virtualised table of job executions, drawn with the Line API (as Toolong's LogLines).

Textual's DataTable measures every cell of every row (27 s for 100k rows here); this widget
paints only the lines on screen, so 100k rows cost a list of small objects and nothing else.
Rows are keyed by (thing, execution number): appends and status updates keep the cursor on
its row. The text filter matches precomputed lowercase thing names, and narrows from the
previous result when the new filter extends the old one (typing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from iotjobs_tui.aws.models import JobExecutionSummary
from iotjobs_tui.ui.format import STATUS_STYLES, when
from iotjobs_tui.ui.stuck import stuck_reason
from iotjobs_tui.ui.text import clean, needs_escape, safe

_NO_TIME = float("-inf")
_CONSOLE = Console(width=1000, color_system=None, legacy_windows=False)


class Row:
    """One execution. Mutable in place: a status update changes the row, not its identity."""

    __slots__ = (
        "key",
        "lower",
        "number",
        "plain",
        "queued",
        "retry",
        "seq",
        "started",
        "status",
        "summary",
        "thing",
        "updated",
    )

    def __init__(self, summary: JobExecutionSummary, seq: int) -> None:
        self.seq = seq
        self.plain: bool | None = None  # no character needs escaping (known once painted)
        self.thing = summary.thing_name or summary.thing_arn or "?"
        self.lower = self.thing.lower()
        self.key = row_key(self.thing, summary.execution_number)
        self.set(summary)

    def set(self, summary: JobExecutionSummary) -> None:
        self.summary = summary
        self.status = summary.status or ""
        self.number = summary.execution_number if summary.execution_number is not None else -1
        self.retry = summary.retry_attempt if summary.retry_attempt is not None else -1
        self.queued = _stamp(summary.queued_at)
        self.started = _stamp(summary.started_at)
        self.updated = _stamp(summary.last_updated_at)


def row_key(thing: str, number: int | None) -> str:
    return f"{thing}#{'' if number is None else number}"


def _stamp(value: datetime | None) -> float:
    return _NO_TIME if value is None else value.timestamp()


_SPACE = Segment(" ")
_STATUS = {status: Style.parse(style) for status, style in STATUS_STYLES.items()}
_STUCK = Style.parse("bold yellow")
_FAILED = Style.parse("bold red")
FAILED = frozenset({"FAILED", "TIMED_OUT", "REJECTED"})


Cell = tuple[list[Segment], bool]  # (segments, right-aligned)


def _cell(text: str, style: Style | None = None, right: bool = False) -> Cell:
    return [Segment(text, style)], right


def _thing_cell(row: Row) -> Cell:
    if row.plain is None:
        row.plain = not needs_escape(row.thing)  # once per row, on its first paint
    if row.plain:
        return [Segment(row.thing)], False
    # Escapes shown highlighted, as everywhere untrusted text is shown.
    return list(safe(row.thing).render(_CONSOLE)), False


def _fit(cell: Cell, width: int, middle: bool = False) -> list[Segment]:
    """Pad or cut (with an ellipsis) to exactly `width` cells.

    `middle` cuts out the middle instead of the end: fleet thing names share long prefixes
    (meter-us-central-aus-00016, -00017...) and differ at the end, which must stay visible.
    """
    parts, right = cell
    length = sum(cell_len(part.text) for part in parts)
    if length > width:
        if not width:
            return []
        if middle and width >= 8:
            tail = (width - 1) * 2 // 3
            head = width - 1 - tail
            pieces = list(Segment.divide(parts, [head, length - tail, length]))
            return [*pieces[0], Segment("…"), *pieces[2]]
        line = Segment.adjust_line_length(parts, max(0, width - 1))
        return [*line, Segment("…")]
    if length == width:
        return parts
    pad = Segment(" " * (width - length))
    return [pad, *parts] if right else [*parts, pad]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # 0: takes the remaining width
    optional: bool = False  # shown only when the thing column keeps MIN_THING cells


COLUMNS: tuple[Column, ...] = (
    Column("thing", "Thing", 0),
    Column("status", "Status", 11),
    Column("number", "Exec#", 6),
    Column("retry", "Retry", 5),
    Column("queued", "Queued", 12, optional=True),
    Column("started", "Started", 12, optional=True),
    Column("updated", "Updated", 12),
)
OPTIONAL_ORDER = (COLUMNS[5], COLUMNS[4])  # started first, then queued
MIN_THING = 16
MAX_THING = 48
SORTS = ("seq", *(column.key for column in COLUMNS))
SORT_LABELS = {"seq": "load order", **{c.key: c.label.lower() for c in COLUMNS}}
_SORT_ATTR = {"thing": "lower", "number": "number", "retry": "retry"}
MARK_WIDTH = 2  # the stuck/failed marker column


class ExecutionList(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("enter", "select", "Open execution"),
    ]
    COMPONENT_CLASSES = {"execution-list--header", "execution-list--cursor"}
    DEFAULT_CSS = """
    ExecutionList { height: 1fr; overflow-x: hidden; }
    ExecutionList > .execution-list--header { text-style: bold; color: $text-muted; }
    ExecutionList > .execution-list--cursor {
        background: $block-cursor-blurred-background;
    }
    ExecutionList:focus > .execution-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """

    class Selected(Message):
        """Enter (or a click on the selected row) on an execution."""

        def __init__(self, row: Row) -> None:
            super().__init__()
            self.row = row

    class Highlighted(Message):
        def __init__(self, row: Row | None) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(id=id)
        self._now = now or (lambda: datetime.now(UTC))
        self.rows: dict[str, Row] = {}
        self._all: list[Row] = []  # every row, in sort order
        self._visible: list[Row] = []  # the rows that match the text filter, in sort order
        self.counts: Counter[str] = Counter()
        self.text_filter = ""
        self.sort_column = "seq"
        self.sort_reverse = False
        self.cursor = 0
        self._cursor_key: str | None = None
        self._seq = 0
        # Painted rows, keyed by everything that changes them: PageDown renders only new rows.
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._frame_cache: tuple[int, Style, list[tuple[Column, int]]] | None = None

    # --- data -----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._visible)

    @property
    def visible_rows(self) -> list[Row]:
        return self._visible

    @property
    def selected(self) -> Row | None:
        if 0 <= self.cursor < len(self._visible):
            return self._visible[self.cursor]
        return None

    def clear(self) -> None:
        self.rows.clear()
        self._all = []
        self._visible = []
        self.counts.clear()
        self.cursor = 0
        self._cursor_key = None
        self._changed()

    def add(self, summaries: Iterable[JobExecutionSummary]) -> None:
        """Add a page; a row already present (same thing and number) is updated in place."""
        new: list[Row] = []
        resort = False
        for summary in summaries:
            key = row_key(summary.thing_name or summary.thing_arn or "?", summary.execution_number)
            row = self.rows.get(key)
            if row is None:
                self._seq += 1
                row = Row(summary, self._seq)
                self.rows[key] = row
                new.append(row)
                self.counts[row.status] += 1
            else:
                self.counts[row.status] -= 1
                row.set(summary)
                self.counts[row.status] += 1
                resort = resort or self.sort_column != "seq"
        if not new and not resort:
            self.refresh()
            return
        self._all.extend(new)
        if self.sort_column == "seq" and not self.sort_reverse:
            # Load order: new rows go at the end, nothing moves (no sort, no cursor search).
            needle = self.text_filter
            self._visible.extend(row for row in new if needle in row.lower)
            self._changed(keep_cursor=False)
            return
        self._all.sort(key=self._sort_key(), reverse=self.sort_reverse)
        self._refilter(narrowing=False)

    def _sort_key(self) -> Callable[[Row], Any]:
        column = self.sort_column
        if column in ("seq", "queued", "started", "updated"):
            return attrgetter(column)
        if column == "status":
            return attrgetter("status", "lower", "number")
        return attrgetter(_SORT_ATTR[column], "seq")

    def set_sort(self, column: str, reverse: bool) -> None:
        self.sort_column = column
        self.sort_reverse = reverse
        self._all.sort(key=self._sort_key(), reverse=reverse)
        self._refilter(narrowing=False)

    def cycle_sort(self) -> None:
        self.set_sort(SORTS[(SORTS.index(self.sort_column) + 1) % len(SORTS)], self.sort_reverse)

    def set_filter(self, text: str) -> None:
        needle = text.strip().lower()
        narrowing = needle.startswith(self.text_filter) and bool(self.text_filter)
        self.text_filter = needle
        self._refilter(narrowing)

    def _refilter(self, narrowing: bool) -> None:
        needle = self.text_filter
        if not needle:
            self._visible = list(self._all)
        else:
            source = self._visible if narrowing else self._all
            self._visible = [row for row in source if needle in row.lower]
        self._changed()

    def _changed(self, keep_cursor: bool = True) -> None:
        if keep_cursor and self._cursor_key is not None:
            row = self.rows.get(self._cursor_key)
            try:
                self.cursor = self._visible.index(row) if row is not None else 0
            except ValueError:
                self.cursor = min(self.cursor, max(0, len(self._visible) - 1))
        self.cursor = min(self.cursor, max(0, len(self._visible) - 1))
        selected = self.selected
        self._cursor_key = selected.key if selected else None
        self.virtual_size = Size(0, len(self._visible) + 1)
        self._scroll_cursor_into_view()
        self.refresh()

    def select_key(self, key: str) -> bool:
        row = self.rows.get(key)
        if row is None or row not in self._visible:
            return False
        self._move(self._visible.index(row))
        return True

    def next_matching(self, statuses: frozenset[str]) -> bool:
        """Move to the next row (wrapping) whose status is in `statuses`."""
        count = len(self._visible)
        for step in range(1, count + 1):
            index = (self.cursor + step) % count
            if self._visible[index].status in statuses:
                self._move(index)
                return True
        return False

    # --- cursor ---------------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.size.height - 1)

    def _move(self, index: int) -> None:
        if not self._visible:
            return
        index = max(0, min(index, len(self._visible) - 1))
        old = self.cursor
        self.cursor = index
        self._cursor_key = self._visible[index].key
        if not self._scroll_cursor_into_view():
            self.refresh_line(old + 1)
            self.refresh_line(index + 1)
        if old != index:
            self.post_message(self.Highlighted(self.selected))

    def _scroll_cursor_into_view(self) -> bool:
        """Scroll so the cursor row shows under the header; True when it scrolled."""
        top = int(self.scroll_y)
        page = self._page
        target = top
        if self.cursor < top:
            target = self.cursor
        elif self.cursor >= top + page:
            target = self.cursor - page + 1
        if target != top:
            self.scroll_to(y=target, animate=False, immediate=True)
            return True
        return False

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_page_up(self) -> None:
        self._move(self.cursor - self._page)

    def action_page_down(self) -> None:
        self._move(self.cursor + self._page)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self._visible) - 1)

    def action_select(self) -> None:
        row = self.selected
        if row is not None:
            self.post_message(self.Selected(row))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            return
        index = int(self.scroll_y) + event.y - 1
        if index == self.cursor and event.chain > 1:
            self.action_select()
        elif 0 <= index < len(self._visible):
            self._move(index)

    def on_resize(self) -> None:
        self._frame_cache = None
        self.virtual_size = Size(0, len(self._visible) + 1)
        self._scroll_cursor_into_view()

    # --- painting -------------------------------------------------------------------------

    def _layout(self, width: int) -> list[tuple[Column, int]]:
        """Thing takes what is left (up to 48); started, then queued, show when room allows."""
        shown = [c for c in COLUMNS if not c.optional]
        for column in OPTIONAL_ORDER:
            fixed = sum(c.width + 1 for c in (*shown, column) if c.width) + MARK_WIDTH
            if width - fixed - 1 >= MIN_THING:
                shown.append(column)
        shown.sort(key=COLUMNS.index)
        fixed = sum(c.width + 1 for c in shown if c.width) + MARK_WIDTH
        thing = max(MIN_THING // 2, min(MAX_THING, width - fixed - 1))
        return [(c, c.width or thing) for c in shown]

    def _cells(self, row: Row, now: datetime) -> dict[str, Cell]:
        summary = row.summary
        status = summary.status
        return {
            "thing": _thing_cell(row),
            "status": _cell("—" if status is None else clean(status), _STATUS.get(status or "")),
            "number": _cell("—" if row.number < 0 else str(row.number), right=True),
            "retry": _cell("—" if row.retry < 0 else str(row.retry), right=True),
            "queued": _cell(when(summary.queued_at, now)),
            "started": _cell(when(summary.started_at, now)),
            "updated": _cell(when(summary.last_updated_at, now)),
        }

    def _line(self, cells: list[tuple[Cell, int, bool]], style: Style, width: int) -> Strip:
        """Plain strings padded to their columns: Rich Text only for escaped thing names."""
        segments: list[Segment] = []
        for parts, size, middle in cells:
            segments.extend(_fit(parts, size, middle))
            segments.append(_SPACE)
        return Strip(segments).crop_extend(0, width, None).apply_style(style)

    def _frame(self) -> tuple[int, Style, list[tuple[Column, int]]]:
        """Width, base style and column layout: the same for every line of a frame, and
        costly to recompute per line (rich_style walks the DOM)."""
        width = self.scrollable_content_region.width
        if self._frame_cache is None or self._frame_cache[0] != width:
            self._frame_cache = (width, self.rich_style, self._layout(width))
        return self._frame_cache

    def render_line(self, y: int) -> Strip:
        width, base, layout = self._frame()
        if y == 0:
            header = self.get_component_rich_style("execution-list--header")
            heads: list[tuple[Cell, int, bool]] = [(_cell(""), MARK_WIDTH - 1, False)]
            for column, size in layout:
                label = column.label
                if column.key == self.sort_column:
                    label += " ↓" if self.sort_reverse else " ↑"
                heads.append((_cell(label), size, False))
            return self._line(heads, base + header, width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self._visible):
            return Strip([Segment(" " * width)], width).apply_style(base)
        row = self._visible[index]
        now = self._now()
        selected = index == self.cursor
        key = (row, row.summary, width, selected, self.has_focus, int(now.timestamp() // 60))
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        cells = self._cells(row, now)
        mark = _cell(" ")
        if stuck_reason(row.status, row.summary.started_at, now) is not None:
            mark = _cell("⚠", _STUCK)
        elif row.status in FAILED:
            mark = _cell("✗", _FAILED)
        line = [
            (mark, MARK_WIDTH - 1, False),
            *((cells[c.key], size, c.key == "thing") for c, size in layout),
        ]
        style = base
        if selected:
            style = base + self.get_component_rich_style("execution-list--cursor")
        strip = self._line(line, style, width)
        self._strips[key] = strip
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # theme or focus styles changed
        self._frame_cache = None

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
