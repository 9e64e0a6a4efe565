"""The IoT Jobs vocabulary, defined once: job and execution statuses, the counters that count
them, the failure types abort and retry criteria name, and target selection.

The values are botocore's enums (`iot` service model, JobStatus, JobExecutionStatus,
JobExecutionFailureType, RetryableFailureType, TargetSelection). They are `StrEnum`s, so a
member *is* its wire string: it compares equal to what a response carries, serialises as that
string, and fields stay typed `str` so that a value AWS adds later is kept as it came.
"""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    IN_PROGRESS = "IN_PROGRESS"
    CANCELED = "CANCELED"
    COMPLETED = "COMPLETED"
    DELETION_IN_PROGRESS = "DELETION_IN_PROGRESS"
    SCHEDULED = "SCHEDULED"


# A job whose rollout can still move (a SCHEDULED one waits for its start or a window).
JOB_ACTIVE = frozenset({JobStatus.IN_PROGRESS, JobStatus.SCHEDULED})
# A job that is over: nothing more will run (DeleteJob without force accepts COMPLETED and
# CANCELED; DELETION_IN_PROGRESS is on its way out).
JOB_FINISHED = frozenset({JobStatus.COMPLETED, JobStatus.CANCELED, JobStatus.DELETION_IN_PROGRESS})


class ExecStatus(StrEnum):
    """A job execution's status, in the model's order."""

    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    REJECTED = "REJECTED"
    REMOVED = "REMOVED"
    CANCELED = "CANCELED"


EXEC_ACTIVE = frozenset({ExecStatus.QUEUED, ExecStatus.IN_PROGRESS})
EXEC_TERMINAL = frozenset(ExecStatus) - EXEC_ACTIVE
# The statuses a rollout counts as failures, in the order the UI lists them.
EXEC_FAILURES: tuple[ExecStatus, ...] = (
    ExecStatus.FAILED,
    ExecStatus.REJECTED,
    ExecStatus.TIMED_OUT,
)

# DescribeJob's jobProcessDetails member for each execution status. They count executions,
# not things: a retry adds an execution (research notes §3.3). Keyed by str, so a status read
# off the wire looks its member up as it is.
COUNTER_MEMBERS: dict[str, str] = {
    ExecStatus.QUEUED: "numberOfQueuedThings",
    ExecStatus.IN_PROGRESS: "numberOfInProgressThings",
    ExecStatus.SUCCEEDED: "numberOfSucceededThings",
    ExecStatus.FAILED: "numberOfFailedThings",
    ExecStatus.TIMED_OUT: "numberOfTimedOutThings",
    ExecStatus.REJECTED: "numberOfRejectedThings",
    ExecStatus.REMOVED: "numberOfRemovedThings",
    ExecStatus.CANCELED: "numberOfCanceledThings",
}
# The two rateIncreaseCriteria members of an exponential rollout (exactly one is set).
NOTIFIED_THINGS = "numberOfNotifiedThings"
SUCCEEDED_THINGS = "numberOfSucceededThings"


class FailureType(StrEnum):
    """`failureType` of an abort criterion (all four) or a retry criterion (not REJECTED)."""

    FAILED = "FAILED"
    REJECTED = "REJECTED"
    TIMED_OUT = "TIMED_OUT"
    ALL = "ALL"


# The execution statuses each failure type counts: ALL is the three failures together.
FAILURE_TYPE_STATUSES: dict[FailureType, tuple[ExecStatus, ...]] = {
    FailureType.FAILED: (ExecStatus.FAILED,),
    FailureType.REJECTED: (ExecStatus.REJECTED,),
    FailureType.TIMED_OUT: (ExecStatus.TIMED_OUT,),
    FailureType.ALL: EXEC_FAILURES,
}
# RetryableFailureType: REJECTED is the device refusing the job, never retried.
RETRYABLE_FAILURE_TYPES = frozenset({FailureType.FAILED, FailureType.TIMED_OUT, FailureType.ALL})
RETRYABLE_STATUSES = frozenset({ExecStatus.FAILED, ExecStatus.TIMED_OUT})


def failure_statuses(failure_type: str | None) -> tuple[ExecStatus, ...]:
    """The execution statuses `failure_type` counts; none for a value this version lacks."""
    try:
        return FAILURE_TYPE_STATUSES[FailureType(failure_type or "")]
    except ValueError:
        return ()


class TargetSelection(StrEnum):
    CONTINUOUS = "CONTINUOUS"
    SNAPSHOT = "SNAPSHOT"
