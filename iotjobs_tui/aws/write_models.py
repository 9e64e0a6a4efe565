"""What a write is and what it will do: the request, its outcome, and the plans in numbers.

No botocore here (screens import it): the calls themselves are in `aws.writes`.

- `WriteRequest`: one CancelJob, CancelJobExecution or DeleteJobExecution as the user
  confirmed it; `params()` is exactly what is sent (and what the audit log records).
- `plan`, `plan_cancel_execution`, `plan_delete_execution`: pure sentences for the
  confirmation dialog, from DescribeJob's counts or the execution's last status. When a
  count is unknown they say so; they never guess.
- `reason_code_problem`, `comment_problem`: CancelJob's members as the service model
  constrains them, checked as the user types.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from iotjobs_tui.aws.eta import TargetCount
from iotjobs_tui.aws.models import JobProcessDetails
from iotjobs_tui.common.statuses import EXEC_ACTIVE, EXEC_TERMINAL, ExecStatus, JobStatus

Operation = Literal["CancelJob", "CancelJobExecution", "DeleteJobExecution"]

# CancelJob's members as botocore's service model constrains them.
REASON_CODE_MAX = 128
COMMENT_MAX = 2028
# `[\p{Upper}\p{Digit}_]+` in the model: Java's classes, which are ASCII-only by default.
_REASON_CODE = re.compile(r"[A-Z0-9_]+")

# One sentence each, shown before the force switch is offered.
FORCE_JOB = (
    "Force also cancels executions already IN_PROGRESS: those devices can no longer report "
    "their status and may be left mid-update."
)
FORCE_CANCEL_EXECUTION = (
    "Force cancels the execution even while IN_PROGRESS: the device can no longer report its "
    "status and may be left mid-update."
)
FORCE_DELETE_EXECUTION = (
    "Force deletes the execution even while it is not finished: the device can no longer "
    "read or update it and may be left mid-update."
)


@dataclass(frozen=True)
class WriteRequest:
    """One write as confirmed; `thing_name`/`execution_number` only for execution writes."""

    operation: Operation
    job_id: str
    thing_name: str | None = None
    execution_number: int | None = None
    force: bool = False
    reason_code: str | None = None
    comment: str | None = None

    def params(self) -> dict[str, Any]:
        """The API parameters, exactly as sent."""
        params: dict[str, Any] = {"jobId": self.job_id}
        if self.thing_name is not None:
            params["thingName"] = self.thing_name
        if self.operation == "DeleteJobExecution" and self.execution_number is not None:
            params["executionNumber"] = self.execution_number
        if self.operation == "CancelJob":
            if self.reason_code:
                params["reasonCode"] = self.reason_code
            if self.comment:
                params["comment"] = self.comment
        # Sent only when set: `force=false` is the default, and omitting it keeps the request
        # identical to the AWS CLI's.
        if self.force:
            params["force"] = True
        return params

    @property
    def label(self) -> str:
        """What the toast says was done ("Cancel job", "Delete execution #2")."""
        number = f" #{self.execution_number}" if self.execution_number is not None else ""
        if self.operation == "CancelJob":
            return "Cancel job"
        if self.operation == "CancelJobExecution":
            return f"Cancel execution{number}"
        return f"Delete execution{number}"


@dataclass(frozen=True)
class WriteOutcome:
    """How a write ended: `error` is one sentence with the AWS error code, `code` the code."""

    request: WriteRequest
    error: str | None = None
    code: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# --- what the user may type -------------------------------------------------------------------


def reason_code_problem(value: str) -> str | None:
    """Why CancelJob's reasonCode would be refused (the model's pattern), or None."""
    if not value:
        return None
    if len(value) > REASON_CODE_MAX:
        return f"at most {REASON_CODE_MAX} characters"
    if not _REASON_CODE.fullmatch(value):
        return "only capital letters, digits and _"
    return None


def comment_problem(value: str) -> str | None:
    """Why CancelJob's comment would be refused (`[^\\p{C}]+`, 2028 characters), or None."""
    if len(value) > COMMENT_MAX:
        return f"at most {COMMENT_MAX:,} characters"
    if any(unicodedata.category(char).startswith("C") for char in value):
        return "no control or invisible characters"
    return None


# --- plans: what a write will do, in numbers --------------------------------------------------


def _executions(count: int, what: str) -> str:
    return f"{count:,} {what} execution{'' if count == 1 else 's'}"


def plan(
    process: JobProcessDetails | None, *, force: bool = False, status: str | None = None
) -> str:
    """What CancelJob will do, from DescribeJob's counts (None or a missing count: unknown).

    "Cancels 7,412 queued executions; 680 in progress continue unless forced."
    """
    queued = process.queued if process is not None else None
    running = process.in_progress if process is not None else None
    known = queued is not None and running is not None
    if status == JobStatus.DELETION_IN_PROGRESS:
        return "The job is being deleted; AWS will refuse to cancel it."
    if status == JobStatus.COMPLETED:
        return "The job is already COMPLETED: nothing is left to cancel; AWS will refuse."
    if status == JobStatus.CANCELED:
        if not force:
            left = f"{running:,} in progress" if running is not None else "in-progress ones"
            return (
                "The job is already CANCELED; only force can change anything more "
                f"(it cancels the {left})."
                if running != 0
                else "The job is already CANCELED and nothing is in progress: nothing to do."
            )
        if running is None:
            return (
                "Counting unknown: force cancels every execution still in progress; devices "
                "may be left mid-update."
            )
        return (
            f"Cancels the {_executions(running, 'in-progress')} left by the earlier cancel; "
            "devices may be left mid-update."
            if running
            else "The job is already CANCELED and nothing is in progress: nothing to do."
        )
    if not known:
        if force:
            return (
                "Counting unknown: cancels every queued and in-progress execution; devices "
                "may be left mid-update."
            )
        return (
            "Counting unknown: cancels every queued execution; in-progress ones continue "
            "unless forced."
        )
    assert queued is not None and running is not None
    if queued == 0 and running == 0:
        # A scheduled job, or a rollout between batches: only the job itself changes.
        return "Nothing is queued or in progress: cancels the job and stops its rollout."
    first = f"Cancels {_executions(queued, 'queued')}"
    if running == 0:
        return f"{first}; none in progress."
    if force:
        return f"{first}; {running:,} in progress are canceled too; devices may be left mid-update."
    return f"{first}; {running:,} in progress continue unless forced."


def _number(number: int | None) -> str:
    return f"execution #{number}" if number is not None else "the latest execution"


def plan_cancel_execution(status: str | None, number: int | None, *, force: bool) -> str:
    """What CancelJobExecution will do (it always acts on the thing's latest execution)."""
    which = _number(number)
    if status in EXEC_TERMINAL:
        return f"{which.capitalize()} is {status}: already finished, nothing to cancel."
    if status == ExecStatus.QUEUED:
        return f"Cancels {which} (QUEUED): the device will not start it."
    if status == ExecStatus.IN_PROGRESS:
        if force:
            return f"Cancels {which} while IN_PROGRESS; the device may be left mid-update."
        return f"{which.capitalize()} is IN_PROGRESS: AWS refuses to cancel it without force."
    return f"Status unknown: cancels {which} if QUEUED; an IN_PROGRESS one " + (
        "is canceled too." if force else "needs force."
    )


def plan_delete_execution(status: str | None, number: int | None, *, force: bool) -> str:
    """What DeleteJobExecution will do: it removes the record and its number may be reused."""
    which = _number(number)
    if status in EXEC_TERMINAL:
        return (
            f"Deletes {which} ({status}) from the job: the {status} count drops by 1 and the "
            "number may be reused."
        )
    if status in EXEC_ACTIVE:
        if force:
            return f"Deletes {which} while {status}; the device can no longer read or update it."
        if status == ExecStatus.IN_PROGRESS:
            return f"{which.capitalize()} is IN_PROGRESS: AWS refuses to delete it without force."
        # The API reference allows only finished ones without force; a devguide page and the
        # emulator allow a QUEUED one: say both.
        return f"Deletes {which} (QUEUED) if AWS allows it without force; else it needs force."
    return f"Status unknown: deletes {which} if finished; an unfinished one " + (
        "is deleted too." if force else "needs force."
    )


def plan_rollout_stop(
    process: JobProcessDetails | None, targets: TargetCount | None, counting: TargetCount | None
) -> str:
    """What a job cancel does to the targets the rollout has not reached, in numbers where the
    targets are counted. A retry adds an execution, so executions >= things reached, and the
    things never reached are at least targets - executions (never a guess dressed as exact)."""
    base = "The rollout stops too: targets not notified yet get no execution"
    total = process.total if process is not None else None
    if targets is not None and targets.complete and total is not None:
        left = max(0, targets.things - total)
        later = "; things added to its groups later get none either" if targets.members_now else ""
        if left == 0:
            # Retries can make executions outnumber targets: some may still be unreached.
            return f"{base} ({total:,} executions for {targets.things:,} targets){later}."
        return (
            f"The rollout stops too: at least {left:,} of the {targets.things:,} targets have no "
            f"execution yet and get none{later}."
        )
    if counting is not None:
        return f"{base} (counting the targets: {counting.things:,} so far)."
    return f"{base}."
