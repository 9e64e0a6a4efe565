"""One line at the bottom: connection, refresh state, freshness, throttling."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from iotjobs_tui.ui.refresh import format_age, format_interval
from iotjobs_tui.ui.text import safe


@dataclass
class PaneState:
    interval: float
    age: float | None
    stale: bool
    backing_off: bool
    next_in: float | None = None


@dataclass
class StatusInfo:
    connection: str
    demo: bool
    paused: bool
    detail: PaneState
    jobs: PaneState
    throttled: int = 0
    calls_per_minute: int | None = None
    not_connected: bool = False


def _pane(name: str, pane: PaneState, paused: bool) -> Text:
    text = Text(f"{name} every {format_interval(pane.interval)}, ", end="")
    if pane.age is None:
        text.append("loading", style="dim")
    else:
        # Fixed width, so a ticking age never changes the bar's layout (a layout repaints
        # every scrollbar on screen: kilobytes over SSH).
        text.append(f"updated {format_age(pane.age):>7}", style="yellow" if pane.stale else "")
    if pane.backing_off and not paused:
        retry = f", retry in {int(pane.next_in)}s" if pane.next_in is not None else ""
        text.append(f" STALE{retry}", style="bold red")
    elif pane.stale:
        text.append(" STALE", style="bold yellow")
    return text


def status_parts(info: StatusInfo) -> list[Text]:
    """The bar as separate segments, so a ticking age repaints only its own few cells."""
    sep = Text(" │ ", style="dim", end="")
    parts: list[Text] = []
    if info.demo:
        parts.append(Text(" DEMO ", style="bold reverse magenta", end="") + Text(" "))
    if info.not_connected:
        parts.append(Text("NOT CONNECTED", style="bold red"))
    else:
        parts.append(
            Text(
                "PAUSED" if info.paused else "live",
                style="bold yellow" if info.paused else "green",
            )
        )
    parts.append(sep + _pane("job", info.detail, info.paused))
    parts.append(sep + _pane("list", info.jobs, info.paused))
    throttled = Text(end="")
    if info.throttled:
        throttled = sep + Text(f"throttled {info.throttled}", style="bold yellow")
    parts.append(throttled)
    calls = Text(end="")
    if info.calls_per_minute is not None:
        calls = sep + Text(f"{info.calls_per_minute} calls/min", style="dim")
    parts.append(calls)
    parts.append(sep + safe(info.connection))
    if not info.demo:
        parts.insert(0, Text(end=""))
    return parts


class _Part(Static):
    DEFAULT_CSS = "_Part { width: auto; height: 1; }"


class StatusBar(Horizontal):
    """One row of segments; each repaints only when its own text changes."""

    SEGMENTS = 7
    DEFAULT_CSS = "StatusBar { height: 1; overflow: hidden hidden; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._values: list[Text | None] = [None] * self.SEGMENTS

    def compose(self) -> ComposeResult:
        for _ in range(self.SEGMENTS):
            yield _Part("")

    def show(self, info: StatusInfo) -> None:
        parts = status_parts(info)
        for index, (widget, value) in enumerate(zip(self.query(_Part), parts, strict=True)):
            previous = self._values[index]
            if value != previous:
                self._values[index] = value
                # Auto-width segments only need a layout pass when their width changes.
                same_width = previous is not None and previous.cell_len == value.cell_len
                widget.update(value, layout=not same_width)

    @property
    def plain(self) -> str:
        return "".join(value.plain for value in self._values if value is not None)
