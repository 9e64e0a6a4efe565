"""Cells and column layout for `KeyedTable`: plain segments, fitted to exact widths.

Every string that came from AWS goes through `text_cell`, which shows control, escape and
bidi characters as visible escapes (`iotjobs_tui.ui.text`), so no segment a table paints can
carry an escape sequence from the data. Plain ASCII (nearly every id and name) skips the
character scan: `str.isascii()` and `str.isprintable()` run in C.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from iotjobs_tui.ui.format import when
from iotjobs_tui.ui.text import clean, needs_escape, safe
from iotjobs_tui.ui.widgets.table_rows import ARROW_CELLS, Column, Segments, TableRow

_CONSOLE = Console(width=10_000, color_system=None, legacy_windows=False)
DIM = Style(dim=True)
ELLIPSIS = "…"
ARROW_UP = " ↑"
ARROW_DOWN = " ↓"


def is_plain(text: str) -> bool:
    """No character of `text` needs an escape (the fast path is for printable ASCII)."""
    return (text.isascii() and text.isprintable()) or not needs_escape(text)


def text_cell(text: str | None, style: Style | None = None, empty: str = "—") -> Segments:
    """Untrusted text as segments: escapes shown highlighted, never a control character."""
    if text is None:
        return [Segment(empty, DIM)]
    if is_plain(text):
        return [Segment(text, style)]
    segments = safe(text).render(_CONSOLE)
    return list(Segment.apply_style(segments, style)) if style else list(segments)


def plain_cell(text: str, style: Style | None = None) -> Segments:
    """Text the app made itself (times, numbers, glyphs): no escape scan."""
    return [Segment(text, style)]


def time_column(
    key: str,
    label: str,
    moment: Callable[[Any], datetime | None],
    sort_key: Callable[[Any], Any],
    **options: Any,
) -> Column[Any]:
    """A 12-cell time column (`format.when`: '12-31 23:59'): every list's times look alike."""
    return Column(
        key,
        label,
        lambda row, now: plain_cell(when(moment(row), now)),
        width=12,
        sort_key=sort_key,
        **options,
    )


def text_width(text: str | None) -> int:
    """Cells `text_cell(text)` takes (escapes are longer than the characters they show)."""
    if text is None:
        return 1
    if text.isascii() and text.isprintable():
        return len(text)
    return cell_len(clean(text))


def fit(parts: Segments, width: int, right: bool = False, middle: bool = False) -> Segments:
    """Pad or cut (with an ellipsis) to exactly `width` cells.

    `middle` cuts out the middle instead of the end: fleet thing names share long prefixes
    (meter-us-central-aus-00016, -00017...) and differ at the end, which must stay visible.
    """
    length = sum(cell_len(part.text) for part in parts)
    if length > width:
        if width <= 0:
            return []
        if middle and width >= 8:
            tail = (width - 1) * 2 // 3
            head = width - 1 - tail
            pieces = list(Segment.divide(parts, [head, length - tail, length]))
            cut = [*pieces[0], Segment(ELLIPSIS), *pieces[2]]
            return Segment.adjust_line_length(cut, width)  # a wide character split at a cut
        line = Segment.adjust_line_length(parts, width - 1)
        return [*line, Segment(ELLIPSIS)]
    if length == width:
        return parts
    pad = Segment(" " * (width - length))
    return [pad, *parts] if right else [*parts, pad]


def header_label(label: str, sortable: bool, arrow: str | None, right: bool = False) -> str:
    """The label, then the sort arrow or the two cells kept for it (before the label in a
    right-aligned column, so the label ends where the values end)."""
    if not sortable:
        return label
    cells = arrow if arrow is not None else " " * ARROW_CELLS
    return cells[::-1] + label if right else label + cells


@dataclass(frozen=True)
class Slot:
    """How `layout` sizes one column (the table builds these from its `Column`s)."""

    width: int  # fixed width; 0: flexible
    min_width: int  # flexible: the least it shrinks to
    desired: int  # flexible: the longest value loaded (capped at the column's max)
    drop_order: int  # 0: never dropped; else the highest is dropped first
    yields: bool  # dropped (in drop order) before a flexible column's values get cut


def layout(slots: Sequence[Slot], width: int, gutter: int = 0) -> list[int]:
    """The width of each column, 0 for a dropped one.

    Droppable columns go, highest `drop_order` first, while the flexible columns cannot keep
    their minimum; then the columns that `yield` go while a flexible column would have to cut
    its longest value. Flexible columns share what is left, each up to its desired width.
    """
    shown = [True] * len(slots)

    def needs(flex_size: str) -> int:
        total = gutter
        count = 0
        for index, slot in enumerate(slots):
            if shown[index]:
                total += slot.width or (slot.min_width if flex_size == "min" else slot.desired)
                count += 1
        return total + max(0, count - 1)

    def drop(flex_size: str, only_yielding: bool) -> None:
        order = sorted(
            (i for i, s in enumerate(slots) if s.drop_order and (s.yields or not only_yielding)),
            key=lambda i: (-slots[i].drop_order, -i),
        )
        for index in order:
            if needs(flex_size) <= width:
                return
            shown[index] = False

    drop("min", only_yielding=False)
    drop("desired", only_yielding=True)
    fixed = needs("min") - sum(s.min_width for i, s in enumerate(slots) if shown[i] and not s.width)
    spare = width - fixed
    sizes = []
    flex_left = [i for i, s in enumerate(slots) if shown[i] and not s.width]
    for index, slot in enumerate(slots):
        if not shown[index]:
            sizes.append(0)
        elif slot.width:
            sizes.append(slot.width)
        else:
            flex_left.remove(index)
            keep = sum(slots[i].min_width for i in flex_left)  # for the flexible ones after
            size = max(3, min(slot.desired, spare - keep))
            spare -= size
            sizes.append(size)
    return sizes


@dataclass
class Frame:
    """What every line of a frame shares (costly per line: styles walk the DOM), and the
    painting of one line."""

    width: int
    gutter: int
    columns: list[tuple[Column[Any], int, int]]  # the columns shown: (column, x, width)
    base: Style
    cursor: Style
    header_style: Style
    marked: Style
    _header: dict[tuple[str, bool], Strip] = field(default_factory=dict)

    @classmethod
    def build(
        cls, columns: Sequence[Column[Any]], desired: Sequence[int], width: int, gutter: int,
        styles: tuple[Style, Style, Style, Style],
    ) -> Frame:  # fmt: skip
        """`desired`: the width each flexible column with a `measure` would like, in order."""
        wanted = iter(desired)
        slots = [
            Slot(
                max(c.width, c.header_width) if c.width else 0,
                max(c.min_width, c.header_width),
                next(wanted) if c.measure is not None else max(c.min_width, c.header_width),
                c.drop_order,
                c.yields,
            )
            for c in columns
        ]
        shown = []
        x = gutter
        for column, size in zip(columns, layout(slots, width, gutter), strict=True):
            if size:
                shown.append((column, x, size))
                x += size + 1
        return cls(width, gutter, shown, *styles)

    def _strip(self, cells: list[Segments]) -> Strip:
        segments: Segments = [Segment(" " * self.gutter)] if self.gutter else []
        used = self.gutter
        for parts, (_column, x, size) in zip(cells, self.columns, strict=True):
            if x > self.gutter:
                segments.append(Segment(" "))
            segments.extend(parts)
            used = x + size
        if used < self.width:
            segments.append(Segment(" " * (self.width - used)))
        strip = Strip(segments, max(used, self.width))
        return strip.crop(0, self.width) if used > self.width else strip

    def row(self, row: TableRow, selected: bool, now: datetime) -> Strip:
        mark = row.mark
        cells = []
        for column, _x, size in self.columns:
            if mark is not None and column.shows_mark:
                parts = [Segment(mark, DIM)]
            else:
                parts = column.cell(row, now)
            cells.append(fit(parts, size, column.right, column.middle))
        style = self.base + self.cursor if selected else self.base
        strip = self._strip(cells)
        if mark is None:
            return strip.apply_style(style)
        return Strip(Segment.apply_style(strip, style, self.marked), strip.cell_length)

    def header(self, sort_column: str, reverse: bool) -> Strip:
        """The labels, and the sort arrow in the sorted column's reserved cells."""
        strip = self._header.get((sort_column, reverse))
        if strip is None:
            cells = []
            for column, _x, size in self.columns:
                arrow = None
                if column.key == sort_column:
                    arrow = ARROW_DOWN if reverse else ARROW_UP
                label = header_label(column.label, column.sort_key is not None, arrow, column.right)
                cells.append(fit([Segment(label)], size, column.right))
            strip = self._strip(cells).apply_style(self.base + self.header_style)
            self._header.clear()
            self._header[(sort_column, reverse)] = strip
        return strip

    def blank(self) -> Strip:
        return Strip([Segment(" " * self.width, self.base)], self.width)
