"""The three writes the explorer can make: CancelJob, CancelJobExecution, DeleteJobExecution.

They go through the same `JobsApi._call` as every read, so they are counted and their
throttles show in the status bar. `attempt` turns a failure into the one sentence (with the
AWS error code) the UI shows; the request, its outcome and the plans (what a write will do,
in numbers) are in `aws.write_models`, re-exported here.

Nothing here decides whether writes are allowed: read-only mode is enforced by the UI
before a request is even built.
"""

from __future__ import annotations

from iotjobs_tui.aws.api import JobsApi
from iotjobs_tui.aws.errors import describe_error, error_code, what_to_do
from iotjobs_tui.aws.write_models import (
    Operation,
    WriteOutcome,
    WriteRequest,
    plan,
    plan_cancel_execution,
    plan_delete_execution,
)

__all__ = [
    "WriteOutcome",
    "WriteRequest",
    "attempt",
    "plan",
    "plan_cancel_execution",
    "plan_delete_execution",
    "send",
]


_METHODS: dict[Operation, str] = {
    "CancelJob": "cancel_job",
    "CancelJobExecution": "cancel_job_execution",
    "DeleteJobExecution": "delete_job_execution",
}


async def send(api: JobsApi, request: WriteRequest) -> None:
    """Make the call; raises what botocore raises."""
    if request.operation != "CancelJob" and not request.thing_name:
        raise ValueError(f"{request.operation} needs a thing name")
    if request.operation == "DeleteJobExecution" and request.execution_number is None:
        raise ValueError("DeleteJobExecution needs an execution number")
    await api._call(request.operation, _METHODS[request.operation], **request.params())


async def attempt(api: JobsApi, request: WriteRequest) -> WriteOutcome:
    """`send`, with any failure turned into the sentence the UI shows."""
    try:
        await send(api, request)
    except Exception as exc:
        code = error_code(exc)
        error = describe_error(exc)
        # The read path's remedy for InvalidRequestException is about the list's server
        # filter; for a write the message itself says what AWS refused.
        remedy = None if code == "InvalidRequestException" else what_to_do(exc)
        return WriteOutcome(request, f"{error} {remedy}" if remedy else error, code)
    return WriteOutcome(request)
