"""Where the user is: `Jobs ▸ job ▸ executions ▸ thing ▸ #2`, every part shown literally."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from iotjobs_tui.ui.text import safe


def breadcrumb_text(*parts: str) -> Text:
    text = Text("Jobs", style="dim", end="", no_wrap=True, overflow="ellipsis")
    for part in parts:
        text.append(" ▸ ", style="dim")
        text.append_text(safe(part))
    return text


class Breadcrumb(Static):
    DEFAULT_CSS = "Breadcrumb { height: 1; padding: 0 1; }"

    def __init__(self, *parts: str, id: str | None = None) -> None:
        super().__init__(breadcrumb_text(*parts), id=id)

    def show(self, *parts: str) -> None:
        self.update(breadcrumb_text(*parts))
