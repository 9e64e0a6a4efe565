"""The typed confirmation before a write: what will happen in numbers, then the exact name.

The action button stays disabled until the user has typed the job id (cancel a job) or the
thing name (cancel or delete an execution) exactly, and the reason code and comment are
what CancelJob accepts. `force` is explained in one sentence above its switch, and the plan
line changes with it. Esc goes back without sending anything.

Every id, thing name and the typed text come from AWS or the user: they are shown through
`safe` (never markup), so a crafted name cannot restyle or reorder the dialog.
"""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from iotjobs_tui.aws.write_models import (
    COMMENT_MAX,
    FORCE_CANCEL_EXECUTION,
    FORCE_DELETE_EXECUTION,
    FORCE_JOB,
    REASON_CODE_MAX,
    Operation,
    WriteRequest,
    comment_problem,
    plan,
    plan_cancel_execution,
    plan_delete_execution,
    plan_rollout_stop,
    reason_code_problem,
)
from iotjobs_tui.common.statuses import JOB_ACTIVE
from iotjobs_tui.ui.selection import Selection
from iotjobs_tui.ui.text import safe

# What the dialog returns: the confirmed request, "job" (cancel the whole job instead), or
# None (Esc / Back: nothing is sent).
ConfirmResult = WriteRequest | Literal["job"] | None

_TITLES: dict[Operation, str] = {
    "CancelJob": "Cancel job",
    "CancelJobExecution": "Cancel execution",
    "DeleteJobExecution": "Delete execution",
}
_FORCE: dict[Operation, str] = {
    "CancelJob": FORCE_JOB,
    "CancelJobExecution": FORCE_CANCEL_EXECUTION,
    "DeleteJobExecution": FORCE_DELETE_EXECUTION,
}


class ConfirmWriteScreen(ModalScreen[ConfirmResult]):
    BINDINGS = [Binding("escape", "back", "Back")]
    DEFAULT_CSS = """
    ConfirmWriteScreen { align: center middle; }
    #w-box {
        width: 72; max-width: 95%; height: auto; max-height: 95%;
        border: round $error; background: $surface; padding: 0 1;
    }
    #w-box Input { background: $boost; }
    #w-box Label { color: $text-muted; }
    #w-plan { text-style: bold; margin-top: 1; }
    #w-force-why, #w-expected { margin-top: 1; }
    .w-error { color: $error; height: auto; }
    #w-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    #w-buttons Button { margin-left: 1; }
    """

    def __init__(
        self, operation: Operation, selection: Selection, *, offer_job: bool = False
    ) -> None:
        super().__init__()
        self.operation = operation
        self.selection = selection
        self.offer_job = offer_job
        job = operation == "CancelJob"
        # What must be typed: the job id for a job, the thing name for one of its executions.
        self.expected = selection.job_id if job else selection.thing_name or ""
        self.expected_label = "the job id" if job else "the thing name"

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        job = self.operation == "CancelJob"
        with VerticalScroll(id="w-box"):
            yield Static(self._subject(), id="w-subject")
            yield Static("", id="w-plan")
            if job and (self.selection.status is None or self.selection.status in JOB_ACTIVE):
                sel = self.selection
                process = sel.job.process if sel.job is not None else None
                yield Static(plan_rollout_stop(process, sel.targets, sel.counting), id="w-rollout")
            yield Static(Text(_FORCE[self.operation], style="italic"), id="w-force-why")
            yield Checkbox("force", id="w-force", compact=True)
            if job:
                yield Label(f"Reason code (optional: A-Z, 0-9, _; up to {REASON_CODE_MAX})")
                yield Input(placeholder="e.g. BAD_FIRMWARE", id="w-reason", compact=True)
                yield Static("", id="w-reason-error", classes="w-error")
                yield Label(f"Comment (optional, up to {COMMENT_MAX:,} characters)")
                yield Input(placeholder="why it is canceled", id="w-comment", compact=True)
                yield Static("", id="w-comment-error", classes="w-error")
            prompt = Text(f"Type {self.expected_label} to confirm: ", style="bold", end="")
            yield Static(prompt + safe(self.expected, "bold reverse"), id="w-expected")
            yield Input(placeholder=self.expected_label, id="w-confirm", compact=True)
            with Horizontal(id="w-buttons"):
                if self.offer_job:
                    yield Button("Whole job instead…", id="w-job", compact=True)
                yield Button(_TITLES[self.operation], variant="error", id="w-go", compact=True)
                yield Button("Back", id="w-back", compact=True)

    def _subject(self) -> Text:
        sel = self.selection
        text = Text("Job ", end="")
        text.append_text(safe(sel.job_id, "bold"))
        if self.operation != "CancelJob":
            text.append(" · thing ")
            text.append_text(safe(sel.thing_name, "bold"))
            if sel.execution_number is not None:
                text.append(f" · execution #{sel.execution_number}")
        if sel.status:
            text.append(f" · {sel.status}", style="dim")
        return text

    def on_mount(self) -> None:
        box = self.query_one("#w-box")
        box.border_title = _TITLES[self.operation]
        box.border_subtitle = "Esc: back, nothing is sent"
        for name in ("w-reason-error", "w-comment-error"):
            for widget in self.query(f"#{name}"):
                widget.display = False
        self._update()
        first = "#w-reason" if self.operation == "CancelJob" else "#w-confirm"
        self.query_one(first, Input).focus()

    # --- state ----------------------------------------------------------------------------

    @property
    def force(self) -> bool:
        return self.query_one("#w-force", Checkbox).value

    def _value(self, field_id: str) -> str:
        found = self.query(f"#{field_id}").results(Input)
        widget = next(iter(found), None)
        return widget.value if widget is not None else ""

    def plan_text(self) -> str:
        sel = self.selection
        if self.operation == "CancelJob":
            process = sel.job.process if sel.job is not None else None
            return plan(process, force=self.force, status=sel.status)
        if self.operation == "CancelJobExecution":
            return plan_cancel_execution(sel.status, sel.execution_number, force=self.force)
        return plan_delete_execution(sel.status, sel.execution_number, force=self.force)

    def _field_problem(self, field_id: str, problem: str | None) -> bool:
        for widget in self.query(f"#{field_id}-error").results(Static):
            widget.display = problem is not None
            widget.update(Text(f"✗ {problem}") if problem else "")
        return problem is None

    @property
    def confirmed(self) -> bool:
        """The exact name was typed (no trimming: a near miss is a miss)."""
        return bool(self.expected) and self._value("w-confirm") == self.expected

    def _update(self) -> None:
        self.query_one("#w-plan", Static).update(Text(self.plan_text()))
        reason_ok = self._field_problem("w-reason", reason_code_problem(self._value("w-reason")))
        comment_ok = self._field_problem("w-comment", comment_problem(self._value("w-comment")))
        self.query_one("#w-go", Button).disabled = not (self.confirmed and reason_ok and comment_ok)

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _on_changed(self) -> None:
        self._update()

    # --- the outcome ----------------------------------------------------------------------

    def request(self) -> WriteRequest:
        sel = self.selection
        if self.operation == "CancelJob":
            return WriteRequest(
                "CancelJob",
                sel.job_id,
                force=self.force,
                reason_code=self._value("w-reason") or None,
                comment=self._value("w-comment") or None,
            )
        return WriteRequest(
            self.operation,
            sel.job_id,
            sel.thing_name,
            sel.execution_number,
            force=self.force,
        )

    @on(Input.Submitted, "#w-confirm")
    @on(Button.Pressed, "#w-go")
    def action_go(self) -> None:
        self._update()
        if self.query_one("#w-go", Button).disabled:
            if not self.confirmed:
                self.notify(
                    f"Type {self.expected_label} exactly to confirm.",
                    severity="warning",
                    markup=False,
                )
            return
        self.dismiss(self.request())

    @on(Input.Submitted, "#w-reason, #w-comment")
    def _next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#w-job")
    def _on_whole_job(self) -> None:
        self.dismiss("job")

    @on(Button.Pressed, "#w-back")
    def action_back(self) -> None:
        self.dismiss(None)
