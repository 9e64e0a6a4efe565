"""Textual's Sparkline, one column a minute, with gaps left blank.

Textual draws every value, so a minute with no data would look like a quiet one (the lowest
bar). Here such minutes are given the series' minimum (so they do not stretch the scale)
and their columns are then painted blank: a gap stays a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from textual.app import RenderResult as TextualRenderResult
from textual.widgets import Sparkline


class _Masked:
    """Blanks the gap columns of a one-line sparkline."""

    def __init__(self, inner: RenderableType, gaps: frozenset[int]) -> None:
        self.inner, self.gaps = inner, gaps

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        column = 0
        for segment in console.render(self.inner, options):
            if segment.control or not segment.text or segment.text == "\n":
                yield segment
                continue
            for char in segment.text:  # the renderable yields one cell a segment
                yield Segment(" ") if column in self.gaps else Segment(char, segment.style)
                column += 1


class GapSparkline(Sparkline):
    """A sparkline of one value a column, None where nothing is known."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__([], id=id, classes=classes)
        self._shown: tuple[float | None, ...] | None = None
        self._gaps: frozenset[int] = frozenset()

    def show(self, values: Sequence[float | None]) -> None:
        """Repaints only when the values changed."""
        shown = tuple(values)
        if shown == self._shown:
            return
        self._shown = shown
        known = [value for value in values if value is not None]
        floor = min(known) if known else 0.0
        self._gaps = frozenset(i for i, value in enumerate(values) if value is None)
        self.data = [floor if value is None else value for value in values]

    def render(self) -> TextualRenderResult:
        # Textual's Sparkline renders a Rich renderable (textual.renderables.sparkline).
        inner = cast(RenderableType, super().render())
        return _Masked(inner, self._gaps)
