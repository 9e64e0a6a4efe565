"""The emulator's named switches: every behaviour AWS leaves undocumented, as a choice that
says what it chooses (a leaf module, so the engine and its rules can name it without
importing the emulator that owns them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DEFAULT_ACCOUNT_ID = "123456789012"


@dataclass
class EmulatorConfig:
    """Named switches for behaviour AWS leaves undocumented (each one says what it chooses).

    Switches marked "documented" hold a number AWS publishes, kept configurable because the
    published values are old (research notes §2.2).
    """

    account_id: str = DEFAULT_ACCOUNT_ID
    # Seed of the RNG behind thingId/thingGroupId, so runs are reproducible.
    seed: int = 0

    # --- rollout, cancel, delete pacing -------------------------------------------------
    # Documented: without a rollout config the console uses 1000/min, and the service rolls
    # out and cancels "at a rate of 1000 devices per minute" (devguide job-limits).
    default_rollout_per_minute: int = 1000
    # Documented ceiling (limits table: maximumPerMinute 1..1000; the service's throughput):
    # no rollout, exponential ones included, goes faster.
    max_rollout_per_minute: int = 1000
    # Documented (same sentence as the default): CancelJob's cascade cancels executions at
    # this pace; the job shows isConcurrent=true until it is done.
    cancel_per_minute: int = 1000
    # Our choice: the first minute's batch is created at once (a small job has all its
    # executions immediately); after that minute, executions appear continuously, in steps of
    # this many virtual seconds (longer when the rate is below one per step).
    rollout_step_seconds: float = 1.0
    # Our choice: deleting a job stays DELETION_IN_PROGRESS this long (virtual seconds).
    job_deletion_seconds: float = 5.0
    # Documented limits.
    max_jobs_deleting: int = 10
    max_targets: int = 100
    # Documented: schedulingConfig times must be at least 30 minutes ahead.
    scheduling_min_lead_seconds: float = 1800.0

    # --- execution state machine ---------------------------------------------------------
    # Our choice (docs show 1 in CLI output and 0 in a notify example): a new execution's
    # versionNumber; every change of the execution adds 1.
    initial_version_number: int = 1
    # Our choice: a device may move QUEUED straight to SUCCEEDED/FAILED (undocumented).
    device_queued_to_terminal_allowed: bool = True
    # Our choice (one devguide page allows it, the API reference omits it): DeleteJobExecution
    # may delete a QUEUED execution without force.
    delete_queued_execution_allowed: bool = True
    # Our choice: deleting a thing moves its QUEUED/IN_PROGRESS executions to REMOVED.
    thing_delete_removes_executions: bool = True
    # Our choice: a thing leaving every target group of a CONTINUOUS job has its QUEUED
    # execution REMOVED (documented for dynamic groups; IN_PROGRESS ones are left alone).
    group_leave_removes_queued: bool = True

    # --- job lifecycle -------------------------------------------------------------------
    # Our choice: CancelJob on a COMPLETED or CANCELED job is InvalidRequestException
    # (InvalidStateTransitionException is not modeled for CancelJob); False makes it a no-op.
    cancel_terminal_job_error: bool = True
    # Our choice: CancelJob(force=true) on a CANCELED job is allowed and force-cancels the
    # IN_PROGRESS executions an earlier plain cancel left alone.
    force_recancel_allowed: bool = True
    # Our choice: a CANCELED job gets no completedAt (AWS documents completedAt for COMPLETED).
    canceled_sets_completed_at: bool = False
    # Our choice: UpdateJob works on COMPLETED/CANCELED jobs (only DELETION_IN_PROGRESS refuses).
    update_terminal_job_allowed: bool = True
    # Our choice: a job's namespaceId must match the namespaceId a call passes; a mismatch is
    # ResourceNotFoundException (the job is "not in that namespace").
    namespace_mismatch_not_found: bool = True
    # Our choice: a documentSource URL the emulator cannot resolve (Emulator.s3_objects) fails
    # CreateJob with InvalidRequestException, as an unreadable S3 object does on AWS; "empty"
    # stores "{}" instead.
    document_source_missing: Literal["error", "empty"] = "error"

    # --- listing -------------------------------------------------------------------------
    # Our choice: page size when maxResults is omitted (AWS does not document it).
    default_page_size: int = 50
    # Our choice: ListJobs and ListJobTemplates return newest first (AWS's order is
    # undocumented); False returns oldest first.
    list_newest_first: bool = True
    # Our choice: ListJobExecutionsForJob lists every execution (retries included); True lists
    # only the latest execution per thing.
    list_executions_for_job_latest_only: bool = False
    # Our choice: ListThingGroups with recursive=false and no parentGroup lists only root
    # groups ("If true, return child groups as well"); omitted recursive lists every group.
    list_thing_groups_roots_when_not_recursive: bool = True
    # Reproduces a known service quirk (aws/aws-cli#8924): ListJobs filtered by thing group
    # omits SCHEDULED jobs.
    group_filter_hides_scheduled: bool = True

    # --- device plane (iot-jobs-data; sim/devices/plane.py) ---------------------------------
    # Our choice: data-plane `long` timestamps are epoch seconds, as the model documents and a
    # live capture reported (devguide MQTT examples show milliseconds); True sends milliseconds.
    data_plane_timestamps_ms: bool = False
    # Documented: GetPendingJobExecutions lists at most 10 QUEUED executions, 15 with
    # scheduling. Our reading: 10 from jobs without a schedulingConfig plus up to 5 from jobs
    # with one. IN_PROGRESS executions are not capped.
    pending_queued_limit: int = 10
    pending_scheduled_extra: int = 5
    # Documented: devices do not see executions of SCHEDULED jobs. Our choice: that hides the
    # QUEUED ones; an IN_PROGRESS execution (the device already works on it) stays visible
    # when a maintenance window closes. True hides those too.
    scheduled_hides_in_progress: bool = False
    # Documented: statusDetails holds at most 10 name/value pairs.
    status_details_max_pairs: int = 10
    # Our choice (the MQTT doc: TerminalStateReached "occurs when a command to describe a job
    # is performed on a job that is in a terminal state"): DescribeJobExecution of a terminal
    # execution is TerminalStateException (410); False returns it.
    describe_terminal_state_error: bool = True
    # The model says includeJobDocument defaults to true for DescribeJobExecution (the CLI
    # reference says false); we follow the model.
    describe_include_document_default: bool = True
    # Documented: a presigned URL lives presignedUrlConfig.expiresInSec, default 3600.
    presigned_default_expires_seconds: int = 3600

    # --- fleet indexing (GetThingConnectivityData; sim/api/handlers/things.py) -------------------
    # Fleet indexing with thingConnectivityIndexingMode STATUS: off by default, as in a new
    # account (the demo turns it on). Documented: the connectivity API needs it. Our choice
    # (AWS documents no error for it): when off, GetThingConnectivityData is
    # InvalidRequestException.
    connectivity_indexing: bool = False

    # --- registry: endpoint, things, thing groups (sim/api/handlers/endpoint.py, registry_updates.py)
    # Our choice: DescribeEndpoint answers this emulator's own address, the request's Host
    # header (host:port) for every endpoint type, since one port serves them all; it is not an
    # AWS-shaped hostname. "host" gives it without a scheme, as AWS does; "url" prefixes
    # http:// so a client can use it as endpoint_url directly.
    endpoint_address: Literal["host", "url"] = "host"
    # Our choice: an endpointType other than iot:Data, iot:Data-ATS, iot:CredentialProvider
    # and iot:Jobs is InvalidRequestException (the model's pattern accepts any string).
    unknown_endpoint_type_error: bool = True
    # Documented (DeleteThing): deleting a thing that does not exist succeeds; False answers
    # ResourceNotFoundException.
    delete_missing_thing_ok: bool = True
    # Documented (AssociateTargetsWithJob: "a list of thing group ARNs"): a thing ARN is
    # InvalidRequestException; False accepts thing ARNs too.
    associate_targets_groups_only: bool = True
    # Our choice: UpdateThingGroupsForThing applies thingGroupsToRemove before
    # thingGroupsToAdd, so a thing can move between groups of one hierarchy in one call.
    update_groups_removes_first: bool = True

    # --- timeouts, retries, abort, scheduling ---------------------------------------------
    # AWS may time an execution out "up to 60 seconds later" than the deadline; we choose to
    # be exact (0). approximateSecondsBeforeTimedOut counts down to the deadline itself.
    timeout_lateness_seconds: float = 0.0
    # Our choice (undocumented): the abort percentage is matching failures over the executions
    # notified so far ("notified"); "terminal" divides by finished executions instead.
    abort_percentage_base: Literal["notified", "terminal"] = "notified"
    # AWS auto-populates reasonCode and comment on an abort but documents neither string; these
    # templates are ours. Fields: failureType, percentage, threshold, failures, executed,
    # minimum.
    abort_reason_code: str = "{failureType}_THRESHOLD_EXCEEDED"
    abort_comment: str = (
        "Job aborted automatically: {failures} of {executed} executions ({percentage:.2f}%) "
        "are {failureType}, reaching the abort threshold of {threshold}% "
        "(minNumberOfExecutedThings {minimum})."
    )
    # Our choice: an endTime given without endBehavior acts as STOP_ROLLOUT.
    default_end_behavior: Literal["STOP_ROLLOUT", "CANCEL", "FORCE_CANCEL"] = "STOP_ROLLOUT"
