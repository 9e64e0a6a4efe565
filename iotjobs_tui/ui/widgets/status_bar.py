"""One line at the bottom of every screen: connection first, then each live pane's freshness.

The connection comes first so that a narrow terminal keeps it (the rest is cut at the right):
`DEMO`, `connecting…`, `live` (only after a successful call), `NOT CONNECTED`, then where it
points and the account. Each pane says its interval and how old its data is, and `STALE`
once it is older than it should be or a fetch failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from iotjobs_tui.ui.connection import ConnectionState
from iotjobs_tui.ui.format import format_age, format_interval
from iotjobs_tui.ui.refresh import PaneState
from iotjobs_tui.ui.text import safe


@dataclass
class StatusInfo:
    connection: ConnectionState
    demo: bool
    panes: list[PaneState] = field(default_factory=list)
    throttled: int = 0
    calls_per_minute: int | None = None
    read_write: bool = False


def _pane(pane: PaneState) -> Text:
    text = Text(f"{pane.name} ", end="")
    if pane.final:
        text.append("final", style="dim")
    else:
        text.append(f"every {format_interval(pane.interval)}, ")
    if pane.age is None:
        text.append("loading" if pane.stopped is None else "no data", style="dim")
    elif not pane.final:
        # Fixed width, so a ticking age never changes the bar's layout (a layout repaints
        # every scrollbar on screen: kilobytes over SSH).
        text.append(f"updated {format_age(pane.age):>10}", style="yellow" if pane.stale else "")
    if pane.stopped is not None:
        text.append(" STOPPED (r retries)", style="bold red")
    elif pane.backing_off and not pane.paused:
        retry = f", retry in {int(pane.next_in)}s" if pane.next_in is not None else ""
        text.append(f" STALE{retry}", style="bold red")
    elif pane.stale:
        text.append(" STALE", style="bold yellow")
    return text


def _badge(info: StatusInfo, paused: bool) -> Text:
    text = Text(end="")
    # First, so no terminal is too narrow to show whether writes are on.
    if info.read_write:
        text.append(" RW ", style="bold reverse red")
    else:
        text.append(" RO ", style="dim")
    if info.demo:
        text.append(" DEMO ", style="bold reverse magenta")
        text.append(" ")
    phase = info.connection.phase
    if phase == "failed":
        text.append("NOT CONNECTED", style="bold red")
    elif phase == "connecting":
        text.append("connecting…", style="bold yellow")
    elif paused:
        text.append("PAUSED", style="bold yellow")
    else:
        text.append("live", style="green")
    label = info.connection.describe()
    if label:
        text.append(" ")
        text.append_text(safe(label, "dim"))
    return text


SEP = Text(" │ ", style="dim", end="")


def status_parts(info: StatusInfo, slots: int) -> list[Text]:
    """The bar as `slots` segments, so a ticking age repaints only its own few cells."""
    paused = bool(info.panes) and all(pane.paused for pane in info.panes)
    parts = [_badge(info, paused)]
    parts.extend(SEP + _pane(pane) for pane in info.panes)
    if info.throttled:
        parts.append(SEP + Text(f"throttled {info.throttled}", style="bold yellow"))
    if info.calls_per_minute is not None:
        parts.append(SEP + Text(f"{info.calls_per_minute} calls/min", style="dim"))
    parts.extend(Text(end="") for _ in range(slots - len(parts)))
    return parts[:slots]


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
        parts = status_parts(info, self.SEGMENTS)
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
