"""The Textual application: wires a data source and view options into the main screen."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import signal
import sys
from collections.abc import Iterable

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from iotjobs_tui.ui.connection import ConnectionState
from iotjobs_tui.ui.messages import Connected, SetupFailed
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.screens.live import LiveScreen
from iotjobs_tui.ui.screens.main import MainScreen
from iotjobs_tui.ui.text import clean


class IotJobsApp(App[int]):
    TITLE = "iotjobs-tui"
    CSS_PATH = "app.tcss"
    # Below 140 columns the panes stack (list above detail): all seven list columns need ~100.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        # As in k9s and every CLI, not Textual 8's copy/"press ctrl+q" hint; a priority binding
        # so it quits from the filter input and every dialog too. Listed after `q`: the help
        # screen shows the first binding of an action.
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("question_mark", "help", "Help"),
        Binding("g", "goto_execution", "Go to execution"),
    ]

    def __init__(self, data: DataSource, options: ViewOptions | None = None) -> None:
        super().__init__()
        self.data = data
        self.options = options or ViewOptions()
        # The one owner of connection state; every screen's status bar reads it.
        self.connection = ConnectionState(label=self.options.connection_label)
        data.bind(self)
        self.main_screen = MainScreen(data, self.options)

    def on_mount(self) -> None:
        self._watch_terminal()
        self.push_screen(self.main_screen)
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

    @property
    def setup_error(self) -> str | None:
        return self.connection.error if self.connection.phase == "failed" else None

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

    def action_help(self) -> None:
        from iotjobs_tui.ui.screens.document import DocumentScreen
        from iotjobs_tui.ui.screens.execution import ExecutionScreen
        from iotjobs_tui.ui.screens.executions import ExecutionsScreen
        from iotjobs_tui.ui.screens.help import HelpScreen
        from iotjobs_tui.ui.widgets.execution_list import ExecutionList
        from iotjobs_tui.ui.widgets.job_detail import JobDetail
        from iotjobs_tui.ui.widgets.job_table import JobTable

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(
            HelpScreen(
                [
                    ("Main screen", [*MainScreen.BINDINGS, *self.BINDINGS]),
                    ("Job list", list(JobTable.BINDINGS)),
                    ("Job detail", list(JobDetail.BINDINGS)),
                    ("Job document (d)", list(DocumentScreen.BINDINGS)),
                    (
                        "Executions (e)",
                        [*ExecutionsScreen.BINDINGS, *ExecutionList.BINDINGS],
                    ),
                    ("One execution (Enter)", list(ExecutionScreen.BINDINGS)),
                ]
            )
        )

    async def on_unmount(self) -> None:
        await self.data.close()
