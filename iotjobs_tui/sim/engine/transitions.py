"""The job-execution state machine (§3.2 of the research notes), shared by both planes, and
the job status state machine beside it.

`check_transition` is pure: it says whether `actor` may move an execution from one status to
another, raising the modeled error otherwise. `JobEngine.set_execution_status` applies an
allowed change (timestamps, versionNumber, counters, completion); the control plane calls it
with actor SERVICE, the device plane with actor DEVICE. `check_job_transition` is the job
status table; every job status change goes through `JobEngine.set_job_status`, which checks it.
"""

from __future__ import annotations

from enum import Enum

from iotjobs_tui.common.statuses import (
    COUNTER_MEMBERS,
    EXEC_ACTIVE,
    EXEC_TERMINAL,
    ExecStatus,
    JobStatus,
)
from iotjobs_tui.sim.wire.errors import ServiceError, invalid_state

# The execution vocabulary is common.statuses'; these short names are what the engine, the
# planes and the views write as `ex.QUEUED`, `ex.TERMINAL`, `ex.COUNTER_MEMBER[...]` (typed
# str, as a status read off the wire is).
QUEUED: str = ExecStatus.QUEUED
IN_PROGRESS: str = ExecStatus.IN_PROGRESS
SUCCEEDED: str = ExecStatus.SUCCEEDED
FAILED: str = ExecStatus.FAILED
TIMED_OUT: str = ExecStatus.TIMED_OUT
REJECTED: str = ExecStatus.REJECTED
REMOVED: str = ExecStatus.REMOVED
CANCELED: str = ExecStatus.CANCELED

STATUSES = tuple(ExecStatus)
TERMINAL = EXEC_TERMINAL
ACTIVE = EXEC_ACTIVE
COUNTER_MEMBER = COUNTER_MEMBERS


class Actor(Enum):
    SERVICE = "service"  # control plane, timers, rollout, abort, thing/group changes
    DEVICE = "device"  # iot-jobs-data UpdateJobExecution / StartNextPendingJobExecution


# Documented transitions (devguide iot-jobs-lifecycle). Force-only ones are checked separately.
_SERVICE_MOVES: dict[str, frozenset[str]] = {
    QUEUED: frozenset({CANCELED, REMOVED}),
    IN_PROGRESS: frozenset({CANCELED, TIMED_OUT, REMOVED}),
}
_DEVICE_MOVES: dict[str, frozenset[str]] = {
    QUEUED: frozenset({IN_PROGRESS, REJECTED}),
    IN_PROGRESS: frozenset({IN_PROGRESS, SUCCEEDED, FAILED, REJECTED}),
}
# Undocumented: a device jumping QUEUED -> SUCCEEDED/FAILED (EmulatorConfig switch).
_DEVICE_SKIP_MOVES = frozenset({SUCCEEDED, FAILED})


def check_transition(
    current: str,
    new: str,
    actor: Actor,
    *,
    force: bool = False,
    allow_queued_to_terminal: bool = True,
) -> None:
    """Raise the modeled error if `actor` may not move an execution from `current` to `new`."""
    if new not in STATUSES:
        raise ServiceError("InvalidRequestException", f"Invalid job execution status: {new}")
    if current in TERMINAL:
        raise invalid_state(
            f"The job execution is in a terminal state ({current}) and cannot change to {new}."
        )
    if actor is Actor.SERVICE:
        if new not in _SERVICE_MOVES.get(current, frozenset()):
            raise invalid_state(f"Cannot change a job execution from {current} to {new}.")
        if current == IN_PROGRESS and new == CANCELED and not force:
            raise invalid_state(
                "The job execution is IN_PROGRESS; cancel it with force=true to cancel it anyway."
            )
        return
    allowed = _DEVICE_MOVES.get(current, frozenset())
    if current == QUEUED and allow_queued_to_terminal:
        allowed = allowed | _DEVICE_SKIP_MOVES
    if new not in allowed:
        if new in {QUEUED, TIMED_OUT, REMOVED, CANCELED}:
            # Only the service sets these (the device may report IN_PROGRESS, SUCCEEDED,
            # FAILED or REJECTED).
            raise ServiceError(
                "InvalidRequestException", f"A device cannot set a job execution to {new}."
            )
        raise invalid_state(f"Cannot change a job execution from {current} to {new}.")


# --- the job status state machine --------------------------------------------------------------


class JobTransitionError(RuntimeError):
    """The engine tried a job status change the table forbids: a bug, never a client error
    (clients are refused earlier, with the modeled errors, by cancel_job and delete_job)."""


# Every job status change the engine makes (`JobEngine.set_job_status`), and why. A job is
# created SCHEDULED (startTime or maintenance windows) or IN_PROGRESS; DELETION_IN_PROGRESS
# ends when the job is purged, so nothing leaves it.
JOB_TRANSITIONS: dict[str, frozenset[str]] = {
    JobStatus.SCHEDULED: frozenset(
        {
            JobStatus.IN_PROGRESS,  # startTime reached, a window opened, or endTime passed
            JobStatus.COMPLETED,  # between windows, once rollout began and all is terminal
            JobStatus.CANCELED,  # CancelJob, abort, endBehavior CANCEL / FORCE_CANCEL
            JobStatus.DELETION_IN_PROGRESS,  # DeleteJob with force
        }
    ),
    JobStatus.IN_PROGRESS: frozenset(
        {
            JobStatus.SCHEDULED,  # a maintenance window closed
            JobStatus.COMPLETED,
            JobStatus.CANCELED,
            JobStatus.DELETION_IN_PROGRESS,  # DeleteJob with force
        }
    ),
    JobStatus.COMPLETED: frozenset({JobStatus.DELETION_IN_PROGRESS}),
    # CANCELED -> CANCELED: CancelJob with force on a canceled job (force_recancel_allowed).
    JobStatus.CANCELED: frozenset({JobStatus.CANCELED, JobStatus.DELETION_IN_PROGRESS}),
    JobStatus.DELETION_IN_PROGRESS: frozenset(),
}


def check_job_transition(old: str, new: str) -> None:
    """Raise `JobTransitionError` unless the engine may move a job from `old` to `new`."""
    if new not in JOB_TRANSITIONS.get(old, frozenset()):
        raise JobTransitionError(f"illegal job status change {old} -> {new}")
