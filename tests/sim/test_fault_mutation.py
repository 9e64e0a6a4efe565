"""Response mutation: unknown enums, dropped, extra and mistyped members, 10 KB strings."""

from __future__ import annotations

import json
import random
import urllib.request
from typing import Any

import pytest

from iotjobs_tui.sim.api.registry import CONTROL, DEVICE
from iotjobs_tui.sim.server import SimServer
from iotjobs_tui.sim.wire.faults.mutation import apply, mutate_body
from iotjobs_tui.sim.wire.faults.rules import parse_rule
from tests.sim.fault_kit import create_job, outcome, set_rules

THINGS = ("t1", "t2", "t3")


@pytest.fixture
def job(iot: Any) -> None:
    create_job(iot, "j1", THINGS)
    create_job(iot, "j2", ("t4",))


def summaries(iot: Any) -> list[dict[str, Any]]:
    return list(iot.list_job_executions_for_job(jobId="j1")["executionSummaries"])


def test_unknown_enum_named_everywhere_and_scoped(
    sim_server: SimServer, iot: Any, job: None
) -> None:
    url = sim_server.base_url
    set_rules(
        url,
        alien={"fault": "unknown-enum", "member": "status", "operations": ["DescribeJob"]},
    )
    assert iot.describe_job(jobId="j1")["job"]["status"] == "PAUSED_BY_ALIEN"
    assert {j["status"] for j in iot.list_jobs()["jobs"]} == {"IN_PROGRESS"}  # out of scope
    set_rules(
        url,
        alien={
            "fault": "unknown-enum",
            "member": "status",
            "value": "QUARANTINED",
            "operations": "ListJobExecutionsForJob",
        },
    )
    statuses = [s["jobExecutionSummary"]["status"] for s in summaries(iot)]
    assert statuses == ["QUARANTINED"] * 3
    set_rules(url, alien=None)
    assert {s["jobExecutionSummary"]["status"] for s in summaries(iot)} == {"QUEUED"}


def test_unnamed_mutations_change_one_place_drawn_with_the_seed(
    sim_server: SimServer, iot: Any, job: None
) -> None:
    url = sim_server.base_url
    normal = summaries(iot)

    def run(seed: int) -> list[list[dict[str, Any]]]:
        urllib.request.urlopen(
            urllib.request.Request(
                f"{url}/_sim/faults",
                data=json.dumps({"seed": seed, "rules": {"d": {"fault": "drop-member"}}}).encode(),
                method="POST",
            ),
            timeout=5,
        ).read()
        return [summaries(iot) for _ in range(5)]

    first = run(1)
    assert first == run(1)  # deterministic
    for page in first:
        dropped = sum(
            len(a) - len(b) + len(a["jobExecutionSummary"]) - len(b.get("jobExecutionSummary", {}))
            for a, b in zip(normal, page, strict=True)
        )
        assert dropped in (1, len(normal[0]["jobExecutionSummary"]) + 1)  # a member, or a whole
    assert any(run(s) != first for s in (2, 3, 4))


def test_drop_member_named(sim_server: SimServer, iot: Any, job: None) -> None:
    set_rules(sim_server.base_url, d={"fault": "drop-member", "member": "thingArn"})
    assert all("thingArn" not in s for s in summaries(iot))
    job_detail = iot.describe_job(jobId="j1")["job"]
    assert "jobArn" in job_detail  # other members stay


def test_extra_members_are_sent_and_ignored_by_botocore(
    sim_server: SimServer, iot: Any, job: None
) -> None:
    before = iot.describe_job(jobId="j1")["job"]
    set_rules(sim_server.base_url, x={"fault": "extra-member", "operations": ["DescribeJob"]})
    assert iot.describe_job(jobId="j1")["job"] == before  # botocore keeps modeled members only
    with urllib.request.urlopen(f"{sim_server.base_url}/jobs/j1", timeout=5) as response:
        raw = json.loads(response.read())
    assert raw["simExtraMember"] == raw["job"]["simExtraMember"] == "added by the emulator"
    assert raw["job"]["presignedUrlConfig"]["simExtraMember"] == "added by the emulator"


def test_wrong_types(sim_server: SimServer, iot: Any, jobs_data: Any, job: None) -> None:
    url = sim_server.base_url
    set_rules(url, w={"fault": "wrong-type", "member": "description"})
    assert iot.describe_job(jobId="j1")["job"]["description"] == 42  # a number for a string
    # A boolean becomes "yes", which botocore reads as False.
    set_rules(url, w={"fault": "wrong-type", "member": "isConcurrent"})
    with urllib.request.urlopen(f"{url}/jobs", timeout=5) as response:
        assert {j["isConcurrent"] for j in json.loads(response.read())["jobs"]} == {"yes"}
    assert {j["isConcurrent"] for j in iot.list_jobs()["jobs"]} == {False}
    # A number becomes text botocore cannot convert: its parser raises, as it would at AWS.
    set_rules(url, w={"fault": "wrong-type", "member": "versionNumber"})
    with pytest.raises(ValueError, match="forty-two"):
        iot.describe_job_execution(jobId="j1", thingName="t1")
    with pytest.raises(ValueError, match="forty-two"):
        jobs_data.describe_job_execution(jobId="j1", thingName="t1")  # the device plane too
    set_rules(url, w=None)
    assert iot.describe_job_execution(jobId="j1", thingName="t1")["execution"]["versionNumber"]


def test_long_strings(sim_server: SimServer, iot: Any, job: None) -> None:
    url = sim_server.base_url
    set_rules(url, long={"fault": "long-string", "member": "jobId", "operations": "ListJobs"})
    ids = [j["jobId"] for j in iot.list_jobs()["jobs"]]
    assert [len(i) for i in ids] == [10 * 1024] * 2
    assert sorted(i[:2] for i in ids) == ["j1", "j2"]  # the old value first
    set_rules(url, long={"fault": "long-string", "member": "document", "size": 100})
    assert len(iot.get_job_document(jobId="j1")["document"]) == 100


def test_replace_and_errors_are_not_mutated(sim_server: SimServer, iot: Any, job: None) -> None:
    url = sim_server.base_url
    set_rules(url, r={"fault": "replace", "member": "status", "value": {"odd": [1]}})
    assert iot.describe_job(jobId="j1")["job"]["status"] == {"odd": [1]}
    assert outcome(lambda: iot.describe_job(jobId="nope")) == ("ResourceNotFoundException", 404)
    set_rules(url, r=None)
    assert iot.describe_job(jobId="j1")["job"]["status"] == "IN_PROGRESS"


def test_apply_directly() -> None:
    from iotjobs_tui.sim.wire.faults import mutation as fault_mutation

    shape = fault_mutation._body_shape(CONTROL, "ListJobs")
    assert shape is not None
    document = {"jobs": [{"jobId": "a", "status": "IN_PROGRESS"}], "nextToken": "n"}
    rng = random.Random(0)
    assert apply("unknown-enum", {}, document, shape, rng) == 1
    assert document["jobs"][0]["status"] == "PAUSED_BY_ALIEN"
    assert apply("wrong-type", {"member": "nope"}, document, shape, rng) == 0
    assert mutate_body(CONTROL, "ListJobs", b"not json", [("drop-member", {}, rng)]) == (
        b"not json"
    )
    body = mutate_body(DEVICE, "GetPendingJobExecutions", b"{}", [("extra-member", {}, rng)])
    assert json.loads(body) == {"simExtraMember": "added by the emulator"}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"fault": "replace", "member": "status"}, "a replace fault needs value"),
        ({"fault": "drop-member", "member": "stauts"}, "has a member 'stauts'"),
        (
            {"fault": "unknown-enum", "member": "document", "operations": ["ListJobs"]},
            "no response of those operations has a member 'document'",
        ),
        ({"fault": "long-string", "size": 0}, "long-string size must be a whole number"),
        ({"fault": "wrong-type", "share": 2}, "wrong-type share must be between 0 and 1"),
        ({"fault": "drop-member", "colour": "red"}, "unknown field 'colour'"),
        ({"fault": "mangle"}, "unknown fault 'mangle'"),
    ],
)
def test_bad_mutation_rules(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_rule(rule)
