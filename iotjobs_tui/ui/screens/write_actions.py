"""`C` and `D` on the live screens: the guarded writes, from the key to the audit line.

Read-only (the default) is absolute: the key says how to turn writes on, the refusal is
audited, and no request is built for the data layer. In read-write mode the key opens the
typed confirmation (`confirm_write`); only its confirmed request is sent, after its attempt
line is in the audit log (no line, no call). The outcome is audited, told in a toast (one
sentence with the AWS error code on failure), and the screen's loops refresh at once.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any, Protocol

from iotjobs_tui.aws.execution_models import JobExecution
from iotjobs_tui.aws.write_models import (
    Operation,
    WriteOutcome,
    WriteRequest,
    plan_cancel_execution,
)
from iotjobs_tui.common import paths
from iotjobs_tui.common.statuses import EXEC_TERMINAL
from iotjobs_tui.ui.audit import AuditError, AuditLog
from iotjobs_tui.ui.connection import ConnectionState
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.selection import Selection
from iotjobs_tui.ui.text import clean


class LiveScreen(Protocol):
    """What the writes need from `screens.live.LiveScreen` (which imports this module)."""

    data: DataSource
    options: ViewOptions

    def notify(
        self, message: str, *, title: str = ..., severity: Any = ..., markup: bool = ...
    ) -> None: ...

    @property
    def app(self) -> Any: ...

    @property
    def is_mounted(self) -> bool: ...

    @property
    def connection(self) -> ConnectionState: ...

    def selection(self) -> Selection | None: ...

    def action_refresh(self) -> None: ...


READ_ONLY = (
    "Read-only mode: nothing was sent. To cancel or delete, start with --read-write "
    "or set read_write = true in the config file."
)
TITLE = "Writes"


def audit_log(screen: LiveScreen) -> AuditLog:
    options = screen.options
    connection = screen.connection

    def where() -> dict[str, str | None]:
        # Not the endpoint URL: a URL can carry user:password, and this file is never secret.
        return {
            "region": connection.region or options.region,
            "account": connection.account,
            "profile": options.profile,
        }

    return AuditLog(
        options.state_dir or paths.state_dir(),
        mode="read-write" if options.read_write else "read-only",
        where=where,
    )


def _refuse(screen: LiveScreen, operation: Operation, selection: Selection | None) -> None:
    screen.notify(READ_ONLY, title="Read-only", severity="warning", markup=False)
    if selection is None:
        return
    thing = selection.thing_name if operation != "CancelJob" else None
    number = selection.execution_number if operation == "DeleteJobExecution" else None
    # The trace that someone tried; a log that cannot be written must not get in the way.
    with contextlib.suppress(AuditError):
        audit_log(screen).refused(WriteRequest(operation, selection.job_id, thing, number))


def _number(selection: Selection) -> int | None:
    """The execution number, from the loaded record when the screen shows "the latest"."""
    if selection.execution_number is not None:
        return selection.execution_number
    record = selection.record
    return record.execution_number if isinstance(record, JobExecution) else None


def cancel(screen: LiveScreen) -> None:
    """`C`: the highlighted job (main screen) or execution (execution screens)."""
    selection = screen.selection()
    execution = selection is not None and selection.kind == "execution"
    operation: Operation = "CancelJobExecution" if execution else "CancelJob"
    if not screen.options.read_write:
        _refuse(screen, operation, selection)
        return
    if selection is None:
        screen.notify("No job is highlighted.", title=TITLE, markup=False)
        return
    if execution:
        if selection.status in EXEC_TERMINAL:
            # CancelJobExecution acts on the thing's latest execution: an older, finished one
            # would cancel a different execution than the one highlighted.
            text = plan_cancel_execution(selection.status, selection.execution_number, force=False)
            screen.notify(text, title=TITLE, markup=False)
            return
        _confirm(screen, "CancelJobExecution", selection, offer_job=True)
    else:
        _confirm(screen, "CancelJob", selection)


def delete(screen: LiveScreen) -> None:
    """`D`: the highlighted execution (execution screens only)."""
    selection = screen.selection()
    if not screen.options.read_write:
        _refuse(screen, "DeleteJobExecution", selection)
        return
    if selection is None or selection.kind != "execution":
        screen.notify(
            "D deletes an execution: open the job's executions (e) and highlight one.",
            title=TITLE,
            markup=False,
        )
        return
    number = _number(selection)
    if number is None:
        screen.notify(
            "The execution number is not known yet; wait for the execution to load.",
            title=TITLE,
            markup=False,
        )
        return
    _confirm(screen, "DeleteJobExecution", replace(selection, execution_number=number))


def _confirm(
    screen: LiveScreen, operation: Operation, selection: Selection, *, offer_job: bool = False
) -> None:
    from iotjobs_tui.ui.screens.confirm_write import ConfirmResult, ConfirmWriteScreen

    def done(result: ConfirmResult) -> None:
        if result == "job":
            job = selection.job
            whole = Selection(
                "job",
                selection.job_id,
                selection.job_arn,
                status=job.status if job is not None else None,
                job=job,
                record=job,
            )
            _confirm(screen, "CancelJob", whole)
        elif isinstance(result, WriteRequest):
            # On the App: leaving the screen mid-call must not cancel the outcome's audit.
            screen.app.run_worker(
                send(screen, result), name="write", group="write", exit_on_error=False
            )

    screen.app.push_screen(ConfirmWriteScreen(operation, selection, offer_job=offer_job), done)


async def send(screen: LiveScreen, request: WriteRequest) -> WriteOutcome | None:
    """Audit, send, audit, tell: the only path from a key to a write call."""
    if not screen.options.read_write:  # checked again: nothing reaches AWS in read-only mode
        return None
    log = audit_log(screen)
    try:
        log.attempt(request)
    except AuditError as exc:
        screen.notify(f"Not sent. {exc}", title=TITLE, severity="error", markup=False)
        return None
    outcome = await screen.data.write(screen.app, request)
    try:
        log.outcome(outcome)
    except AuditError as exc:
        screen.notify(str(exc), title=TITLE, severity="warning", markup=False)
    if outcome.ok:
        screen.notify(_done(request), title=TITLE, markup=False)
        if screen.is_mounted:
            screen.action_refresh()
    else:
        screen.notify(
            clean(outcome.error or ""),
            title=f"{request.label} failed",
            severity="error",
            markup=False,
        )
    return outcome


def _done(request: WriteRequest) -> str:
    job = clean(request.job_id)
    forced = " (forced)" if request.force else ""
    if request.operation == "CancelJob":
        return f"Job {job} canceled{forced}; AWS cancels its executions at about 1,000 a minute."
    thing = clean(request.thing_name or "")
    number = f" #{request.execution_number}" if request.execution_number is not None else ""
    verb = "canceled" if request.operation == "CancelJobExecution" else "deleted"
    return f"Execution{number} of {job} on {thing} {verb}{forced}."
