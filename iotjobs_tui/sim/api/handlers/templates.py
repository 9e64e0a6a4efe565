"""Custom job templates and the AWS managed templates."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.sim.api import limits, views
from iotjobs_tui.sim.api import managed_templates as managed
from iotjobs_tui.sim.api.handlers.common import region_state
from iotjobs_tui.sim.api.handlers.jobs import check_configs
from iotjobs_tui.sim.api.paging import paginate
from iotjobs_tui.sim.api.registry import CONTROL, Operations, RequestContext
from iotjobs_tui.sim.engine.state import JobTemplate
from iotjobs_tui.sim.wire.errors import conflict, invalid_request, not_found

ops = Operations()


@ops.operation(CONTROL, "CreateJobTemplate")
def create_job_template(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = region_state(ctx)
    template_id = params["jobTemplateId"]
    if template_id in state.templates:
        # Modeled for CreateJobTemplate: ConflictException (409) with resourceId.
        raise conflict(f"Job template {template_id} already exists.", resourceId=template_id)
    fields: dict[str, Any] = {}
    job_arn = params.get("jobArn")
    if job_arn is not None:
        _, sep, job_id = job_arn.rpartition(":job/")
        job = state.jobs.get(job_id) if sep else None
        if job is None or job.arn != job_arn:
            raise not_found(f"Job {job_arn} does not exist.")
        fields = {
            "document": None if job.document_source else job.document,
            "documentSource": job.document_source,
            "presignedUrlConfig": job.presigned_url_config,
            "jobExecutionsRolloutConfig": job.rollout_config,
            "abortConfig": job.abort_config,
            "timeoutConfig": job.timeout_config,
            "jobExecutionsRetryConfig": job.retry_config,
            "maintenanceWindows": (job.scheduling_config or {}).get("maintenanceWindows"),
            "destinationPackageVersions": job.destination_package_versions,
        }
        if job.document_before_substitution is not None:
            # A job made from a managed template carries its resolved document.
            fields["document"] = job.document
    explicit = {k: v for k, v in params.items() if v is not None}
    if "document" in explicit or "documentSource" in explicit:
        fields.pop("document", None)
        fields.pop("documentSource", None)
    fields.update(explicit)
    if fields.get("document") is not None and fields.get("documentSource") is not None:
        raise invalid_request("Specify either document or documentSource, not both.")
    if fields.get("document") is None and fields.get("documentSource") is None:
        raise invalid_request("A job template needs a document, a documentSource or a jobArn.")
    check_configs(fields)
    # The ranges CreateJob checks: a template that no job could be created from is refused
    # up front, as AWS documents the same limits for both.
    limits.check_ranges(ctx.emulator.config, fields)
    template = JobTemplate(
        template_id=template_id,
        arn=state.template_arn(template_id),
        description=params["description"],
        created_at=ctx.emulator.now(),
        seq=state.next_seq(),
        document=fields.get("document"),
        document_source=fields.get("documentSource"),
        presigned_url_config=fields.get("presignedUrlConfig"),
        rollout_config=fields.get("jobExecutionsRolloutConfig"),
        abort_config=fields.get("abortConfig"),
        timeout_config=fields.get("timeoutConfig"),
        retry_config=fields.get("jobExecutionsRetryConfig"),
        maintenance_windows=fields.get("maintenanceWindows"),
        destination_package_versions=fields.get("destinationPackageVersions"),
    )
    state.templates[template_id] = template
    return {"jobTemplateArn": template.arn, "jobTemplateId": template_id}


@ops.operation(CONTROL, "DescribeJobTemplate")
def describe_job_template(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    template = region_state(ctx).templates.get(params["jobTemplateId"])
    if template is None:
        raise not_found(f"Job template {params['jobTemplateId']} does not exist.")
    return views.template(template)


@ops.operation(CONTROL, "ListJobTemplates")
def list_job_templates(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    cfg = ctx.emulator.config
    templates = sorted(region_state(ctx).templates.values(), key=lambda t: (t.created_at, t.seq))
    if cfg.list_newest_first:
        templates.reverse()
    items, token = paginate(
        templates,
        lambda t: (t.created_at, t.seq),
        params,
        "job-templates",
        cfg.default_page_size,
        descending=cfg.list_newest_first,
    )
    out: dict[str, Any] = {
        "jobTemplates": [
            {
                "jobTemplateArn": t.arn,
                "jobTemplateId": t.template_id,
                "description": t.description,
                "createdAt": t.created_at,
            }
            for t in items
        ]
    }
    if token:
        out["nextToken"] = token
    return out


@ops.operation(CONTROL, "DeleteJobTemplate")
def delete_job_template(ctx: RequestContext, params: dict[str, Any]) -> None:
    templates = region_state(ctx).templates
    if templates.pop(params["jobTemplateId"], None) is None:
        raise not_found(f"Job template {params['jobTemplateId']} does not exist.")


@ops.operation(CONTROL, "ListManagedJobTemplates")
def list_managed_job_templates(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("templateName")
    templates = [t for t in managed.MANAGED_TEMPLATES if name is None or t.name == name]
    if name is not None and not templates:
        raise not_found(f"Managed job template {name} does not exist.")
    items, token = paginate(
        templates,
        lambda t: (t.name, t.version),
        params,
        "managed-job-templates",
        ctx.emulator.config.default_page_size,
    )
    out: dict[str, Any] = {
        "managedJobTemplates": [
            {
                "templateArn": t.arn(ctx.region),
                "templateName": t.name,
                "description": t.description,
                "environments": list(t.environments),
                "templateVersion": t.version,
            }
            for t in items
        ]
    }
    if token:
        out["nextToken"] = token
    return out


@ops.operation(CONTROL, "DescribeManagedJobTemplate")
def describe_managed_job_template(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    template = managed.find(params["templateName"], params.get("templateVersion"))
    if template is None:
        raise not_found(f"Managed job template {params['templateName']} does not exist.")
    return {
        "templateName": template.name,
        "templateArn": template.arn(ctx.region),
        "description": template.description,
        "templateVersion": template.version,
        "environments": list(template.environments),
        "documentParameters": [p.as_output() for p in template.parameters],
        "document": template.document,
    }
