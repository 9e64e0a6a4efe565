"""`Field`: the detail panes' unit of text, repainted only when its text changes."""

from __future__ import annotations

from rich.text import Text
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

    def __init__(self, *, id: str | None = None, classes: str = "", wrap: bool = True) -> None:
        super().__init__("", id=id, classes=classes)
        self._value: Text | Lines | None = None
        self._wrap = wrap
        if not wrap:
            # Textual 8 drops Rich's no_wrap when it renders a Text: only the CSS holds.
            self.styles.text_wrap = "nowrap"
            self.styles.text_overflow = "ellipsis"

    def set(self, value: Text | Lines | None) -> None:
        if value is None:
            if self.display:
                self.display = False
            self._value = None
            return
        if not self.display:
            self.display = True
        if isinstance(value, Text) and not self._wrap:
            value = _trimmed(value)
        if value != self._value:
            same_shape = self._value is not None and _shape(self._value) == _shape(value)
            self._value = value
            self.update(value, layout=not same_shape)

    @property
    def plain(self) -> str:
        return "" if self._value is None else self._value.plain
