"""The Textual application: wires a data source and view options into the main screen."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import signal
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from iotjobs_tui.common import logs
from iotjobs_tui.ui import resilience, themes
from iotjobs_tui.ui.alerts import Alerts
from iotjobs_tui.ui.connection import ConnectionState
from iotjobs_tui.ui.messages import (
    Connected,
    JobDescribed,
    SetupFailed,
    ThingExecutions,
    ThingExecutionsFailed,
)
from iotjobs_tui.ui.palette import (
    ConnectionProvider,
    JobsProvider,
    ScreenActionsProvider,
    ThingsProvider,
)
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.screens.live import LiveScreen
from iotjobs_tui.ui.screens.main import MainScreen
from iotjobs_tui.ui.text import clean

ALERT_CHECK_EVERY = 5.0  # seconds between looks at the data's age, for the stale alert
# A burst of this many internal errors within CRASH_WINDOW seconds ends the app.
CRASH_BURST = 5
CRASH_WINDOW = 10.0
_log = logs.get("app")


class IotJobsApp(App[int]):
    TITLE = "iotjobs-tui"
    CSS_PATH = "app.tcss"
    # Below 140 columns the panes stack (list above detail): all seven list columns need ~100.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        # As in k9s and every CLI, not Textual 8's copy/"press ctrl+q" hint; a priority binding
        # so it quits from the filter input and every dialog too. Listed after `q`: the help
        # screen shows the first binding of an action.
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("g", "goto_execution", "Go to execution", id="goto_execution"),
        # k9s's jump: jobs, a thing's executions, region/profile, theme, this screen's actions.
        Binding("colon,ctrl+p", "command_palette", "Jump", show=False, id="jump"),
    ]
    COMMANDS = App.COMMANDS | {
        JobsProvider,
        ThingsProvider,
        ConnectionProvider,
        ScreenActionsProvider,
    }

    # Set by launch once the starting theme is applied: from then on a change (the palette's
    # "Theme" command) is the user's choice, saved for the next launch.
    remember_theme = False

    def __init__(self, data: DataSource, options: ViewOptions | None = None) -> None:
        super().__init__()
        self.data = data
        self.options = options or ViewOptions()
        # The one owner of connection state; every screen's status bar reads it.
        self.connection = ConnectionState(label=self.options.connection_label)
        data.bind(self)
        self.main_screen = MainScreen(data, self.options)
        # The one owner of alerts (off unless asked for): fed below, delivers itself.
        self.alerts = Alerts(self, self.options.alerts)
        if self.options.keymap:
            self.set_keymap(self.options.keymap)
        self._thing_lookup: str | None = None  # the palette's thing jump, while it looks
        # None: survive bugs when running in a terminal; tests (headless) let them raise.
        self.survive_errors: bool | None = None
        self.crash: str | None = None
        self._errors: list[float] = []
        self._toasts: dict[tuple[str, str], float] = {}  # (message, title) -> shown until
        resilience.install()
        # themes/ and the user's theme files, for --theme and the palette's "Theme" command.
        # The theme itself stays Textual's default here; launch applies the user's choice.
        self.theme_problems = themes.register(self)

    def on_mount(self) -> None:
        self._watch_terminal()
        self.push_screen(self.main_screen)
        if self.alerts.enabled:
            self.set_interval(ALERT_CHECK_EVERY, self._check_stale)
        for problem in self.theme_problems:
            self.notify(problem.line, title="Theme file skipped", severity="warning", markup=False)
        options = self.options
        if options.job_id and options.thing_name:
            # --job J --thing T [--execution-number N]: straight to the execution; Esc goes
            # back to the main screen with the job selected.
            self.open_execution(options.job_id, options.thing_name, options.execution_number)

    def _watch_terminal(self) -> None:
        """End when the terminal goes away (an SSH drop, a killed tmux pane): SIGHUP, or the
        tty answering EIO. Left alone, the app ran on headless at 55 % CPU."""
        with contextlib.suppress(ValueError, NotImplementedError, RuntimeError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.exit, 129)
        stdin = sys.__stdin__
        if stdin is None or not stdin.isatty():
            return  # headless (tests, pipes): nothing to watch
        fd = stdin.fileno()

        def check() -> None:
            try:
                os.tcgetpgrp(fd)
            except OSError as exc:
                # A hung-up tty answers EIO. ENOTTY only says it is not this session's
                # controlling terminal (started under setsid): it is still there.
                if exc.errno != errno.ENOTTY:
                    self.exit(129)

        self.set_interval(1.0, check)

    def watch_theme(self, name: str) -> None:
        themes.apply_ansi_colors(self)
        if self.remember_theme:
            try:
                themes.remember(name)
            except OSError as exc:
                self.remember_theme = False  # say it once, not at every change
                self.notify(
                    f"The theme will not be remembered: {exc}", severity="warning", markup=False
                )

    def open_execution(self, job_id: str, thing_name: str, number: int | None) -> None:
        from iotjobs_tui.ui.screens.execution import ExecutionScreen

        self.push_screen(ExecutionScreen(self.data, self.options, job_id, thing_name, number))

    def _goto_defaults(self) -> tuple[str, str]:
        """The job (and thing) the current screen shows, to prefill the go-to prompt."""
        from iotjobs_tui.ui.screens.execution import ExecutionScreen
        from iotjobs_tui.ui.screens.executions import ExecutionsScreen

        screen = self.screen
        if isinstance(screen, ExecutionScreen):
            return screen.job_id, screen.thing_name
        if isinstance(screen, ExecutionsScreen):
            row = screen.table.selected
            return screen.job_id, row.thing if row else ""
        if isinstance(screen, MainScreen):
            return screen.detail.job_id or "", ""
        return "", ""

    def action_goto_execution(self) -> None:
        from iotjobs_tui.ui.screens.goto_execution import GotoExecutionScreen, Target

        if isinstance(self.screen, GotoExecutionScreen):
            return
        job_id, thing_name = self._goto_defaults()

        def opened(target: Target | None) -> None:
            if target is not None:
                self.open_execution(target.job_id, target.thing_name, target.execution_number)

        self.push_screen(GotoExecutionScreen(self.data, job_id, thing_name), opened)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Go to execution",
            "Open a job execution by job id, thing name and execution number",
            self.action_goto_execution,
        )

    # --- the palette's jumps (ui/palette.PaletteHost) ----------------------------------------

    def job_ids(self) -> list[str]:
        return list(self.main_screen.table.rows)

    def _to_main(self) -> None:
        while len(self.screen_stack) > 1 and self.screen is not self.main_screen:
            self.pop_screen()

    def jump_to_job(self, job_id: str) -> None:
        self._to_main()
        self.main_screen.jump_to_job(job_id)

    def open_thing(self, thing_name: str) -> None:
        """The thing's latest execution, whose side table lists every job it has run."""
        self.notify(f"Looking up {clean(thing_name)}…", markup=False, timeout=2)
        self._thing_lookup = thing_name
        self.run_worker(self.data.thing_executions(self, thing_name, None), group="thing")

    @on(ThingExecutions)
    def _on_thing_executions(self, message: ThingExecutions) -> None:
        if message.job_id is not None or message.thing_name != self._thing_lookup:
            return  # a screen's own list, bubbling up
        self._thing_lookup = None
        name = clean(message.thing_name)
        rows = [row for row in message.executions if row.job_id]
        if not rows:
            self.notify(f"{name} has no job executions.", markup=False)
            return
        epoch = datetime.min.replace(tzinfo=UTC)
        latest = max(rows, key=lambda row: row.last_updated_at or row.queued_at or epoch)
        assert latest.job_id is not None
        self.open_execution(latest.job_id, message.thing_name, latest.execution_number)

    @on(ThingExecutionsFailed)
    def _on_thing_failed(self, message: ThingExecutionsFailed) -> None:
        if message.job_id is None and message.thing_name == self._thing_lookup:
            self._thing_lookup = None
            self.notify(clean(message.error), title="Thing", severity="error", markup=False)

    def can_switch_profile(self) -> bool:
        return not self.options.demo

    def switch_connection(self, profile: str | None, region: str | None) -> None:
        """Reconnect in place: back to the job list, which starts over in the new place."""
        if profile is not None and not self.can_switch_profile():
            self.notify("The demo runs against the built-in emulator: no profiles.")
            return

        async def switch() -> None:
            label = await self.data.switch(profile, region)
            if profile is not None:
                self.options.profile = profile
            if region is not None:
                self.options.region = region
            if self.options.demo:
                label = f"{region or self.connection.region} · demo emulator"
            self.connection = ConnectionState(label=label)
            self._to_main()
            self.main_screen.reconnected()
            self.alerts.forget()  # job ids of another region or account are other jobs
            self._connection_changed()
            self.notify(f"Switched to {clean(label)}.", markup=False)

        self.run_worker(switch(), group="switch", exclusive=True)

    @property
    def setup_error(self) -> str | None:
        return self.connection.error if self.connection.phase == "failed" else None

    @on(JobDescribed)
    def _on_job_described(self, message: JobDescribed) -> None:
        """The main screen's DescribeJob of the job it shows (bubbled up): the watched job."""
        if message.job.job_id == self.main_screen.detail.job_id:
            self.alerts.job_described(message.job)

    def _check_stale(self) -> None:
        screen = self.screen
        if isinstance(screen, LiveScreen):  # a dialog on top: the loops under it are idle
            self.alerts.check_stale(loop.state() for loop in screen.loops)

    @on(Connected)
    def _on_connected(self, message: Connected) -> None:
        label = None if self.options.demo else message.label
        self.connection = self.connection.connected(label, message.region, message.account)
        self._connection_changed()

    @on(SetupFailed)
    def _on_setup_failed(self, message: SetupFailed) -> None:
        first = self.connection.phase != "failed"
        self.connection = self.connection.failed(message.error)
        if first:
            self.notify(
                clean(message.error), title="Cannot connect", severity="error", markup=False
            )
        self._connection_changed()

    def _connection_changed(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, LiveScreen):
                screen.tick()

    def binding_groups(self) -> list[tuple[str, list[Binding]]]:
        """Every screen's keys, grouped as the help screen shows them."""
        from iotjobs_tui.ui.screens.document import DocumentScreen
        from iotjobs_tui.ui.screens.execution import ExecutionScreen
        from iotjobs_tui.ui.screens.executions import ExecutionsScreen
        from iotjobs_tui.ui.screens.thing_set import ThingSetScreen
        from iotjobs_tui.ui.screens.why import WhyScreen
        from iotjobs_tui.ui.widgets.execution_list import ExecutionList
        from iotjobs_tui.ui.widgets.job_detail import JobDetail
        from iotjobs_tui.ui.widgets.job_table import JobTable
        from iotjobs_tui.ui.widgets.why_table import BucketTable

        groups: list[tuple[str, list[Any]]] = [
            ("Main screen", [*MainScreen.BINDINGS, *self.BINDINGS]),
            # r, p, +/- and the writes (C, D: --read-write only) work on every screen.
            ("Every screen", list(LiveScreen.BINDINGS)),
            ("Job list", list(JobTable.BINDINGS)),
            ("Job detail", list(JobDetail.BINDINGS)),
            ("Job document (d)", list(DocumentScreen.BINDINGS)),
            (
                "Executions (e)",
                [*ExecutionsScreen.BINDINGS, *ExecutionList.BINDINGS],
            ),
            ("One execution (Enter)", list(ExecutionScreen.BINDINGS)),
            ("Why they fail (w)", [*WhyScreen.BINDINGS, *BucketTable.BINDINGS]),
            ("A bucket's things (Enter on a bucket)", list(ThingSetScreen.BINDINGS)),
        ]
        return [(title, [b for b in group if isinstance(b, Binding)]) for title, group in groups]

    def binding_ids(self) -> set[str]:
        """The ids the config file's [keys] table may rebind."""
        return {b.id for _, group in self.binding_groups() for b in group if b.id}

    def action_help(self) -> None:
        from iotjobs_tui.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        groups: list[tuple[str, list[Any]]] = list(self.binding_groups())
        self.push_screen(HelpScreen(groups))

    # --- notifications and bugs ---------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast, unless the same one is on screen already (a failing loop retried every
        few seconds would otherwise stack copies over the status bar)."""
        now = time.monotonic()
        key = (message, title)
        if self._toasts.get(key, 0.0) > now:
            return
        shown_for = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        self._toasts = {k: until for k, until in self._toasts.items() if until > now}
        self._toasts[key] = now + shown_for
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def survives(self) -> bool:
        """Survive bugs when running in a terminal; under tests (headless) Textual's own
        behaviour stands, so a bug fails its test, unless a test opts in."""
        return self.survive_errors if self.survive_errors is not None else not self.is_headless

    def report_bug(self, error: Exception) -> bool:
        """Log the traceback and say it in one sentence. False once a burst of them (a frame
        failing to render every time) says the app cannot work: then it must end."""
        if getattr(error, "_iotjobs_reported", False):
            return False  # reported on its way here (ui/resilience): the burst ends the app
        error._iotjobs_reported = True  # type: ignore[attr-defined]
        sentence = f"{type(error).__name__}: {error}".splitlines()[0][:200]
        _log.error("internal error: %s", sentence, exc_info=error)
        self.crash = sentence
        now = time.monotonic()
        self._errors = [t for t in self._errors if now - t < CRASH_WINDOW] + [now]
        if len(self._errors) >= CRASH_BURST:
            return False
        where = logs.current_path()
        self.notify(
            f"Internal error: {clean(sentence)}. The app goes on"
            + (f"; the traceback is in {where}." if where else "."),
            title="Bug",
            severity="error",
            markup=False,
        )
        return True

    def _handle_exception(self, error: Exception) -> None:
        """What reaches here (a worker, a timer, a render) would end the app: a bug must not
        end an hour's watch, unless it keeps happening (see `report_bug`). Then the app
        ends, the terminal restored, with one line naming the log."""
        if self.survives() and self.report_bug(error):
            return
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        if not self.survives():
            super()._fatal_error()
            return
        where = logs.current_path()
        line = f"iotjobs-tui: internal error ({self.crash})"
        line += f"; the traceback is in {where}" if where else ""
        self._exit_renderables.append(Text(line, no_wrap=False))
        self._close_messages_no_wait()

    async def on_unmount(self) -> None:
        await self.data.close()
