"""The Textual application: wires a data source and view options into the main screen."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.screens.main import MainScreen


class IotJobsApp(App[int]):
    TITLE = "iotjobs-tui"
    CSS_PATH = "app.tcss"
    # Below 140 columns the panes stack (list above detail): all seven list columns need ~100.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(self, data: DataSource, options: ViewOptions | None = None) -> None:
        super().__init__()
        self.data = data
        self.options = options or ViewOptions()
        self.main_screen = MainScreen(data, self.options)

    def on_mount(self) -> None:
        self.push_screen(self.main_screen)

    @property
    def setup_error(self) -> str | None:
        return self.main_screen.setup_error

    def action_help(self) -> None:
        from iotjobs_tui.ui.screens.document import DocumentScreen
        from iotjobs_tui.ui.screens.help import HelpScreen
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
                ]
            )
        )

    async def on_unmount(self) -> None:
        await self.data.close()
