"""The emulator's named switches: every behaviour AWS leaves undocumented, as a choice that
says what it chooses, and every documented limit, at AWS's default (a leaf module, so the
engine and its rules can name it without importing the emulator that owns them).

Each switch is declared with `switch(default, source)`: the source says where the value comes
from (an AWS page or model, or "our choice" and why) and is written only there;
`iotjobs-tui sim --list-switches` prints it. `sim/switches.py` sets switches by name, from
`--set`, `--config FILE` and `/_sim/config`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeVar

DEFAULT_ACCOUNT_ID = "123456789012"

T = TypeVar("T")


def switch(default: T, source: str, *, at_start: bool = False) -> T:
    """A switch's default and its source. `at_start`: only takes effect when the emulator
    is built (`--set`, `--config`), so `/_sim/config` refuses to change it."""
    made: T = field(default=default, metadata={"source": source, "at_start": at_start})
    return made


@dataclass
class EmulatorConfig:
    """Named switches: the sources marked "documented" hold a number or rule AWS publishes,
    kept configurable because the published values are old (research notes §2.2); the others
    say what they choose where AWS documents nothing."""

    account_id: str = switch(
        DEFAULT_ACCOUNT_ID,
        "Our choice: the account in every ARN (any credentials are accepted).",
        at_start=True,
    )
    seed: int = switch(
        0,
        "Our choice: seed of the RNG behind thingId/thingGroupId, so runs are reproducible.",
        at_start=True,
    )

    # --- rollout, cancel, delete pacing -------------------------------------------------
    default_rollout_per_minute: int = switch(
        1000,
        "Documented: without a rollout config the console uses 1000/min, and the service "
        'rolls out and cancels "at a rate of 1000 devices per minute" (devguide job-limits).',
    )
    max_rollout_per_minute: int = switch(
        1000,
        "Documented ceiling (limits table: maximumPerMinute 1..1000; the service's "
        "throughput): a larger maximumPerMinute is InvalidRequestException (the model gives "
        "only the minimum), and no rollout, exponential ones included, goes faster.",
    )
    cancel_per_minute: int = switch(
        1000,
        "Documented (same sentence as default_rollout_per_minute): CancelJob's cascade "
        "cancels executions at this pace; the job shows isConcurrent=true until it is done.",
    )
    rollout_step_seconds: float = switch(
        1.0,
        "Our choice: the first minute's batch is created at once (a small job has all its "
        "executions immediately); after that minute, executions appear continuously, in steps "
        "of this many virtual seconds (longer when the rate is below one per step).",
    )
    job_deletion_seconds: float = switch(
        5.0, "Our choice: deleting a job stays DELETION_IN_PROGRESS this long (virtual seconds)."
    )
    max_jobs_deleting: int = switch(
        10,
        'Documented (DeleteJob): "Only 10 jobs may have status DELETION_IN_PROGRESS at the '
        'same time, or a LimitExceededException will occur."',
    )
    max_targets: int = switch(
        100,
        "Documented (limits table; AssociateTargetsWithJob): a job has at most 100 targets; "
        "more is LimitExceededException.",
    )
    scheduling_min_lead_seconds: float = switch(
        1800.0, "Documented: schedulingConfig times must be at least 30 minutes ahead."
    )

    # --- active and concurrent jobs (CreateJob: LimitExceededException; None: no limit) ---
    max_active_snapshot_jobs: int | None = switch(
        100,
        "Documented (limits table 2019; Service Quotas 'Active snapshot jobs', L-D80B05DB): "
        "at most 100 IN_PROGRESS snapshot jobs, whatever the continuous ones.",
    )
    max_active_continuous_jobs: int | None = switch(
        100,
        "Documented (limits table 2019; Service Quotas 'Active continuous jobs', L-4E068A30): "
        "at most 100 IN_PROGRESS continuous jobs, whatever the snapshot ones.",
    )
    max_concurrent_jobs: int | None = switch(
        100,
        "Documented quota, value assumed (Service Quotas 'Concurrent jobs', L-FBF5CD89; "
        "devguide job-limits: jobs rolling out or cancelling executions count): the current "
        "default is in the General Reference, which could not be read; 100 is our choice, no "
        "more than the active limits. A CreateJob that rolls out at once is refused while this "
        "many jobs are concurrent.",
    )

    # --- execution state machine ---------------------------------------------------------
    initial_version_number: int = switch(
        1,
        "Our choice (docs show 1 in CLI output and 0 in a notify example): a new execution's "
        "versionNumber; every change of the execution adds 1.",
    )
    device_queued_to_terminal_allowed: bool = switch(
        True, "Our choice: a device may move QUEUED straight to SUCCEEDED/FAILED (undocumented)."
    )
    delete_queued_execution_allowed: bool = switch(
        True,
        "Our choice (one devguide page allows it, the API reference omits it): "
        "DeleteJobExecution may delete a QUEUED execution without force.",
    )
    thing_delete_removes_executions: bool = switch(
        True, "Our choice: deleting a thing moves its QUEUED/IN_PROGRESS executions to REMOVED."
    )
    group_leave_removes_queued: bool = switch(
        True,
        "Our choice: a thing leaving every target group of a CONTINUOUS job has its QUEUED "
        "execution REMOVED (documented for dynamic groups; IN_PROGRESS ones are left alone).",
    )

    # --- job lifecycle -------------------------------------------------------------------
    cancel_terminal_job_error: bool = switch(
        True,
        "Our choice: CancelJob on a COMPLETED or CANCELED job is InvalidRequestException "
        "(InvalidStateTransitionException is not modeled for CancelJob); False makes it a "
        "no-op.",
    )
    force_recancel_allowed: bool = switch(
        True,
        "Our choice: CancelJob(force=true) on a CANCELED job is allowed and force-cancels the "
        "IN_PROGRESS executions an earlier plain cancel left alone.",
    )
    canceled_sets_completed_at: bool = switch(
        False,
        "Our choice: a CANCELED job gets no completedAt (AWS documents completedAt for COMPLETED).",
    )
    update_terminal_job_allowed: bool = switch(
        True,
        "Our choice: UpdateJob works on COMPLETED/CANCELED jobs (only DELETION_IN_PROGRESS "
        "refuses).",
    )
    update_retries: Literal["remove_only", "no_increase", "any"] = switch(
        "remove_only",
        'Documented (devguide job-configurations-console: "After a job has been created, the '
        "number of retries can't be updated. You can only remove the retry configuration for "
        'all failure types"): UpdateJob may repeat the retry counts or set them all to 0, '
        'else InvalidRequestException; "no_increase" also allows lowering them, "any" allows '
        "any change.",
    )
    in_progress_timeout_min_minutes: int = switch(
        1,
        "Documented (TimeoutConfig; limits table: 1 minute to 7 days): a smaller "
        "inProgressTimeoutInMinutes is InvalidRequestException (the model gives no range).",
    )
    in_progress_timeout_max_minutes: int = switch(
        10080,
        "Documented (TimeoutConfig; limits table: 1 minute to 7 days): a larger "
        "inProgressTimeoutInMinutes is InvalidRequestException (the model gives no range).",
    )
    namespace_mismatch_not_found: bool = switch(
        True,
        "Our choice: a job's namespaceId must match the namespaceId a call passes; a mismatch "
        'is ResourceNotFoundException (the job is "not in that namespace").',
    )
    document_source_missing: Literal["error", "empty"] = switch(
        "error",
        "Our choice: a documentSource whose object the emulator does not hold (PUT "
        "/_sim/objects, Emulator.s3_objects) fails CreateJob with InvalidRequestException, as "
        'an unreadable S3 object does on AWS; "empty" stores "{}" instead.',
    )

    # --- listing -------------------------------------------------------------------------
    default_page_size: int = switch(
        50, "Our choice: page size when maxResults is omitted (AWS does not document it)."
    )
    list_newest_first: bool = switch(
        True,
        "Our choice: ListJobs and ListJobTemplates return newest first (AWS's order is "
        "undocumented); False returns oldest first.",
    )
    list_executions_for_job_latest_only: bool = switch(
        False,
        "Our choice: ListJobExecutionsForJob lists every execution (retries included); True "
        "lists only the latest execution per thing.",
    )
    list_thing_groups_roots_when_not_recursive: bool = switch(
        True,
        "Our choice: ListThingGroups with recursive=false and no parentGroup lists only root "
        'groups ("If true, return child groups as well"); omitted recursive lists every '
        "group.",
    )
    group_filter_hides_scheduled: bool = switch(
        True,
        "Reproduces a known service quirk (aws/aws-cli#8924): ListJobs filtered by thing "
        "group omits SCHEDULED jobs.",
    )

    # --- device plane (iot-jobs-data; sim/devices/plane.py) ---------------------------------
    data_plane_timestamps_ms: bool = switch(
        False,
        "Our choice: data-plane `long` timestamps are epoch seconds, as the model documents "
        "and a live capture reported (devguide MQTT examples show milliseconds); True sends "
        "milliseconds.",
    )
    pending_queued_limit: int = switch(
        10,
        "Documented: GetPendingJobExecutions lists at most 10 QUEUED executions, 15 with "
        "scheduling. Our reading: 10 from jobs without a schedulingConfig (this switch) plus "
        "up to 5 from jobs with one. IN_PROGRESS executions are not capped.",
    )
    pending_scheduled_extra: int = switch(
        5,
        "Documented (see pending_queued_limit): the 5 more QUEUED executions from jobs with a "
        "schedulingConfig.",
    )
    scheduled_hides_in_progress: bool = switch(
        False,
        "Documented: devices do not see executions of SCHEDULED jobs. Our choice: that hides "
        "the QUEUED ones; an IN_PROGRESS execution (the device already works on it) stays "
        "visible when a maintenance window closes. True hides those too.",
    )
    status_details_max_pairs: int = switch(
        10, "Documented: statusDetails holds at most 10 name/value pairs."
    )
    status_details_value_max_length: int | None = switch(
        1024,
        'Documented (iot-jobs-data model docs: "The maximum length of the value in the '
        'name/value pair is 1,024 characters"; the 2019 limits table said 128): a longer value '
        "is InvalidRequestException (the model's DetailsValue has no maximum).",
    )
    describe_terminal_state_error: bool = switch(
        True,
        'Our choice (the MQTT doc: TerminalStateReached "occurs when a command to describe a '
        'job is performed on a job that is in a terminal state"): DescribeJobExecution of a '
        "terminal execution is TerminalStateException (410); False returns it.",
    )
    describe_include_document_default: bool = switch(
        True,
        "The model says includeJobDocument defaults to true for DescribeJobExecution (the CLI "
        "reference says false); we follow the model.",
    )
    presigned_default_expires_seconds: int = switch(
        3600,
        "Documented: a presigned URL lives presignedUrlConfig.expiresInSec (60..3600), "
        "default 3600.",
    )

    # --- fleet indexing (GetThingConnectivityData; sim/api/handlers/things.py) -------------------
    connectivity_indexing: bool = switch(
        False,
        "Fleet indexing with thingConnectivityIndexingMode STATUS: off by default, as in a new "
        "account (the demo turns it on). Documented: the connectivity API needs it. Our choice "
        "(AWS documents no error for it): when off, GetThingConnectivityData is "
        "InvalidRequestException. A region that never called UpdateIndexingConfiguration "
        "has thingIndexingMode REGISTRY while this is on (STATUS needs it), else OFF.",
    )

    # --- fleet indexing: SearchIndex, GetStatistics, dynamic groups (sim/engine/index_sync.py)
    index_lag_seconds: float = switch(
        0.0,
        "Our choice (AWS documents the index as eventually consistent, with no delay): the "
        "index reflects a thing's change this many virtual seconds later, reading the thing "
        "as it then is; the same delay keeps a newly enabled index BUILDING "
        "(IndexNotReadyException) and a created or updated dynamic group BUILDING or "
        "REBUILDING until its backfill. 0: at once.",
    )
    index_group_names: Literal["direct", "with_ancestors"] = switch(
        "direct",
        'Our reading (the model says only "thing group and billing group names"): the '
        "index's thingGroupNames are the groups the thing was added to, dynamic ones "
        'included, as ListThingGroupsForThing lists them; "with_ancestors" adds their '
        "parent groups.",
    )
    index_off_error: Literal["ResourceNotFoundException", "IndexNotReadyException"] = switch(
        "ResourceNotFoundException",
        "Our choice (undocumented): what SearchIndex and GetStatistics answer while "
        'thingIndexingMode is OFF ("Index AWS_Things does not exist").',
    )
    query_max_terms: int = switch(
        12, "Documented (fleet indexing query syntax): a query has at most 12 terms."
    )
    search_max_results: int = switch(
        100, "Documented (SearchIndex maxResults): at most 100 things a page."
    )
    max_dynamic_groups: int = switch(
        100,
        "Documented (devguide limits-iot, thing group limits): at most 100 dynamic groups; "
        "one more is LimitExceededException.",
    )
    dynamic_group_commands_strict: bool = switch(
        True,
        'Our reading of "a different set of commands" (devguide dynamic-thing-groups): '
        "UpdateThingGroup and DeleteThingGroup refuse a dynamic group and "
        "DeleteDynamicThingGroup a static one (InvalidRequestException); False lets each "
        "act on either kind.",
    )

    # --- registry: endpoint, things, groups (sim/api/handlers/endpoint.py, registry_updates.py)
    endpoint_address: Literal["host", "url"] = switch(
        "host",
        "Our choice: DescribeEndpoint answers this emulator's own address, the request's Host "
        "header (host:port) for every endpoint type, since one port serves them all; it is not "
        'an AWS-shaped hostname. "host" gives it without a scheme, as AWS does; "url" '
        "prefixes http:// so a client can use it as endpoint_url directly.",
    )
    unknown_endpoint_type_error: bool = switch(
        True,
        "Our choice: an endpointType other than iot:Data, iot:Data-ATS, iot:CredentialProvider "
        "and iot:Jobs is InvalidRequestException (the model's pattern accepts any string).",
    )
    delete_missing_thing_ok: bool = switch(
        True,
        "Documented (DeleteThing): deleting a thing that does not exist succeeds; False "
        "answers ResourceNotFoundException.",
    )
    associate_targets_groups_only: bool = switch(
        True,
        'Documented (AssociateTargetsWithJob: "a list of thing group ARNs"): a thing ARN is '
        "InvalidRequestException; False accepts thing ARNs too.",
    )
    update_groups_removes_first: bool = switch(
        True,
        "Our choice: UpdateThingGroupsForThing applies thingGroupsToRemove before "
        "thingGroupsToAdd, so a thing can move between groups of one hierarchy in one call.",
    )

    # --- timeouts, retries, abort, scheduling ---------------------------------------------
    timeout_lateness_seconds: float = switch(
        0.0,
        'AWS may time an execution out "up to 60 seconds later" than the deadline; we choose '
        "to be exact (0). approximateSecondsBeforeTimedOut counts down to the deadline itself.",
    )
    abort_percentage_base: Literal["notified", "terminal"] = switch(
        "notified",
        "Our choice (undocumented): the abort percentage is matching failures over the "
        'executions notified so far ("notified"); "terminal" divides by finished executions '
        "instead.",
    )
    abort_reason_code: str = switch(
        "{failureType}_THRESHOLD_EXCEEDED",
        "AWS auto-populates reasonCode and comment on an abort but documents neither string; "
        "these templates are ours. Fields: failureType, percentage, threshold, failures, "
        "executed, minimum.",
    )
    abort_comment: str = switch(
        "Job aborted automatically: {failures} of {executed} executions ({percentage:.2f}%) "
        "are {failureType}, reaching the abort threshold of {threshold}% "
        "(minNumberOfExecutedThings {minimum}).",
        "Our template for the comment of an abort (see abort_reason_code).",
    )
    default_end_behavior: Literal["STOP_ROLLOUT", "CANCEL", "FORCE_CANCEL"] = switch(
        "STOP_ROLLOUT", "Our choice: an endTime given without endBehavior acts as STOP_ROLLOUT."
    )
