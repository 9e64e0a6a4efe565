"""What every screen with live data shares: its refresh loops, the status bar and their keys.

- `p` pauses and resumes every loop of the screen; `r` refreshes them now (and retries a loop
  a permanent error stopped); `+`/`-` change the interval of the focused pane's loop only.
- A screen under another one (a drill-down, a dialog) makes no calls: its loops are
  suspended, and catch up when it is on top again.
- The status bar shows the App's connection state (its one owner) and each loop's age.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import cast

from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from iotjobs_tui.ui.connection import ConnectionOwner, ConnectionState
from iotjobs_tui.ui.format import format_interval
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.refresh import Fetch, RefreshLoop
from iotjobs_tui.ui.selection import Selection
from iotjobs_tui.ui.widgets.status_bar import StatusBar, StatusInfo


class LiveScreen(Screen[None]):
    # The keys that matter come first: an 80-column footer keeps what fits, from the left.
    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("question_mark", "app.help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
        Binding("p", "pause", "Pause", id="pause"),
        Binding("plus,equals_sign", "slower", "Refresh less often", show=False, id="slower"),
        Binding("minus", "faster", "Refresh more often", show=False, id="faster"),
        # Copy the highlighted item (id, ARN, JSON, CLI command) over OSC 52.
        Binding("c", "copy", "Copy", show=False, id="copy"),
        # Writes (read-only unless --read-write): each asks for a typed confirmation.
        Binding("C", "cancel_write", "Cancel job/execution", show=False, id="cancel"),
        Binding("D", "delete_execution", "Delete execution", show=False, id="delete"),
    ]

    def __init__(self, data: DataSource, options: ViewOptions) -> None:
        super().__init__()
        self.data = data
        self.options = options
        self.clock: Callable[[], float] = options.clock or time.time
        # Drives only what is displayed ("updated Ns ago", staleness); frozen in snapshots.
        self.monotonic: Callable[[], float] = options.monotonic or time.monotonic
        self.loops: list[RefreshLoop] = []

    def add_loop(
        self,
        name: str,
        interval: float,
        fetch: Fetch,
        pane: Widget | None = None,
        *,
        shown: bool = True,
    ) -> RefreshLoop:
        loop = RefreshLoop(
            self,
            name,
            interval,
            fetch,
            self.monotonic,
            pane=pane,
            paused=self.options.start_paused,
            on_change=self.tick,
        )
        # Every loop is paused, refreshed, suspended and stopped with the screen; only the
        # shown ones get a segment in the status bar (the insight sections and the list's
        # filler say their age where their data is).
        loop.shown = shown
        self.loops.append(loop)
        return loop

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def on_screen_suspend(self) -> None:
        for loop in self.loops:
            loop.suspend()

    def on_screen_resume(self) -> None:
        for loop in self.loops:
            loop.resume()
        self.tick()

    def on_unmount(self) -> None:
        for loop in self.loops:
            loop.stop()

    # --- what time it is --------------------------------------------------------------------

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), tz=UTC)

    @property
    def connection(self) -> ConnectionState:
        owner = cast(ConnectionOwner, self.app)
        return getattr(owner, "connection", ConnectionState())

    def tick(self) -> None:
        """Once a second (and on every loop change): the status bar, and the screen's own."""
        if not self.is_mounted:
            return
        stats = self.data.stats
        info = StatusInfo(
            connection=self.connection,
            demo=self.options.demo,
            panes=[loop.state() for loop in self.loops if loop.shown],
            throttled=stats.throttled if stats else 0,
            calls_per_minute=stats.calls_in_last(60) if stats else None,
            read_write=self.options.read_write,
        )
        for bar in self.query(StatusBar):
            bar.show(info)
        self.on_tick()

    def on_tick(self) -> None:
        """Per-screen work once a second (countdowns, relative times)."""

    def selection(self) -> Selection | None:
        """The highlighted job or execution: what copy, export and writes act on."""
        return None

    def action_copy(self) -> None:
        from iotjobs_tui.ui.screens.copy import offer_copy

        offer_copy(self, self.selection(), self.options, self.connection)

    # --- the user's controls ----------------------------------------------------------------

    def focused_loop(self) -> RefreshLoop | None:
        focused = self.focused
        for loop in self.loops:
            pane = loop.pane
            if pane is not None and focused is not None and pane in (focused, *focused.ancestors):
                return loop
        return self.loops[0] if self.loops else None

    def action_pause(self) -> None:
        paused = not all(loop.paused for loop in self.loops)
        for loop in self.loops:
            loop.set_paused(paused)
        if paused:
            self.notify("Paused: no more calls until you press p or r.", markup=False)
        else:
            self.notify("Live again.", markup=False)
        self.tick()

    def action_refresh(self) -> None:
        for loop in self.loops:
            if loop.paused:
                loop.policy.paused = False
            loop.refresh_now()
        self.tick()

    def _step(self, faster: bool) -> None:
        loop = self.focused_loop()
        if loop is None:
            return
        interval = loop.step_interval(faster)
        self.notify(f"{loop.name.capitalize()} refresh every {format_interval(interval)}.")

    def action_faster(self) -> None:
        self._step(True)

    def action_cancel_write(self) -> None:
        from iotjobs_tui.ui.screens import write_actions

        write_actions.cancel(self)

    def action_delete_execution(self) -> None:
        from iotjobs_tui.ui.screens import write_actions

        write_actions.delete(self)

    def action_slower(self) -> None:
        self._step(False)
