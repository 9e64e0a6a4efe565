"""The job-execution state machine (§3.2 of the research notes), shared by both planes.

`check_transition` is pure: it says whether `actor` may move an execution from one status to
another, raising the modeled error otherwise. `JobEngine.set_execution_status` applies an
allowed change (timestamps, versionNumber, counters, completion); the control plane calls it
with actor SERVICE, the device plane (a later issue) with actor DEVICE.
"""

from __future__ import annotations

from enum import Enum

from iotjobs_tui.sim.wire.errors import ServiceError, invalid_state

QUEUED = "QUEUED"
IN_PROGRESS = "IN_PROGRESS"
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
TIMED_OUT = "TIMED_OUT"
REJECTED = "REJECTED"
REMOVED = "REMOVED"
CANCELED = "CANCELED"

STATUSES = (QUEUED, IN_PROGRESS, SUCCEEDED, FAILED, TIMED_OUT, REJECTED, REMOVED, CANCELED)
TERMINAL = frozenset({SUCCEEDED, FAILED, TIMED_OUT, REJECTED, REMOVED, CANCELED})
ACTIVE = frozenset({QUEUED, IN_PROGRESS})

# jobProcessDetails member for each execution status (they count executions, not things).
COUNTER_MEMBER = {
    QUEUED: "numberOfQueuedThings",
    IN_PROGRESS: "numberOfInProgressThings",
    SUCCEEDED: "numberOfSucceededThings",
    FAILED: "numberOfFailedThings",
    TIMED_OUT: "numberOfTimedOutThings",
    REJECTED: "numberOfRejectedThings",
    REMOVED: "numberOfRemovedThings",
    CANCELED: "numberOfCanceledThings",
}


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
