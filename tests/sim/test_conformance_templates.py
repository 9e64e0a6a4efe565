"""Conformance: custom job templates and the AWS managed templates."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

MANAGED = {
    "AWS-Reboot",
    "AWS-Download-File",
    "AWS-Install-Application",
    "AWS-Remove-Application",
    "AWS-Restart-Application",
    "AWS-Start-Application",
    "AWS-Stop-Application",
}


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_custom_template_crud_and_conflict(iot: Any) -> None:
    out = iot.create_job_template(jobTemplateId="fw", description="firmware", document='{"v": 2}')
    assert out["jobTemplateArn"] == "arn:aws:iot:us-east-1:123456789012:jobtemplate/fw"
    described = iot.describe_job_template(jobTemplateId="fw")
    assert described["document"] == '{"v": 2}'
    assert described["description"] == "firmware"
    assert "documentSource" not in described
    with pytest.raises(ClientError) as exc:
        iot.create_job_template(jobTemplateId="fw", description="again", document="{}")
    assert _code(exc) == "ConflictException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    listed = iot.list_job_templates()["jobTemplates"]
    assert [t["jobTemplateId"] for t in listed] == ["fw"]
    iot.delete_job_template(jobTemplateId="fw")
    with pytest.raises(ClientError) as exc:
        iot.describe_job_template(jobTemplateId="fw")
    assert _code(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        iot.delete_job_template(jobTemplateId="fw")
    assert _code(exc) == "ResourceNotFoundException"


def test_list_job_templates_pages(iot: Any, emulator: Any) -> None:
    for i in range(5):
        iot.create_job_template(jobTemplateId=f"t{i}", description="d", document="{}")
        emulator.clock.advance(1)
    first = iot.list_job_templates(maxResults=2)
    second = iot.list_job_templates(maxResults=2, nextToken=first["nextToken"])
    third = iot.list_job_templates(maxResults=2, nextToken=second["nextToken"])
    ids = [t["jobTemplateId"] for p in (first, second, third) for t in p["jobTemplates"]]
    assert ids == ["t4", "t3", "t2", "t1", "t0"]
    assert "nextToken" not in third


def test_template_from_existing_job(iot: Any) -> None:
    arn = iot.create_thing(thingName="a")["thingArn"]
    job = iot.create_job(
        jobId="j",
        targets=[arn],
        document='{"from": "job"}',
        timeoutConfig={"inProgressTimeoutInMinutes": 15},
        jobExecutionsRolloutConfig={"maximumPerMinute": 50},
    )
    iot.create_job_template(jobTemplateId="copy", description="copied", jobArn=job["jobArn"])
    template = iot.describe_job_template(jobTemplateId="copy")
    assert template["document"] == '{"from": "job"}'
    assert template["timeoutConfig"] == {"inProgressTimeoutInMinutes": 15}
    assert template["jobExecutionsRolloutConfig"] == {"maximumPerMinute": 50}
    with pytest.raises(ClientError) as exc:
        iot.create_job_template(
            jobTemplateId="x",
            description="d",
            jobArn="arn:aws:iot:us-east-1:123456789012:job/ghost",
        )
    assert _code(exc) == "ResourceNotFoundException"


def test_job_from_custom_template_uses_config_and_explicit_overrides(iot: Any) -> None:
    arn = iot.create_thing(thingName="a")["thingArn"]
    template_arn = iot.create_job_template(
        jobTemplateId="fw",
        description="firmware",
        document='{"v": 1}',
        timeoutConfig={"inProgressTimeoutInMinutes": 10},
        jobExecutionsRolloutConfig={"maximumPerMinute": 100},
    )["jobTemplateArn"]
    iot.create_job(
        jobId="j",
        targets=[arn],
        jobTemplateArn=template_arn,
        timeoutConfig={"inProgressTimeoutInMinutes": 20},
    )
    job = iot.describe_job(jobId="j")["job"]
    assert job["jobTemplateArn"] == template_arn
    assert job["timeoutConfig"] == {"inProgressTimeoutInMinutes": 20}  # explicit wins
    assert job["jobExecutionsRolloutConfig"] == {"maximumPerMinute": 100}  # from the template
    assert iot.get_job_document(jobId="j")["document"] == '{"v": 1}'
    with pytest.raises(ClientError) as exc:
        iot.create_job(
            jobId="k", targets=[arn], jobTemplateArn=template_arn, documentParameters={"a": "b"}
        )
    assert _code(exc) == "InvalidRequestException"
    with pytest.raises(ClientError) as exc:
        iot.create_job(
            jobId="k",
            targets=[arn],
            jobTemplateArn="arn:aws:iot:us-east-1:123456789012:jobtemplate/ghost",
        )
    assert _code(exc) == "ResourceNotFoundException"


def test_managed_templates_list_and_describe(iot: Any) -> None:
    summaries = iot.list_managed_job_templates()["managedJobTemplates"]
    assert {s["templateName"] for s in summaries} == MANAGED
    for summary in summaries:
        name = summary["templateName"]
        assert summary["templateArn"] == f"arn:aws:iot:us-east-1::jobtemplate/{name}:1.0"
        assert summary["templateVersion"] == "1.0"
        described = iot.describe_managed_job_template(templateName=name)
        keys = {p["key"] for p in described["documentParameters"]}
        assert {"runAsUser", "pathToHandler"} <= keys
        for param in described["documentParameters"]:
            assert set(param) == {"key", "description", "regex", "example", "optional"}
            assert re.fullmatch(param["regex"], param["example"]), param
            assert f"${{aws:iot:parameter:{param['key']}}}" in described["document"]
        optional = {p["key"] for p in described["documentParameters"] if p["optional"]}
        assert {"runAsUser", "pathToHandler"} <= optional
        json.loads(described["document"])
    only = iot.list_managed_job_templates(templateName="AWS-Reboot")["managedJobTemplates"]
    assert [t["templateName"] for t in only] == ["AWS-Reboot"]
    with pytest.raises(ClientError) as exc:
        iot.describe_managed_job_template(templateName="AWS-Nope")
    assert _code(exc) == "ResourceNotFoundException"


def test_job_from_managed_template_substitutes_parameters(iot: Any) -> None:
    arn = iot.create_thing(thingName="a")["thingArn"]
    template_arn = "arn:aws:iot:us-east-1::jobtemplate/AWS-Download-File:1.0"
    params = {"downloadUrl": "https://example.com/fw.bin", "filePath": "/opt/fw.bin"}
    iot.create_job(jobId="j", targets=[arn], jobTemplateArn=template_arn, documentParameters=params)
    document = iot.get_job_document(jobId="j")["document"]
    assert "https://example.com/fw.bin" in document and "/opt/fw.bin" in document
    assert "${aws:iot:parameter:downloadUrl}" not in document
    before = iot.get_job_document(jobId="j", beforeSubstitution=True)["document"]
    assert "${aws:iot:parameter:downloadUrl}" in before
    job = iot.describe_job(jobId="j", beforeSubstitution=True)["job"]
    assert job["documentParameters"] == params
    assert job["jobTemplateArn"] == template_arn


def test_managed_template_parameter_validation(iot: Any) -> None:
    arn = iot.create_thing(thingName="a")["thingArn"]
    template_arn = "arn:aws:iot:us-east-1::jobtemplate/AWS-Download-File:1.0"
    cases = [
        {"downloadUrl": "https://example.com/x"},  # filePath missing
        {"downloadUrl": "ftp://example.com/x", "filePath": "/x"},  # regex mismatch
        {"downloadUrl": "https://e.com/x", "filePath": "/x", "extra": "y"},  # unknown key
    ]
    for i, params in enumerate(cases):
        with pytest.raises(ClientError) as exc:
            iot.create_job(
                jobId=f"j{i}", targets=[arn], jobTemplateArn=template_arn, documentParameters=params
            )
        assert _code(exc) == "InvalidRequestException", params
    with pytest.raises(ClientError) as exc:
        iot.create_job(
            jobId="x",
            targets=[arn],
            jobTemplateArn="arn:aws:iot:us-east-1::jobtemplate/AWS-Nope:1.0",
        )
    assert _code(exc) == "ResourceNotFoundException"
    # A template without required parameters needs none.
    iot.create_job(
        jobId="reboot",
        targets=[arn],
        jobTemplateArn="arn:aws:iot:us-east-1::jobtemplate/AWS-Reboot:1.0",
    )
    assert "reboot.sh" in iot.get_job_document(jobId="reboot")["document"]
