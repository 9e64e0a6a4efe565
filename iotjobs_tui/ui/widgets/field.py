"""`Field`: the detail panes' unit of text, repainted only when its text changes."""

from __future__ import annotations

from typing import Self

from rich.text import Text
from textual.geometry import Region
from textual.widgets import Static

from iotjobs_tui.ui.widgets.sections import Lines


def _shape(value: Text | Lines) -> tuple[int, ...]:
    """What decides the rendered height: the line count of an unwrapped Text, or every
    value's length in a grid (same lengths wrap the same way)."""
    if isinstance(value, Text):
        if value.no_wrap:
            return (value.plain.count("\n"),)
        return (-1, *(len(line) for line in value.plain.split("\n")))
    return (-2, *(len(label) * 1000 + len(text.plain) for label, text in value.rows))


def _trimmed(value: Text) -> Text:
    """`value` without padding at its lines' ends: padding is not content, and must not earn
    an ellipsis when a scrollbar takes two cells."""
    lines = value.split("\n", allow_blank=True)
    for line in lines:
        line.rstrip()
    trimmed = Text("\n", end=value.end).join(lines)
    trimmed.no_wrap = True
    trimmed.overflow = "ellipsis"
    return trimmed


class Field(Static):
    """A Static that repaints only when given different text (fewer bytes over SSH).

    With `wrap=False` its Text never wraps (long lines end in an ellipsis), so its height is
    its line count and an update of the same height skips the layout pass: a layout
    repaints every scrollbar on screen, kilobytes per refresh over SSH.
    """

    def __init__(
        self, *, id: str | None = None, classes: str = "", wrap: bool = True, steady: bool = False
    ) -> None:
        super().__init__("", id=id, classes=classes)
        self._value: Text | Lines | None = None
        self._wrap = wrap
        # `steady`: never shrink (a wrapping Text is padded to the most lines it has had at
        # this width), for a line whose wrapped height would flip every update: each flip is
        # a layout, and a layout repaints the whole pane (kilobytes a second over SSH).
        self._steady = steady
        self._tallest = (0, 0)  # (width, lines) for `steady`
        self._only: list[Region] | None = None  # the lines the next refresh repaints
        # The shown value's height and the width it was measured at: measured once, not
        # again as the "old" side of every update (each Field updates up to once a second).
        self._shown_height: tuple[int, tuple[int, ...]] | None = None
        if not wrap:
            # Textual 8 drops Rich's no_wrap when it renders a Text: only the CSS holds.
            self.styles.text_wrap = "nowrap"
            self.styles.text_overflow = "ellipsis"

    def set(self, value: Text | Lines | None) -> None:
        if value is None:
            if self.display:
                self.display = False
            self._value = self._shown_height = None
            return
        if not self.display:
            self.display = True
        if isinstance(value, Text) and not self._wrap:
            value = _trimmed(value)
        if isinstance(value, Text) and self._steady:
            value = self._padded(value)
        if value != self._value:
            width = self.content_size.width
            memo = self._shown_height
            if self._value is None:
                before = None
            elif memo is not None and memo[0] == width:
                before = memo[1]
            else:
                before = self._height(self._value)
            after = self._height(value)
            self._shown_height = (width, after)
            same_shape = before == after
            old, self._value = self._value, value
            if same_shape and isinstance(old, Lines) and isinstance(value, Lines):
                # A grid (rate, ETA, assumptions) where one row changed: repaint that row
                # only, not all four, every time "in 1 h 38 min" moves.
                self._only = self._changed_rows(old, value)
            self.update(value, layout=not same_shape)
            self._only = None

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        only = self._only
        if only is not None and not regions and not layout and not recompose:
            self._only = None
            if not only:
                return self
            return super().refresh(*only, repaint=repaint)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _changed_rows(self, old: Lines, new: Lines) -> list[Region] | None:
        """The content lines where `new` renders differently from `old`, or None (repaint
        all). A grid is a Rich renderable, which Textual renders with Rich as done here."""
        width = self.content_size.width
        if width <= 0:
            return None
        console = self.app.console
        options = console.options.update_width(width)
        before = console.render_lines(old, options, pad=True)
        after = console.render_lines(new, options, pad=True)
        if len(before) != len(after):
            return None
        pairs = enumerate(zip(before, after, strict=True))
        return [Region(0, y, width, 1) for y, (was, now) in pairs if was != now]

    def _padded(self, value: Text) -> Text:
        width = self.content_size.width
        if width <= 0:
            return value
        lines = len(value.wrap(self.app.console, width))
        tallest = self._tallest[1] if self._tallest[0] == width else 0
        self._tallest = (width, max(lines, tallest))
        if lines >= tallest:
            return value
        return value + Text("\n" * (tallest - lines))

    def _height(self, value: Text | Lines) -> tuple[int, ...]:
        """The rendered height where it can be known cheaply: a wrapping Text's wrapped line
        count at the current width (a timeline cursor line whose length changes every second
        then repaints itself, not the whole pane); else `_shape`."""
        width = self.content_size.width
        if width <= 0:
            return _shape(value)
        console = self.app.console
        if isinstance(value, Text):
            if self._wrap and not value.no_wrap:
                return (-3, len(value.wrap(console, width)))
            return _shape(value)
        # A grid: each value wraps (folds) in the column right of its label.
        column = max(1, width - value.label_width)
        return (-4, *(len(text.wrap(console, column, overflow="fold")) for _, text in value.rows))

    @property
    def plain(self) -> str:
        if self._value is None:
            return ""
        plain = self._value.plain
        return plain.rstrip("\n") if self._steady else plain  # without `steady`'s padding
