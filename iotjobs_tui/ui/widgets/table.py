"""`KeyedTable`: a virtualised table of keyed rows, drawn with the Line API (as Toolong's LogLines).

Only the lines on screen are painted, and a painted line is cached under its row's identity
and version, so a refresh that changed two rows repaints two lines, and PageDown paints only
the rows it brings in. Rows are upserted by key: the cursor, the sort and the text filter
survive every refresh. A whole repaint (cache hits, mostly) happens only when the order or
the set of visible rows changed. Textual's DataTable measures every cell of every row; this
widget costs the same per key at 100 rows and at 100,000.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic

from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from iotjobs_tui.ui.widgets.table_cells import Frame
from iotjobs_tui.ui.widgets.table_rows import LOAD_ORDER, Column, RowHooks, RowStore, T, TableRow

__all__ = ["LOAD_ORDER", "Column", "KeyedTable", "TableRow"]


class KeyedTable(ScrollView, RowHooks[T], Generic[T], can_focus=True):
    # Subclasses list these again with their own Enter, so the help screen shows them all.
    NAVIGATION: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="cursor_up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="cursor_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
        Binding("home", "first", "First row", show=False, id="first"),
        Binding("end,G", "last", "Last row", show=False, id="last"),
        Binding("g", "g", "First row (g g)", show=False, id="g"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [*NAVIGATION, Binding("enter", "select", "Open")]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "keyed-table--header",
        "keyed-table--cursor",
        "keyed-table--marked",
    }
    DEFAULT_CSS = """
    KeyedTable { height: 1fr; overflow-x: hidden; }
    KeyedTable > .keyed-table--header { text-style: bold; color: $text-muted; }
    KeyedTable > .keyed-table--cursor { background: $block-cursor-blurred-background; }
    KeyedTable:focus > .keyed-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    KeyedTable > .keyed-table--marked { text-style: dim strike; }
    """
    GUTTER = 0  # blank cells before the first column
    G_DELAY = 0.4  # seconds: a second `g` within this jumps to the first row
    LOAD_ORDER_SORT = False  # whether `cycle_sort` offers the load order
    # A lone `g` runs this action (the app binds `g` to "go to execution"); "" for none.
    single_g_action: str = "app.goto_execution"

    class RowMessage(Message):
        """`key` and `row` of the row concerned (None: the table is empty)."""

        def __init__(self, table: KeyedTable[Any], key: str | None, row: Any) -> None:
            super().__init__()
            self.table = table
            self.key = key
            self.row = row

        @property
        def control(self) -> KeyedTable[Any]:
            return self.table

    class Highlighted(RowMessage):
        """The cursor is on another row (a move, or a refresh that moved or removed its row)."""

    class Selected(RowMessage):
        """Enter, or a double click, on a row."""

    class SortChanged(Message):
        """A click on a header sorted the table (the screen updates its title)."""

        def __init__(self, table: KeyedTable[Any]) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> KeyedTable[Any]:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column[T]],
        *,
        sort: str = LOAD_ORDER,
        reverse: bool = False,
        now: Callable[[], datetime] | None = None,
        single_g_action: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns: tuple[Column[T], ...] = tuple(columns)
        self._now = now or (lambda: datetime.now(UTC))
        if single_g_action is not None:
            self.single_g_action = single_g_action
        self._store = RowStore(self.columns, sort, reverse, self)
        self.rows: dict[str, T] = self._store.rows
        self.cursor = 0
        self._cursor_key: str | None = None
        # Painted rows, keyed by everything that changes them: PageDown paints only new rows.
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._frame_cache: Frame | None = None
        self._after_paint: list[Callable[[], object]] = []
        self._g_timer: Timer | None = None

    # --- data -----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._store.visible)

    @property
    def visible_rows(self) -> list[T]:
        """The rows the text filter keeps, in sort order (do not modify)."""
        return self._store.visible

    @property
    def text_filter(self) -> str:
        return self._store.text_filter

    @property
    def sort_column(self) -> str:
        return self._store.sort_column

    @property
    def sort_reverse(self) -> bool:
        return self._store.sort_reverse

    @property
    def selected_row(self) -> T | None:
        visible = self._store.visible
        return visible[self.cursor] if 0 <= self.cursor < len(visible) else None

    @property
    def selected_key(self) -> str | None:
        row = self.selected_row
        return row.key if row is not None else None

    def visible_keys(self) -> list[str]:
        """Keys of the rows on screen now, top to bottom."""
        top = int(self.scroll_y)
        return [row.key for row in self._store.visible[top : top + self._page]]

    def upsert(self, rows: Iterable[T]) -> None:
        """Add new rows; a row whose key is loaded is updated in place (unless the same)."""
        self._apply(rows, ())

    def remove_rows(self, keys: Iterable[str]) -> list[str]:
        """Drop the rows with these keys; returns the keys that were loaded."""
        return self._apply((), keys)

    def retain(self, keys: Collection[str]) -> list[str]:
        """Drop every row whose key is not in `keys`; returns the dropped keys."""
        return self._apply((), [key for key in self.rows if key not in keys])

    def replace_all(self, rows: Iterable[T]) -> None:
        rows = list(rows)
        keep = {row.key for row in rows}
        self._apply(rows, [key for key in self.rows if key not in keep])

    def clear(self) -> None:
        self._store.clear()
        self._strips.clear()
        self._frame_cache = None
        self.cursor, self._cursor_key = 0, None
        self._changed()

    def mark(self, key: str, label: str | None = "deleted") -> None:
        """Show a row dimmed and struck through, `label` in its status column (None: unmark)."""
        row = self.rows.get(key)
        if row is not None and row.mark != label:
            row.mark = label
            row.version += 1
            self._refresh_rows({row})

    def _apply(self, rows: Iterable[T], gone: Iterable[str]) -> list[str]:
        update = self._store.apply(rows, gone)
        if update.widened:
            self._frame_cache = None  # a flexible column changed width: header and all rows
        if update.reordered or update.widened:
            self._changed()
        elif update.changed:
            self._refresh_rows(update.changed)  # only the changed rows on screen repaint
        return update.removed

    @property
    def sort_keys(self) -> tuple[str, ...]:
        keys = tuple(column.key for column in self.columns if column.sort_key is not None)
        return (LOAD_ORDER, *keys) if self.LOAD_ORDER_SORT else keys

    def set_sort(self, column: str, reverse: bool) -> None:
        self._store.set_sort(column, reverse)
        self._changed()

    def cycle_sort(self) -> None:
        keys = self.sort_keys
        column = self.sort_column
        index = keys.index(column) + 1 if column in keys else 0
        self.set_sort(keys[index % len(keys)], self.sort_reverse)

    def set_filter(self, text: str) -> None:
        """Keep the rows whose haystack holds every word of `text` (case-insensitive)."""
        if self._store.set_filter(text):
            self._changed()

    # --- cursor ---------------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _changed(self) -> None:
        """The order or the visible rows changed: find the cursor's row, repaint all."""
        rows, old, old_key = self._store.visible, self.cursor, self._cursor_key
        top = int(self.scroll_y)
        index = -1
        row = self.rows.get(old_key) if old_key is not None else None
        if row is not None:
            if old < len(rows) and rows[old] is row:
                index = old
            else:
                try:
                    index = rows.index(row)
                except ValueError:
                    pass
        on_screen = top <= old < top + self._page
        if index < 0:
            index = max(0, min(old, len(rows) - 1))
        self.cursor = index
        self._cursor_key = rows[index].key if rows else None
        self.virtual_size = Size(0, len(rows) + 1)
        # Rows came or went above the cursor: its row stays where it was on screen. (And
        # fewer rows than the view was scrolled for: the last row goes to the bottom.)
        keep = index != old and on_screen and self._cursor_key == old_key
        target = min(top + index - old if keep else top, self.max_scroll_y)
        if target != top:
            self.scroll_to(y=target, animate=False, immediate=True, force=True)
        self._scroll_cursor_into_view()
        self.refresh()
        if self._cursor_key != old_key:
            self.post_message(self.Highlighted(self, self._cursor_key, self.selected_row))

    def _refresh_rows(self, rows: Collection[T]) -> None:
        top = int(self.scroll_y)
        for offset, row in enumerate(self._store.visible[top : top + self._page]):
            if row in rows:
                self.refresh_line(top + offset + 1)

    def select_key(self, key: str) -> bool:
        """Move the cursor to the row with this key; False if it is not shown."""
        row = self.rows.get(key)
        if row is None:
            return False
        if self.selected_row is not row:
            try:
                index = self._store.visible.index(row)
            except ValueError:
                return False
            self._move(index)
        return True

    def find_next(self, predicate: Callable[[T], bool]) -> bool:
        """Move to the next row (wrapping) for which `predicate` holds."""
        count = len(self._store.visible)
        for step in range(1, count + 1):
            index = (self.cursor + step) % count
            if predicate(self._store.visible[index]):
                self._move(index)
                return True
        return False

    def _move(self, index: int) -> None:
        if not self._store.visible:
            return
        index = max(0, min(index, len(self._store.visible) - 1))
        old, old_key = self.cursor, self._cursor_key
        self.cursor = index
        self._cursor_key = self._store.visible[index].key
        if not self._scroll_cursor_into_view():
            self.refresh_line(old + 1)
            self.refresh_line(index + 1)
        if self._cursor_key != old_key:
            self.post_message(self.Highlighted(self, self._cursor_key, self._store.visible[index]))

    def _scroll_cursor_into_view(self) -> bool:
        """Scroll so the cursor row shows under the header; True when it scrolled."""
        top, page = int(self.scroll_y), self._page
        target = top
        if self.cursor < top:
            target = self.cursor
        elif self.cursor >= top + page:
            target = self.cursor - page + 1
        if target != top:
            self.scroll_to(y=target, animate=False, immediate=True, force=True)
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
        self._move(len(self._store.visible) - 1)

    def action_g(self) -> None:
        """`g g` jumps to the first row; a lone `g` runs `single_g_action` after G_DELAY."""
        if self._g_timer is not None:
            self._g_timer.stop()
            self._g_timer = None
            self.action_first()
            return
        self._g_timer = self.set_timer(self.G_DELAY, self._lone_g)

    async def _lone_g(self) -> None:
        self._g_timer = None
        if self.single_g_action:
            await self.run_action(self.single_g_action)

    def action_select(self) -> None:
        row = self.selected_row
        if row is not None:
            self.post_message(self.Selected(self, row.key, row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            self._click_header(offset.x + int(self.scroll_x))
            return
        index = int(self.scroll_y) + offset.y - 1
        if index == self.cursor and event.chain > 1:
            self.action_select()
        elif 0 <= index < len(self._store.visible):
            self._move(index)

    def _click_header(self, x: int) -> None:
        for column, start, size in self._frame().columns:
            if start <= x <= start + size and column.sort_key is not None:
                same = column.key == self.sort_column
                self.set_sort(column.key, not self.sort_reverse if same else False)
                self.post_message(self.SortChanged(self))
                return

    def on_resize(self) -> None:
        self._frame_cache = None
        self.virtual_size = Size(0, len(self._store.visible) + 1)
        self._scroll_cursor_into_view()

    # --- painting -------------------------------------------------------------------------

    def when_rows_painted(self, callback: Callable[[], object]) -> None:
        """Call `callback` after the next frame that shows rows has been written."""
        self._after_paint.append(callback)
        if self._store.visible:
            self.refresh_line(int(self.scroll_y) + 1)

    def _frame(self) -> Frame:
        width = self.scrollable_content_region.width
        frame = self._frame_cache
        if frame is None or frame.width != width:
            style = self.get_component_rich_style
            styles = (
                self.rich_style,
                style("keyed-table--cursor"),
                style("keyed-table--header"),
                style("keyed-table--marked"),
            )
            desired = self._store.desired()
            frame = Frame.build(self.columns, desired, width, self.GUTTER, styles)
            self._frame_cache = frame
            self._strips.clear()
        return frame

    def render_line(self, y: int) -> Strip:
        frame = self._frame()
        if y == 0:
            return frame.header(self.sort_column, self.sort_reverse)
        visible = self._store.visible
        index = int(self.scroll_y) + y - 1
        if not 0 <= index < len(visible):
            return frame.blank()
        if self._after_paint:
            callbacks, self._after_paint = self._after_paint, []
            for callback in callbacks:
                self.call_after_refresh(callback)
        row = visible[index]
        now = self._now()
        selected = 0 if index != self.cursor else 2 if self.has_focus else 1
        key = (row, row.version, selected, self.paint_epoch(now))
        strip = self._strips.get(key)
        if strip is None:
            strip = self._paint_row(row, bool(selected), now, frame)
            self._strips[key] = strip
        return strip

    def paint_epoch(self, now: datetime) -> object:
        """Painted rows are reused while this stays the same (cells that depend on `now`)."""
        return int(now.timestamp()) // 60

    def _paint_row(self, row: T, selected: bool, now: datetime, frame: Frame) -> Strip:
        return frame.row(row, selected, now)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._frame_cache = None  # theme or focus styles changed
        self._strips.clear()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
