"""The device plane (`iot-jobs-data`): what a device sees of its jobs and how it moves them.

Plain functions shared by the HTTP handlers (`sim/handlers/device.py`) and the simulated
devices. Callers hold `emulator.lock`; `at` is the virtual time to stamp. Errors are the
`ServiceError`s the iot-jobs-data model declares (research notes §1.4, §3.2, §3.12):

- unknown thing, job or execution: ResourceNotFoundException (404);
- a status a device may not set (anything but IN_PROGRESS, SUCCEEDED, FAILED, REJECTED),
  more than 10 statusDetails pairs, a statusDetails value over 1,024 characters, a bad
  stepTimeoutInMinutes: InvalidRequestException (400);
- a move out of a terminal status, or any other refused move: InvalidStateTransitionException
  (409). The data-plane model has no VersionConflictException, so a stale expectedVersion is
  an InvalidStateTransitionException too (our choice; AWS documents only MQTT's
  VersionMismatch, and botocore could not raise an unmodeled code as a modeled exception).
  Either 409 body carries `executionState` (status, statusDetails, versionNumber), as the
  model's error documentation says;
- DescribeJobExecution of a terminal execution: TerminalStateException (410), switch
  `EmulatorConfig.describe_terminal_state_error`.

Visibility (notes §2.2, §3.12, trap 19): QUEUED executions of SCHEDULED jobs (between
maintenance windows) and every execution of a job being deleted are hidden; an IN_PROGRESS
execution stays visible when its job flips to SCHEDULED, since the device is already working on
it (our choice, switch `scheduled_hides_in_progress`). IN_PROGRESS executions come first, then
QUEUED ones in creation order; the QUEUED list is capped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.job_engine import JOB_DELETING, JOB_SCHEDULED
from iotjobs_tui.sim.engine.rules import timeouts
from iotjobs_tui.sim.engine.state import Job, JobExecution, RegionState
from iotjobs_tui.sim.engine.transitions import Actor
from iotjobs_tui.sim.wire import s3
from iotjobs_tui.sim.wire.errors import ServiceError, invalid_request, invalid_state, not_found

if TYPE_CHECKING:
    from iotjobs_tui.sim.devices.host import PlaneHost

NEXT = "$next"
# Statuses a device may report (UpdateJobExecution's member doc and the MQTT API).
DEVICE_STATUSES = frozenset({ex.IN_PROGRESS, ex.SUCCEEDED, ex.FAILED, ex.REJECTED})
# Documented range of stepTimeoutInMinutes; -1 cancels the step timer.
_STEP_MIN, _STEP_MAX = 1, 10080

Pair = tuple[Job, JobExecution]


def pending_executions(
    emulator: PlaneHost, region: str, thing_name: str
) -> tuple[list[Pair], list[Pair]]:
    """(in_progress, queued) executions the device sees, each list in creation order.

    IN_PROGRESS ones are never capped. QUEUED ones are capped at `pending_queued_limit` (10)
    from jobs without a schedulingConfig plus `pending_scheduled_extra` (5) from jobs with one
    (the documented "10, or 15 with scheduling"; how the two mix is our choice). An unknown
    thing is ResourceNotFoundException.
    """
    state = emulator.region(region)
    _require_thing(state, thing_name)
    cfg = emulator.config
    in_progress: list[Pair] = []
    queued: list[Pair] = []
    plain = scheduled = 0
    for execution in state.executions_by_thing.get(thing_name, ()):
        if execution.status not in ex.ACTIVE:
            continue
        job = state.jobs.get(execution.job_id)
        if job is None or job.status == JOB_DELETING:
            continue
        if job.status == JOB_SCHEDULED and (
            execution.status == ex.QUEUED or cfg.scheduled_hides_in_progress
        ):
            continue
        if execution.status == ex.IN_PROGRESS:
            in_progress.append((job, execution))
        elif job.scheduling_config:
            if scheduled < cfg.pending_scheduled_extra:
                scheduled += 1
                queued.append((job, execution))
        elif plain < cfg.pending_queued_limit:
            plain += 1
            queued.append((job, execution))
    return in_progress, queued


def next_pending(emulator: PlaneHost, region: str, thing_name: str) -> Pair | None:
    """The execution StartNext would pick: IN_PROGRESS first, then the oldest QUEUED."""
    in_progress, queued = pending_executions(emulator, region, thing_name)
    if in_progress:
        return in_progress[0]
    return queued[0] if queued else None


def start_next(
    emulator: PlaneHost,
    region: str,
    thing_name: str,
    at: float,
    *,
    status_details: dict[str, str] | None = None,
    step_timeout_minutes: int | None = None,
) -> Pair | None:
    """StartNextPendingJobExecution: None when nothing is pending (the HTTP answer is `{}`).

    An IN_PROGRESS execution is returned unchanged: its statusDetails stay as they are and its
    step timer is not reset (only UpdateJobExecution resets it, per the member doc). A QUEUED
    one moves to IN_PROGRESS with the given statusDetails and step timer.
    """
    _check_details(emulator, status_details)
    _check_step(step_timeout_minutes)
    pair = next_pending(emulator, region, thing_name)
    if pair is None:
        return None
    job, execution = pair
    if execution.status == ex.QUEUED:
        state = emulator.region(region)
        emulator.engine.set_execution_status(
            state, job, execution, ex.IN_PROGRESS, Actor.DEVICE, at, status_details=status_details
        )
        if step_timeout_minutes is not None:
            timeouts.set_step_timer(emulator, state, job, execution, step_timeout_minutes, at)
    return job, execution


def update_execution(
    emulator: PlaneHost,
    region: str,
    thing_name: str,
    job_id: str,
    at: float,
    *,
    status: str,
    status_details: dict[str, str] | None = None,
    expected_version: int | None = None,
    execution_number: int | None = None,
    step_timeout_minutes: int | None = None,
) -> Pair:
    """UpdateJobExecution: apply a device's status report (see the module doc for errors).

    Every accepted update adds 1 to versionNumber, IN_PROGRESS -> IN_PROGRESS included. A
    stepTimeoutInMinutes with status IN_PROGRESS replaces the step timer (-1 cancels it); the
    step deadline never passes the in-progress deadline.
    """
    if status not in DEVICE_STATUSES:
        raise invalid_request(
            f"A device can set a job execution to IN_PROGRESS, SUCCEEDED, FAILED or REJECTED, "
            f"not {status}."
        )
    _check_details(emulator, status_details)
    _check_step(step_timeout_minutes)
    state = emulator.region(region)
    _require_thing(state, thing_name)
    job = _job(state, job_id)
    execution = _find(job, thing_name, execution_number)
    if expected_version is not None and expected_version != execution.version_number:
        raise invalid_state(
            f"VersionMismatch: the job execution's version is {execution.version_number}, "
            f"not {expected_version}.",
            executionState=_state_of(execution),
        )
    try:
        emulator.engine.set_execution_status(
            state, job, execution, status, Actor.DEVICE, at, status_details=status_details
        )
    except ServiceError as err:
        if err.code != "InvalidStateTransitionException":
            raise
        # The model's documentation: "the body of the error message also contains the
        # executionState field", so the device can resync without a describe call.
        raise invalid_state(err.message, executionState=_state_of(execution)) from None
    if step_timeout_minutes is not None and execution.status == ex.IN_PROGRESS:
        timeouts.set_step_timer(emulator, state, job, execution, step_timeout_minutes, at)
    return job, execution


def describe_execution(
    emulator: PlaneHost,
    region: str,
    thing_name: str,
    job_id: str,
    *,
    execution_number: int | None = None,
) -> Pair | None:
    """DescribeJobExecution; `$next` peeks at what StartNext would pick (None if nothing).

    Without executionNumber the latest execution is returned. A terminal execution raises
    TerminalStateException while `describe_terminal_state_error` is on.
    """
    state = emulator.region(region)
    _require_thing(state, thing_name)
    if job_id == NEXT:
        return next_pending(emulator, region, thing_name)
    job = _job(state, job_id)
    execution = _find(job, thing_name, execution_number)
    if execution.status in ex.TERMINAL and emulator.config.describe_terminal_state_error:
        raise ServiceError(
            "TerminalStateException",
            f"The job execution of {job.job_id} on {thing_name} is {execution.status}.",
        )
    return job, execution


# --- job documents ------------------------------------------------------------------------

_PRESIGNED = re.compile(r"\$\{aws:iot:s3-presigned-url(?:-v2)?:(?P<url>[^}]+)\}")


def job_document(emulator: PlaneHost, job: Job, base_url: str | None = None) -> str:
    """The document as a device receives it: presigned-URL placeholders substituted.

    Only the device plane substitutes (control-plane GetJobDocument never does). A placeholder
    `${aws:iot:s3-presigned-url:https://s3.amazonaws.com/bucket/key}` becomes a URL on this
    emulator (`{base_url}/presigned/bucket/key?X-Amz-...`, served by the server from
    `s3_objects`) signed now and valid for presignedUrlConfig.expiresInSec (default 3600) of
    virtual time, as AWS signs when it hands the document out. A placeholder whose URL is not
    an S3 object URL is left as it is.
    """
    document = job.document or ""
    if "${aws:iot:s3-presigned-url" not in document:
        return document
    root = base_url if base_url is not None else emulator.base_url
    expires = int(
        (job.presigned_url_config or {}).get("expiresInSec")
        or emulator.config.presigned_default_expires_seconds
    )
    now = emulator.now()
    secret = s3.signing_key(emulator.config.account_id)
    region = job.arn.split(":")[3]  # arn:aws:iot:<region>:<account>:job/<id>

    def replace(match: re.Match[str]) -> str:
        target = s3.parse_object_url(match.group("url"))
        if target is None:
            return match.group(0)
        bucket, key = target
        return s3.presign(root, bucket, key, at=now, expires=expires, secret=secret, region=region)

    return _PRESIGNED.sub(replace, document)


# --- helpers ------------------------------------------------------------------------------


def _state_of(execution: JobExecution) -> dict[str, object]:
    """The data plane's JobExecutionState, as a 409 body carries it."""
    return {
        "status": execution.status,
        "statusDetails": dict(execution.status_details),
        "versionNumber": execution.version_number,
    }


def _require_thing(state: RegionState, thing_name: str) -> None:
    if thing_name not in state.things:
        raise not_found(f"Thing {thing_name} does not exist.")


def _job(state: RegionState, job_id: str) -> Job:
    job = state.jobs.get(job_id)
    if job is None or job.status == JOB_DELETING:
        raise not_found(f"Job {job_id} does not exist.")
    return job


def _find(job: Job, thing_name: str, number: int | None) -> JobExecution:
    history = job.by_thing.get(thing_name)
    if history:
        if number is None:
            return history[-1]
        for execution in history:
            if execution.execution_number == number:
                return execution
    suffix = f" with executionNumber {number}" if number is not None else ""
    raise not_found(f"No execution of job {job.job_id} on thing {thing_name}{suffix}.")


def _check_details(emulator: PlaneHost, details: dict[str, str] | None) -> None:
    if details is None:
        return
    cfg = emulator.config
    if len(details) > cfg.status_details_max_pairs:
        raise invalid_request(
            f"statusDetails can have at most {cfg.status_details_max_pairs} name/value pairs."
        )
    # The model checks the key (1..128 characters) but gives the value no maximum; its
    # documentation does.
    longest = cfg.status_details_value_max_length
    for name, value in details.items():
        if longest is not None and len(value) > longest:
            raise invalid_request(
                f"The statusDetails value of {name} is {len(value)} characters long; the "
                f"maximum is {longest}."
            )


def _check_step(minutes: int | None) -> None:
    if minutes is not None and minutes != -1 and not _STEP_MIN <= minutes <= _STEP_MAX:
        raise invalid_request(
            f"stepTimeoutInMinutes must be -1 or between {_STEP_MIN} and {_STEP_MAX}."
        )
