"""Conformance: every response carries only modeled members, modeled enum values, no nulls.

Each response is checked twice: the raw JSON body on the wire (no null anywhere, every key a
member of the output shape, enum values in their enum) and botocore's parse of it.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, Shape, StructureShape

MODEL = botocore.session.get_session().get_service_model("iot")


def _walk(value: Any, shape: Shape, path: str) -> None:
    assert value is not None, f"{path} is null"
    if isinstance(shape, StructureShape):
        assert isinstance(value, dict), path
        for key, item in value.items():
            assert key in shape.members, f"{path}.{key} is not a member of {shape.name}"
            _walk(item, shape.members[key], f"{path}.{key}")
    elif isinstance(shape, ListShape):
        assert isinstance(value, list), path
        for i, item in enumerate(value):
            _walk(item, shape.member, f"{path}[{i}]")
    elif isinstance(shape, MapShape):
        assert isinstance(value, dict), path
        for key, item in value.items():
            _walk(item, shape.value, f"{path}[{key}]")
    elif getattr(shape, "enum", None):
        assert value in shape.enum, f"{path}={value!r} is not in {shape.name}"
    elif shape.type_name == "timestamp":
        # Epoch seconds on the wire (milliseconds would crash botocore's parser).
        assert isinstance(value, (int, float)) and 1e9 < value < 1e10, (path, value)
    elif shape.type_name in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), path
    elif shape.type_name == "boolean":
        assert isinstance(value, bool), path
    elif shape.type_name == "string":
        assert isinstance(value, str), path


class _Recorder:
    """Keeps each call's raw JSON body and botocore's parse of it (after-call hook)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, dict[str, Any]]] = []

    def __call__(self, http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if http_response.status_code < 300:
            raw = http_response.content
            self.calls.append((model.name, json.loads(raw) if raw else {}, parsed))


def _exercise(iot: Any, emulator: Any) -> None:
    group = iot.create_thing_group(thingGroupName="fleet")["thingGroupArn"]
    iot.create_thing_group(thingGroupName="eu", parentGroupName="fleet")
    for name in ("a", "b", "c"):
        iot.create_thing(thingName=name, attributePayload={"attributes": {"k": "v"}})
    iot.add_thing_to_thing_group(thingGroupName="eu", thingName="a")
    iot.add_thing_to_thing_group(thingGroupName="fleet", thingName="b")
    thing_c = iot.describe_thing(thingName="c")["thingArn"]
    iot.list_things()
    iot.describe_thing_group(thingGroupName="eu")
    iot.list_thing_groups(recursive=True)
    iot.list_things_in_thing_group(thingGroupName="fleet", recursive=True)
    iot.create_job(
        jobId="rolling",
        targets=[group, thing_c],
        document="{}",
        description="rolling out",
        jobExecutionsRolloutConfig={"maximumPerMinute": 1},
        abortConfig={
            "criteriaList": [
                {
                    "failureType": "ALL",
                    "action": "CANCEL",
                    "thresholdPercentage": 50,
                    "minNumberOfExecutedThings": 1,
                }
            ]
        },
        jobExecutionsRetryConfig={
            "criteriaList": [{"failureType": "FAILED", "numberOfRetries": 2}]
        },
    )
    iot.describe_job(jobId="rolling")  # processingTargets present
    iot.create_job(
        jobId="managed",
        targets=[thing_c],
        jobTemplateArn="arn:aws:iot:us-east-1::jobtemplate/AWS-Install-Application:1.0",
        documentParameters={"packages": "nginx"},
        targetSelection="CONTINUOUS",
        namespaceId="gg",
    )
    iot.create_job(
        jobId="later",
        targets=[thing_c],
        document="{}",
        schedulingConfig={"startTime": "2026-01-03T00:00", "endBehavior": "CANCEL"},
    )
    iot.cancel_job_execution(jobId="rolling", thingName="a", statusDetails={"why": "test"})
    iot.cancel_job(jobId="managed", force=True, reasonCode="R1", comment="c")
    iot.describe_job(jobId="managed")
    iot.describe_job(jobId="later")
    iot.get_job_document(jobId="managed", beforeSubstitution=True)
    iot.list_jobs()
    iot.list_jobs(thingGroupName="fleet")
    iot.list_job_executions_for_job(jobId="rolling")
    iot.list_job_executions_for_thing(thingName="c")
    iot.describe_job_execution(jobId="rolling", thingName="a")
    iot.create_job_template(jobTemplateId="t", description="d", document="{}")
    iot.describe_job_template(jobTemplateId="t")
    iot.list_job_templates()
    iot.list_managed_job_templates()
    iot.describe_managed_job_template(templateName="AWS-Download-File")
    emulator.clock.advance(600)
    iot.describe_job(jobId="rolling")


def test_responses_carry_only_modeled_members_and_enum_values(iot: Any, emulator: Any) -> None:
    recorder = _Recorder()
    iot.meta.events.register("after-call.iot", recorder)
    _exercise(iot, emulator)
    assert len(recorder.calls) >= 30
    for name, body, parsed in recorder.calls:
        shape = MODEL.operation_model(name).output_shape
        rest = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
        if shape is None:
            assert body == {} and rest == {}, name
            continue
        _walk(body, shape, name)
        assert set(rest) <= set(shape.members), name


def test_the_walker_rejects_what_aws_never_sends() -> None:
    """The check above is only worth something if it catches moto-style output."""
    import pytest

    shape = MODEL.operation_model("DescribeJob").output_shape
    for bad in (
        {"job": {"status": "QUEUED"}},  # moto's invalid JobStatus
        {"job": {"jobId": None}},  # a null member
        {"job": {"executionNumber": 123}},  # not a member of Job
        {"job": {"createdAt": 1_767_225_600_000}},  # milliseconds
    ):
        with pytest.raises(AssertionError):
            _walk(bad, shape, "DescribeJob")
