"""The `/` filter box every list has: shown on `/`, Enter keeps the filter, Esc clears it."""

from __future__ import annotations

from textual import on
from textual.message import Message
from textual.widgets import Input


class FilterBox(Input):
    """Hidden until `open()`; posts `FilterChanged` as the user types."""

    DEFAULT_CSS = "FilterBox { height: 1; border: none; padding: 0 1; display: none; }"

    class FilterChanged(Message):
        def __init__(self, box: FilterBox, value: str) -> None:
            super().__init__()
            self.box = box
            self.value = value

    class FilterDone(Message):
        """Enter: the list should take the focus back."""

        def __init__(self, box: FilterBox) -> None:
            super().__init__()
            self.box = box

    def open(self) -> None:
        self.display = True
        self.focus()

    @property
    def active(self) -> bool:
        """Shown, or hidden with a filter still applied."""
        return bool(self.display or self.value)

    def clear_filter(self) -> bool:
        """Esc: hide and clear; False when there was nothing to clear."""
        if not self.active:
            return False
        self.value = ""
        self.display = False
        self.post_message(self.FilterChanged(self, ""))
        return True

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.FilterChanged(self, event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            self.display = False
        self.post_message(self.FilterDone(self))
