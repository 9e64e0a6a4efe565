"""`g`: go to an execution by job id, thing name and (optional) execution number.

Each field is checked as you type (shape only: patterns from the API model, the number a
positive integer); on Enter the job, the thing and the number are checked against the API,
and each field says what is wrong with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from iotjobs_tui.ui.messages import ExecutionLocated, LocateFailed
from iotjobs_tui.ui.protocols import DataSource
from iotjobs_tui.ui.text import clean, safe

JOB_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")
THING_NAME = re.compile(r"[a-zA-Z0-9:_-]{1,128}")


@dataclass(frozen=True)
class Target:
    job_id: str
    thing_name: str
    execution_number: int | None


def check_job_id(value: str) -> str | None:
    if not value:
        return "Enter a job id."
    if not JOB_ID.fullmatch(value):
        return "A job id is 1-64 letters, digits, '-' or '_'."
    return None


def check_thing_name(value: str) -> str | None:
    if not value:
        return "Enter a thing name."
    if not THING_NAME.fullmatch(value):
        return "A thing name is 1-128 letters, digits, ':', '-' or '_'."
    return None


def check_number(value: str) -> str | None:
    """Empty means the latest execution; anything else must be a positive integer."""
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        return f"{clean(value)!r} is not a number: use digits only (or leave it empty)."
    if int(value) < 1:
        return "Execution numbers start at 1."
    return None


FIELDS = (
    ("g-job", "Job id", "e.g. meter-fw-5_2_0-us-central", check_job_id),
    ("g-thing", "Thing name", "e.g. meter-000042", check_thing_name),
    ("g-number", "Execution number", "empty: the latest", check_number),
)


class GotoExecutionScreen(ModalScreen[Target | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, data: DataSource, job_id: str = "", thing_name: str = "") -> None:
        super().__init__()
        self.data = data
        self.initial = {"g-job": job_id, "g-thing": thing_name}
        self.checking: Target | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="goto-box"):
            for field_id, label, placeholder, _ in FIELDS:
                yield Label(label)
                yield Input(
                    self.initial.get(field_id, ""),
                    placeholder=placeholder,
                    id=field_id,
                    compact=True,
                )
                yield Static("", id=f"{field_id}-error", classes="goto-error")
            yield Static("", id="g-status")
            with Horizontal(id="goto-buttons"):
                yield Button("Open", variant="primary", id="g-open", compact=True)
                yield Button("Cancel", id="g-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#goto-box").border_title = "Go to execution"
        for field_id, *_ in FIELDS:
            self._set_error(field_id, None)
        first_empty = next(
            (f for f, *_ in FIELDS if not self.query_one(f"#{f}", Input).value), "g-number"
        )
        self.query_one(f"#{first_empty}", Input).focus()

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def error(self, field_id: str) -> str:
        widget = self.query_one(f"#{field_id}-error", Static)
        return str(widget.render()) if widget.display else ""

    def _set_error(self, field_id: str, message: str | None) -> None:
        widget = self.query_one(f"#{field_id}-error", Static)
        widget.display = message is not None
        widget.update(Text("✗ ", style="bold red", end="") + safe(message) if message else "")

    def _check(self, field_id: str, typed: bool) -> bool:
        value = self.value(field_id)
        checker = next(check for f, _, _, check in FIELDS if f == field_id)
        problem = checker(value)
        # While typing, an empty field is not an error yet.
        self._set_error(field_id, None if typed and not value else problem)
        return problem is None

    @on(Input.Changed)
    def _on_changed(self, event: Input.Changed) -> None:
        if event.input.id:
            self._check(event.input.id, typed=True)
        self.query_one("#g-status", Static).update("")

    @on(Input.Submitted)
    @on(Button.Pressed, "#g-open")
    def action_open(self) -> None:
        if not all([self._check(f, typed=False) for f, *_ in FIELDS]):
            return
        number = self.value("g-number")
        target = Target(self.value("g-job"), self.value("g-thing"), int(number) if number else None)
        self.checking = target
        self.query_one("#g-status", Static).update(Text("Checking…", style="dim"))
        self.run_worker(
            self.data.locate_execution(
                self, target.job_id, target.thing_name, target.execution_number
            ),
            name="locate",
            group="locate",
            exclusive=True,
            exit_on_error=False,
        )

    @on(ExecutionLocated)
    def _on_located(self, message: ExecutionLocated) -> None:
        target = self.checking
        if target is None:
            return
        located = message.located
        self._set_error("g-job", located.job_error)
        self._set_error("g-thing", located.thing_error)
        self._set_error("g-number", located.number_error)
        if not located.ok:
            self.query_one("#g-status", Static).update("")
            return
        self.dismiss(Target(target.job_id, target.thing_name, located.execution_number))

    @on(LocateFailed)
    def _on_locate_failed(self, message: LocateFailed) -> None:
        text = Text("⚠ ", style="bold red", end="") + safe(message.error)
        self.query_one("#g-status", Static).update(text)
        self.notify(clean(message.error), title="Go to execution", severity="error", markup=False)

    @on(Button.Pressed, "#g-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
