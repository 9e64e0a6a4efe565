"""Jobs: create (plain or from a template), update, associate, describe, list, cancel, delete."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.common.job_configs import (
    parse_abort,
    parse_retry,
    parse_rollout,
    parse_scheduling,
    parse_timeout,
)
from iotjobs_tui.common.statuses import (
    NOTIFIED_THINGS,
    SUCCEEDED_THINGS,
    FailureType,
    TargetSelection,
)
from iotjobs_tui.sim.api import limits, views
from iotjobs_tui.sim.api import managed_templates as managed
from iotjobs_tui.sim.api.handlers.common import get_job, region_state
from iotjobs_tui.sim.api.paging import paginate
from iotjobs_tui.sim.api.registry import CONTROL, Operations, RequestContext
from iotjobs_tui.sim.engine import schedule_times as scheduling
from iotjobs_tui.sim.engine.fleet import parse_target
from iotjobs_tui.sim.engine.job_engine import (
    CONTINUOUS,
    JOB_DELETING,
    JOB_IN_PROGRESS,
    JOB_SCHEDULED,
)
from iotjobs_tui.sim.engine.state import Job, JobTemplate, RegionState
from iotjobs_tui.sim.wire import s3
from iotjobs_tui.sim.wire.errors import ServiceError, invalid_request, limit_exceeded, not_found

ops = Operations()

_MAX_DOCUMENT_BYTES = 32768  # the model's JobDocument max; an S3 document has the same limit

# Config members a custom template supplies unless the CreateJob call sets them.
_TEMPLATE_FIELDS = (
    ("presignedUrlConfig", "presigned_url_config"),
    ("jobExecutionsRolloutConfig", "rollout_config"),
    ("abortConfig", "abort_config"),
    ("timeoutConfig", "timeout_config"),
    ("jobExecutionsRetryConfig", "retry_config"),
)


def _parse_configs(job: Job) -> None:
    """The typed configs the rules read, from the wire dicts CreateJob / UpdateJob stored
    (validated by then): the one place both are written, so they agree."""
    job.rollout = parse_rollout(job.rollout_config)
    job.abort = parse_abort(job.abort_config)
    job.timeout = parse_timeout(job.timeout_config)
    job.retry = parse_retry(job.retry_config)
    job.scheduling = parse_scheduling(job.scheduling_config)


def _unique(targets: list[str]) -> list[str]:
    return list(dict.fromkeys(targets))


def _check_targets(ctx: RequestContext, state: RegionState, targets: list[str]) -> None:
    if not targets:
        raise invalid_request("A job needs at least one target.")
    limit = ctx.emulator.config.max_targets
    if len(targets) > limit:
        # Our choice of code: CreateJob and AssociateTargetsWithJob both model
        # LimitExceededException, and the target cap is a service limit.
        raise limit_exceeded(f"A job can have at most {limit} targets.")
    for target in targets:
        parse_target(state, target)


def _one_decimal(value: float, places: int) -> bool:
    return abs(round(value, places) - value) < 1e-9


def check_configs(params: dict[str, Any]) -> None:
    """Rules the model's shapes cannot express (§2.2, §3.5-3.8)."""
    rollout = params.get("jobExecutionsRolloutConfig") or {}
    exp = rollout.get("exponentialRate")
    if exp is not None:
        if not _one_decimal(float(exp["incrementFactor"]), 1):
            raise invalid_request("incrementFactor supports one digit after the decimal point.")
        criteria = exp["rateIncreaseCriteria"]
        chosen = [k for k in (NOTIFIED_THINGS, SUCCEEDED_THINGS) if k in criteria]
        if len(chosen) != 1:
            raise invalid_request(
                "rateIncreaseCriteria needs exactly one of numberOfNotifiedThings and "
                "numberOfSucceededThings."
            )
    for criteria in (params.get("abortConfig") or {}).get("criteriaList", []):
        if not _one_decimal(float(criteria["thresholdPercentage"]), 2):
            raise invalid_request("thresholdPercentage supports two digits after the decimal.")
    retry = (params.get("jobExecutionsRetryConfig") or {}).get("criteriaList", [])
    if sum(int(c["numberOfRetries"]) for c in retry) > 10:
        raise invalid_request("A job allows at most 10 retries for all failure types combined.")
    kinds = [c["failureType"] for c in retry]
    if len(set(kinds)) != len(kinds):
        raise invalid_request("Each retry failureType may appear once.")
    timeout = (params.get("timeoutConfig") or {}).get("inProgressTimeoutInMinutes")
    if FailureType.TIMED_OUT in kinds and not timeout:
        raise invalid_request("A TIMED_OUT retry criterion needs a timeoutConfig.")


def _fetch_source(ctx: RequestContext, source: str) -> str:
    """AWS reads an S3 documentSource once, at creation (the emulator's stand-in is s3_objects,
    filled in process or by PUT /_sim/objects; any documented S3 URL form finds an object)."""
    text = s3.find(ctx.emulator.s3_objects, source)
    if text is None and s3.parse_object_url(source) is None:
        raise invalid_request(f"documentSource must be an Amazon S3 object URL, not {source}.")
    if text is None:
        if ctx.emulator.config.document_source_missing == "empty":
            return "{}"
        raise invalid_request(f"The job document could not be read from {source}.")
    if not s3.is_utf8(text) or len(s3.to_bytes(text)) > _MAX_DOCUMENT_BYTES:
        raise invalid_request(
            f"The job document at {source} must be UTF-8 text of at most "
            f"{_MAX_DOCUMENT_BYTES} bytes."
        )
    return text


def _custom_template(state: RegionState, arn: str) -> JobTemplate:
    _, sep, template_id = arn.rpartition(":jobtemplate/")
    template = state.templates.get(template_id) if sep else None
    if template is None or template.arn != arn:
        raise not_found(f"Job template {arn} does not exist.")
    return template


@ops.operation(CONTROL, "CreateJob")
def create_job(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    em = ctx.emulator
    state = region_state(ctx)
    now = em.now()
    job_id = params["jobId"]
    if job_id in state.jobs:
        # The issue says "Conflict"; botocore models ResourceAlreadyExistsException (409) for
        # CreateJob (ConflictException is not among its errors), so that is what clients catch.
        raise ServiceError(
            "ResourceAlreadyExistsException",
            f"Job {job_id} already exists.",
            resourceId=job_id,
            resourceArn=state.job_arn(job_id),
        )
    targets = _unique(list(params["targets"]))
    _check_targets(ctx, state, targets)
    document = params.get("document")
    source = params.get("documentSource")
    if document is not None and source is not None:
        raise invalid_request("Specify either document or documentSource, not both.")
    doc_params = params.get("documentParameters")
    fields = dict(params)
    before: str | None = None
    template_arn = params.get("jobTemplateArn")
    scheduling_config = params.get("schedulingConfig")
    packages = params.get("destinationPackageVersions")
    if template_arn is not None and managed.is_managed_arn(template_arn):
        template = managed.parse_arn(template_arn, ctx.region)
        if template is None:
            raise not_found(f"Managed job template {template_arn} does not exist.")
        if document is not None or source is not None:
            raise invalid_request("A job from a managed template takes its document from it.")
        document = managed.substitute(template, dict(doc_params or {}))
        before = template.document
    else:
        if doc_params is not None:
            raise invalid_request(
                "documentParameters can only be used with AWS managed job templates."
            )
        if template_arn is not None:
            custom = _custom_template(state, template_arn)
            if document is None and source is None:
                document, source = custom.document, custom.document_source
            for member, attr in _TEMPLATE_FIELDS:
                if fields.get(member) is None and getattr(custom, attr) is not None:
                    fields[member] = getattr(custom, attr)
            if custom.maintenance_windows and not (scheduling_config or {}).get(
                "maintenanceWindows"
            ):
                scheduling_config = {
                    **(scheduling_config or {}),
                    "maintenanceWindows": custom.maintenance_windows,
                }
            if packages is None:
                packages = custom.destination_package_versions
    if document is None and source is None:
        raise invalid_request("A job needs a document, a documentSource or a job template.")
    check_configs(fields)
    limits.check_ranges(em.config, fields)
    if source is not None:
        document = _fetch_source(ctx, source)
    start_at: float | None = None
    waits = False
    if scheduling_config:
        start_at, waits = scheduling.validate(
            scheduling_config, now, em.config.scheduling_min_lead_seconds
        )
    selection = params.get("targetSelection") or TargetSelection.SNAPSHOT
    limits.check_active(em.config, state, selection, rolls_out=not waits)
    job = Job(
        job_id=job_id,
        arn=state.job_arn(job_id),
        target_selection=selection,
        status=JOB_SCHEDULED if waits else JOB_IN_PROGRESS,
        targets=targets,
        created_at=now,
        last_updated_at=now,
        seq=state.next_seq(),
        document=document,
        document_before_substitution=before,
        document_source=source,
        description=params.get("description"),
        presigned_url_config=fields.get("presignedUrlConfig"),
        rollout_config=fields.get("jobExecutionsRolloutConfig"),
        abort_config=fields.get("abortConfig"),
        timeout_config=fields.get("timeoutConfig"),
        retry_config=fields.get("jobExecutionsRetryConfig"),
        scheduling_config=scheduling_config,
        namespace_id=params.get("namespaceId"),
        job_template_arn=template_arn,
        document_parameters=dict(doc_params) if doc_params is not None else None,
        destination_package_versions=packages,
        tags=params.get("tags"),
    )
    _parse_configs(job)
    em.engine.register_job(state, job, start_at)
    out = {"jobArn": job.arn, "jobId": job.job_id}
    if job.description is not None:
        out["description"] = job.description
    return out


@ops.operation(CONTROL, "UpdateJob")
def update_job(ctx: RequestContext, params: dict[str, Any]) -> None:
    job = get_job(ctx, params)
    if job.status == JOB_DELETING or (
        job.status not in (JOB_IN_PROGRESS, JOB_SCHEDULED)
        and not ctx.emulator.config.update_terminal_job_allowed
    ):
        raise invalid_request(f"Job {job.job_id} is {job.status} and cannot be updated.")
    merged = {
        "jobExecutionsRolloutConfig": job.rollout_config,
        "abortConfig": job.abort_config,
        "timeoutConfig": job.timeout_config,
        "jobExecutionsRetryConfig": job.retry_config,
    }
    merged.update({k: v for k, v in params.items() if v is not None})
    check_configs(merged)
    limits.check_ranges(ctx.emulator.config, params)
    limits.check_retry_update(
        ctx.emulator.config, job.retry_config, params.get("jobExecutionsRetryConfig")
    )
    if "description" in params:
        job.description = params["description"]
    for member, attr in _TEMPLATE_FIELDS:
        if member in params:
            setattr(job, attr, params[member])
    _parse_configs(job)
    job.last_updated_at = ctx.emulator.now()
    if "jobExecutionsRolloutConfig" in params:
        ctx.emulator.engine.rollout_rate_changed(region_state(ctx), job)


@ops.operation(CONTROL, "AssociateTargetsWithJob")
def associate_targets_with_job(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = region_state(ctx)
    job = get_job(ctx, params)
    if job.target_selection != CONTINUOUS:
        raise invalid_request("Targets can only be associated with a CONTINUOUS job.")
    if job.status != JOB_IN_PROGRESS:
        raise invalid_request(f"Job {job.job_id} is {job.status}, not IN_PROGRESS.")
    new = [t for t in _unique(list(params["targets"])) if t not in job.targets]
    if ctx.emulator.config.associate_targets_groups_only:
        for target in new:
            if parse_target(state, target)[0] != "thinggroup":
                # Documented: targets is "a list of thing group ARNs".
                raise invalid_request(f"Only thing groups can be associated with a job: {target}")
    if len(job.targets) + len(new) > ctx.emulator.config.max_targets:
        raise limit_exceeded(
            f"A job can have at most {ctx.emulator.config.max_targets} targets in total."
        )
    for target in new:
        parse_target(state, target)
    now = ctx.emulator.now()
    job.targets.extend(new)
    for target in new:
        kind, name = parse_target(state, target)
        if kind == "thinggroup":
            state.jobs_by_target_group.setdefault(name, set()).add(job.job_id)
    if params.get("comment") is not None:
        job.comment = params["comment"]
    job.last_updated_at = now
    ctx.emulator.engine.enqueue_targets(state, job, new, now)
    out = {"jobArn": job.arn, "jobId": job.job_id}
    if job.description is not None:
        out["description"] = job.description
    return out


@ops.operation(CONTROL, "DescribeJob")
def describe_job(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    job = get_job(ctx, params)
    # documentSource is a top-level member of the response, next to `job` (trap 16).
    # beforeSubstitution changes nothing here: the Job shape carries no document.
    out: dict[str, Any] = {"job": views.job(ctx.emulator.engine, job)}
    if job.document_source is not None:
        out["documentSource"] = job.document_source
    return out


@ops.operation(CONTROL, "GetJobDocument")
def get_job_document(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    job = get_job(ctx, params)
    if params.get("beforeSubstitution") and job.document_before_substitution is not None:
        return {"document": job.document_before_substitution}
    # Presigned-URL placeholders stay as they are on the control plane (devguide).
    return {"document": job.document or ""}


@ops.operation(CONTROL, "ListJobs")
def list_jobs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = region_state(ctx)
    cfg = ctx.emulator.config
    status = params.get("status")
    selection = params.get("targetSelection")
    namespace = params.get("namespaceId")
    group_name = params.get("thingGroupName")
    group_id = params.get("thingGroupId")
    group = None
    if group_name is not None:
        group = state.groups.get(group_name)
        if group is None:
            raise not_found(f"Thing group {group_name} does not exist.")
    if group_id is not None:
        by_id = next((g for g in state.groups.values() if g.group_id == group_id), None)
        if by_id is None or (group is not None and by_id is not group):
            raise not_found(f"Thing group {group_id} does not exist.")
        group = by_id
    group_jobs = state.jobs_by_target_group.get(group.name, set()) if group else set()

    def keep(job: Job) -> bool:
        if status is not None and job.status != status:
            return False
        if selection is not None and job.target_selection != selection:
            return False
        if namespace is not None and job.namespace_id != namespace:
            return False
        if group is not None:
            if job.job_id not in group_jobs:
                return False
            if job.status == JOB_SCHEDULED and cfg.group_filter_hides_scheduled:
                return False
        return True

    jobs = sorted(state.jobs.values(), key=lambda j: (j.created_at, j.seq))
    if cfg.list_newest_first:
        jobs.reverse()
    items, token = paginate(
        jobs,
        lambda j: (j.created_at, j.seq),
        params,
        "jobs",
        cfg.default_page_size,
        descending=cfg.list_newest_first,
        keep=keep,
    )
    gid = group.group_id if group is not None else None
    out: dict[str, Any] = {"jobs": [views.job_summary(j, gid) for j in items]}
    if token:
        out["nextToken"] = token
    return out


@ops.operation(CONTROL, "CancelJob")
def cancel_job(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    job = get_job(ctx, params)
    ctx.emulator.engine.cancel_job(
        region_state(ctx),
        job,
        ctx.emulator.now(),
        force=bool(params.get("force")),
        reason_code=params.get("reasonCode"),
        comment=params.get("comment"),
    )
    out = {"jobArn": job.arn, "jobId": job.job_id}
    if job.description is not None:
        out["description"] = job.description
    return out


@ops.operation(CONTROL, "DeleteJob")
def delete_job(ctx: RequestContext, params: dict[str, Any]) -> None:
    job = get_job(ctx, params)
    ctx.emulator.engine.delete_job(
        region_state(ctx), job, ctx.emulator.now(), force=bool(params.get("force"))
    )
