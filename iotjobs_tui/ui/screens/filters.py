"""The server-side ListJobs filters: status, targetSelection, thingGroupName, namespaceId."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from iotjobs_tui.aws.models import JOB_STATUSES, TARGET_SELECTIONS, JobFilters


class FilterScreen(ModalScreen[JobFilters | None]):
    """Compact widgets: the dialog fits in 80x24 with the footer visible."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: JobFilters) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        current = self.current
        with Vertical(id="filter-box"):
            yield Label("Status")
            yield Select(
                [(status, status) for status in JOB_STATUSES],
                value=current.status if current.status else Select.NULL,
                prompt="any status",
                id="f-status",
                compact=True,
            )
            yield Label("Target selection")
            yield Select(
                [(value.lower(), value) for value in TARGET_SELECTIONS],
                value=current.target_selection if current.target_selection else Select.NULL,
                prompt="snapshot or continuous",
                id="f-target",
                compact=True,
            )
            yield Label("Thing group name")
            yield Input(
                current.thing_group_name or "", placeholder="any group", id="f-group", compact=True
            )
            yield Label("Namespace id")
            yield Input(
                current.namespace_id or "",
                placeholder="any namespace",
                id="f-namespace",
                compact=True,
            )
            with Horizontal(id="filter-buttons"):
                yield Button("Apply", variant="primary", id="f-apply", compact=True)
                yield Button("Clear", id="f-clear", compact=True)
                yield Button("Cancel", id="f-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#filter-box").border_title = "Server-side filters (ListJobs)"

    def _value(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else None

    def _filters(self) -> JobFilters:
        return JobFilters(
            status=self._value("#f-status"),
            target_selection=self._value("#f-target"),
            thing_group_name=self.query_one("#f-group", Input).value.strip() or None,
            namespace_id=self.query_one("#f-namespace", Input).value.strip() or None,
        )

    @on(Button.Pressed, "#f-apply")
    @on(Input.Submitted)
    def _apply(self) -> None:
        self.dismiss(self._filters())

    @on(Button.Pressed, "#f-clear")
    def _clear(self) -> None:
        self.dismiss(JobFilters())

    @on(Button.Pressed, "#f-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
