"""Conformance: job creation, target expansion, rollout, counters, completion, listing."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.sim.emulator import Emulator, EmulatorConfig

DOC = '{"operation": "update"}'
COUNTERS = {
    "numberOfCanceledThings",
    "numberOfSucceededThings",
    "numberOfFailedThings",
    "numberOfRejectedThings",
    "numberOfQueuedThings",
    "numberOfInProgressThings",
    "numberOfRemovedThings",
    "numberOfTimedOutThings",
}


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def _things(iot: Any, *names: str) -> dict[str, str]:
    return {n: iot.create_thing(thingName=n)["thingArn"] for n in names}


def _group(iot: Any, name: str, parent: str | None = None, things: tuple[str, ...] = ()) -> str:
    kw: dict[str, Any] = {"thingGroupName": name}
    if parent:
        kw["parentGroupName"] = parent
    arn = str(iot.create_thing_group(**kw)["thingGroupArn"])
    for thing in things:
        iot.add_thing_to_thing_group(thingGroupName=name, thingName=thing)
    return arn


def _exec_things(iot: Any, job_id: str) -> list[str]:
    out: list[str] = []
    token = None
    while True:
        kw: dict[str, Any] = {"jobId": job_id, "maxResults": 250}
        if token:
            kw["nextToken"] = token
        page = iot.list_job_executions_for_job(**kw)
        out += [s["thingArn"].rsplit("/", 1)[1] for s in page["executionSummaries"]]
        token = page.get("nextToken")
        if not token:
            return out


def _status_of(iot: Any, job_id: str, thing: str) -> str:
    return str(iot.describe_job_execution(jobId=job_id, thingName=thing)["execution"]["status"])


def _details(iot: Any, job_id: str) -> dict[str, Any]:
    return dict(iot.describe_job(jobId=job_id)["job"]["jobProcessDetails"])


def test_group_targets_expand_to_child_groups_and_dedup(iot: Any) -> None:
    arns = _things(iot, "a", "b", "c", "d", "outside")
    fleet = _group(iot, "fleet", things=("a",))
    eu = _group(iot, "eu", parent="fleet", things=("b",))
    _group(iot, "eu-west", parent="eu", things=("c",))
    lab = _group(iot, "lab", things=("d",))
    # "b" and "c" are reached through both fleet and eu; "d" through lab and directly.
    iot.create_job(jobId="j", targets=[fleet, eu, lab, arns["d"]], document=DOC)
    things = _exec_things(iot, "j")
    assert sorted(things) == ["a", "b", "c", "d"]
    assert len(things) == len(set(things))
    assert _details(iot, "j")["numberOfQueuedThings"] == 4


def test_unknown_target_is_not_found_and_targets_are_capped(iot: Any) -> None:
    arns = _things(iot, "a")
    ghost = "arn:aws:iot:us-east-1:123456789012:thinggroup/ghost"
    with pytest.raises(ClientError) as exc:
        iot.create_job(jobId="j", targets=[arns["a"], ghost], document=DOC)
    assert _code(exc) == "ResourceNotFoundException"
    many = [f"arn:aws:iot:us-east-1:123456789012:thing/t{i}" for i in range(101)]
    with pytest.raises(ClientError) as exc:
        iot.create_job(jobId="j", targets=many, document=DOC)
    assert _code(exc) == "LimitExceededException"
    with pytest.raises(ClientError):
        iot.describe_job(jobId="j")


def test_document_rules(iot: Any) -> None:
    arns = _things(iot, "a")
    with pytest.raises(ClientError) as exc:
        iot.create_job(jobId="j", targets=[arns["a"]])
    assert _code(exc) == "InvalidRequestException"
    with pytest.raises(ClientError) as exc:
        iot.create_job(
            jobId="j", targets=[arns["a"]], document=DOC, documentSource="https://s3/x/doc.json"
        )
    assert _code(exc) == "InvalidRequestException"
    with pytest.raises(ClientError) as exc:
        iot.create_job(jobId="j", targets=[arns["a"]], document=DOC, documentParameters={"k": "v"})
    assert _code(exc) == "InvalidRequestException"


def test_document_source_is_top_level_and_read_at_creation(iot: Any, emulator: Emulator) -> None:
    arns = _things(iot, "a")
    url = "https://s3.us-east-1.amazonaws.com/bucket/job.json"
    emulator.s3_objects[url] = '{"from": "s3"}'
    iot.create_job(jobId="j", targets=[arns["a"]], documentSource=url)
    emulator.s3_objects[url] = '{"changed": true}'
    described = iot.describe_job(jobId="j")
    assert described["documentSource"] == url
    assert "documentSource" not in described["job"]
    assert iot.get_job_document(jobId="j")["document"] == '{"from": "s3"}'
    with pytest.raises(ClientError) as exc:
        iot.create_job(jobId="k", targets=[arns["a"]], documentSource="https://s3/none.json")
    assert _code(exc) == "InvalidRequestException"


def test_duplicate_job_id_is_resource_already_exists(iot: Any) -> None:
    arns = _things(iot, "a")
    iot.create_job(jobId="j", targets=[arns["a"]], document=DOC)
    with pytest.raises(ClientError) as exc:
        iot.create_job(jobId="j", targets=[arns["a"]], document=DOC)
    assert _code(exc) == "ResourceAlreadyExistsException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert exc.value.response["resourceId"] == "j"
    assert exc.value.response["resourceArn"] == "arn:aws:iot:us-east-1:123456789012:job/j"


def test_describe_job_shape_matches_aws_output(iot: Any) -> None:
    arns = _things(iot, "a")
    iot.create_job(jobId="j", targets=[arns["a"]], document=DOC)
    job = iot.describe_job(jobId="j")["job"]
    assert job["status"] == "IN_PROGRESS"
    assert job["targetSelection"] == "SNAPSHOT"
    assert job["presignedUrlConfig"] == {}
    assert job["jobExecutionsRolloutConfig"] == {}
    assert job["timeoutConfig"] == {}
    assert set(job["jobProcessDetails"]) == COUNTERS
    assert job["isConcurrent"] is False
    for absent in ("description", "completedAt", "abortConfig", "comment", "reasonCode"):
        assert absent not in job


def test_execution_numbers_and_version_numbers_start_at_one(iot: Any) -> None:
    arns = _things(iot, "a", "b")
    iot.create_job(jobId="j1", targets=[arns["a"], arns["b"]], document=DOC)
    iot.create_job(jobId="j2", targets=[arns["a"]], document=DOC)
    for job_id in ("j1", "j2"):
        execution = iot.describe_job_execution(jobId=job_id, thingName="a")["execution"]
        assert execution["executionNumber"] == 1
        assert execution["versionNumber"] == 1
    # A change of the execution adds 1 to versionNumber.
    iot.cancel_job_execution(jobId="j1", thingName="a", expectedVersion=1)
    after = iot.describe_job_execution(jobId="j1", thingName="a", executionNumber=1)["execution"]
    assert after["versionNumber"] == 2
    assert after["executionNumber"] == 1


def test_initial_version_number_switch(emulator: Emulator, iot: Any) -> None:
    emulator.config.initial_version_number = 0
    arns = _things(iot, "a")
    iot.create_job(jobId="j", targets=[arns["a"]], document=DOC)
    assert iot.describe_job_execution(jobId="j", thingName="a")["execution"]["versionNumber"] == 0


def test_queued_execution_has_no_started_at(iot: Any) -> None:
    arns = _things(iot, "a")
    iot.create_job(jobId="j", targets=[arns["a"]], document=DOC)
    execution = iot.describe_job_execution(jobId="j", thingName="a")["execution"]
    assert execution["status"] == "QUEUED"
    assert "startedAt" not in execution
    assert execution["statusDetails"] == {}
    assert "forceCanceled" not in execution
    summary = iot.list_job_executions_for_job(jobId="j")["executionSummaries"][0]
    assert "startedAt" not in summary["jobExecutionSummary"]
    assert summary["jobExecutionSummary"]["retryAttempt"] == 0


def test_counters_are_derived_from_executions(iot: Any) -> None:
    arns = _things(iot, "a", "b", "c")
    iot.create_job(jobId="j", targets=list(arns.values()), document=DOC)
    iot.cancel_job_execution(jobId="j", thingName="a")
    details = _details(iot, "j")
    assert details["numberOfQueuedThings"] == 2
    assert details["numberOfCanceledThings"] == 1
    assert sum(details[c] for c in COUNTERS) == len(_exec_things(iot, "j"))
    iot.delete_job_execution(jobId="j", thingName="a", executionNumber=1)
    details = _details(iot, "j")
    assert details["numberOfCanceledThings"] == 0
    assert sum(details[c] for c in COUNTERS) == 2


def test_rate_limited_rollout_shows_processing_targets(iot: Any, emulator: Emulator) -> None:
    names = [f"t{i:02d}" for i in range(25)]
    _things(iot, *names)
    group = _group(iot, "fleet", things=tuple(names))
    iot.create_job(
        jobId="j",
        targets=[group],
        document=DOC,
        jobExecutionsRolloutConfig={"maximumPerMinute": 10},
    )
    job = iot.describe_job(jobId="j")["job"]
    # The first minute's batch exists at once; the rest are still being rolled out.
    assert job["jobProcessDetails"]["numberOfQueuedThings"] == 10
    assert job["jobProcessDetails"]["processingTargets"] == [group]
    assert job["isConcurrent"] is True
    assert iot.list_jobs()["jobs"][0]["isConcurrent"] is True
    emulator.clock.advance(59)
    assert _details(iot, "j")["numberOfQueuedThings"] == 10
    emulator.clock.advance(31)  # 90 s in: half a minute's worth more
    assert _details(iot, "j")["numberOfQueuedThings"] == 15
    emulator.clock.advance(60)
    job = iot.describe_job(jobId="j")["job"]
    assert job["jobProcessDetails"]["numberOfQueuedThings"] == 25
    assert "processingTargets" not in job["jobProcessDetails"]
    assert job["isConcurrent"] is False
    assert sorted(_exec_things(iot, "j")) == names


def test_default_rollout_rate_is_1000_per_minute(iot: Any, emulator: Emulator) -> None:
    emulator.config.default_rollout_per_minute = 4  # the switch AWS's 1000/min default sets
    _things(iot, *[f"t{i}" for i in range(6)])
    group = _group(iot, "fleet", things=tuple(f"t{i}" for i in range(6)))
    iot.create_job(jobId="j", targets=[group], document=DOC)
    assert _details(iot, "j")["numberOfQueuedThings"] == 4
    emulator.clock.advance(90)
    assert _details(iot, "j")["numberOfQueuedThings"] == 6
    assert EmulatorConfig().default_rollout_per_minute == 1000


def test_snapshot_job_completes_when_every_execution_is_terminal(
    iot: Any, emulator: Emulator
) -> None:
    arns = _things(iot, "a", "b")
    iot.create_job(jobId="j", targets=list(arns.values()), document=DOC)
    iot.cancel_job_execution(jobId="j", thingName="a")
    assert iot.describe_job(jobId="j")["job"]["status"] == "IN_PROGRESS"
    emulator.clock.advance(42)
    iot.cancel_job_execution(jobId="j", thingName="b")
    job = iot.describe_job(jobId="j")["job"]
    assert job["status"] == "COMPLETED"
    assert job["completedAt"].timestamp() == pytest.approx(1_767_225_642.0)
    assert iot.list_jobs(status="COMPLETED")["jobs"][0]["jobId"] == "j"


def test_snapshot_job_waits_for_rollout_before_completing(iot: Any, emulator: Emulator) -> None:
    _things(iot, "a", "b", "c")
    group = _group(iot, "g", things=("a", "b", "c"))
    iot.create_job(
        jobId="j", targets=[group], document=DOC, jobExecutionsRolloutConfig={"maximumPerMinute": 1}
    )
    iot.cancel_job_execution(jobId="j", thingName="a")
    # Every existing execution is terminal, but two targets have none yet.
    assert iot.describe_job(jobId="j")["job"]["status"] == "IN_PROGRESS"


def test_continuous_job_picks_up_thing_added_to_child_group(iot: Any) -> None:
    _things(iot, "a", "late")
    fleet = _group(iot, "fleet", things=("a",))
    _group(iot, "eu", parent="fleet")
    iot.create_job(jobId="j", targets=[fleet], document=DOC, targetSelection="CONTINUOUS")
    iot.cancel_job_execution(jobId="j", thingName="a")
    # A continuous job never completes without a scheduling endTime.
    assert iot.describe_job(jobId="j")["job"]["status"] == "IN_PROGRESS"
    iot.add_thing_to_thing_group(thingGroupName="eu", thingName="late")
    execution = iot.describe_job_execution(jobId="j", thingName="late")["execution"]
    assert execution["status"] == "QUEUED"
    assert execution["executionNumber"] == 1
    assert _details(iot, "j")["numberOfQueuedThings"] == 1


def test_snapshot_job_ignores_things_added_later(iot: Any) -> None:
    _things(iot, "a", "late")
    fleet = _group(iot, "fleet", things=("a",))
    iot.create_job(jobId="j", targets=[fleet], document=DOC)
    iot.add_thing_to_thing_group(thingGroupName="fleet", thingName="late")
    assert _exec_things(iot, "j") == ["a"]


def test_thing_leaving_continuous_target_gets_removed(iot: Any) -> None:
    arns = _things(iot, "a", "site:b")  # thing names may contain ":"
    fleet = _group(iot, "fleet", things=("a", "site:b"))
    iot.create_job(
        jobId="j", targets=[fleet, arns["site:b"]], document=DOC, targetSelection="CONTINUOUS"
    )
    iot.remove_thing_from_thing_group(thingGroupName="fleet", thingName="a")
    iot.remove_thing_from_thing_group(thingGroupName="fleet", thingName="site:b")
    assert iot.describe_job_execution(jobId="j", thingName="a")["execution"]["status"] == "REMOVED"
    # Still a direct target, so it keeps its execution.
    assert _status_of(iot, "j", "site:b") == "QUEUED"
    assert _details(iot, "j")["numberOfRemovedThings"] == 1
    # Rejoining starts a new execution with the next executionNumber.
    iot.add_thing_to_thing_group(thingGroupName="fleet", thingName="a")
    latest = iot.describe_job_execution(jobId="j", thingName="a")["execution"]
    assert (latest["status"], latest["executionNumber"]) == ("QUEUED", 2)


def test_deleting_a_thing_removes_its_active_executions(iot: Any) -> None:
    arns = _things(iot, "a", "b")
    iot.create_job(jobId="j", targets=list(arns.values()), document=DOC)
    iot.delete_thing(thingName="a")
    details = _details(iot, "j")
    assert details["numberOfRemovedThings"] == 1
    assert details["numberOfQueuedThings"] == 1


def test_associate_targets_only_for_continuous_in_progress(iot: Any) -> None:
    _things(iot, "a", "b")
    g1 = _group(iot, "g1", things=("a",))
    g2 = _group(iot, "g2", things=("b",))
    iot.create_job(jobId="snap", targets=[g1], document=DOC)
    with pytest.raises(ClientError) as exc:
        iot.associate_targets_with_job(jobId="snap", targets=[g2])
    assert _code(exc) == "InvalidRequestException"
    iot.create_job(jobId="cont", targets=[g1], document=DOC, targetSelection="CONTINUOUS")
    out = iot.associate_targets_with_job(jobId="cont", targets=[g2], comment="add g2")
    assert out["jobId"] == "cont"
    job = iot.describe_job(jobId="cont")["job"]
    assert job["targets"] == [g1, g2]
    assert job["comment"] == "add g2"
    assert sorted(_exec_things(iot, "cont")) == ["a", "b"]
    with pytest.raises(ClientError) as exc:
        iot.associate_targets_with_job(
            jobId="cont", targets=["arn:aws:iot:us-east-1:123456789012:thinggroup/ghost"]
        )
    assert _code(exc) == "ResourceNotFoundException"
    iot.cancel_job(jobId="cont")
    with pytest.raises(ClientError) as exc:
        iot.associate_targets_with_job(jobId="cont", targets=[g2])
    assert _code(exc) == "InvalidRequestException"


def test_associate_targets_total_is_capped(iot: Any, emulator: Emulator) -> None:
    emulator.config.max_targets = 2
    _things(iot, "a")
    groups = [_group(iot, f"g{i}") for i in range(3)]
    iot.create_job(jobId="j", targets=groups[:2], document=DOC, targetSelection="CONTINUOUS")
    with pytest.raises(ClientError) as exc:
        iot.associate_targets_with_job(jobId="j", targets=[groups[2]])
    assert _code(exc) == "LimitExceededException"


def test_scheduled_job_reports_scheduled_and_echoes_config(iot: Any, emulator: Emulator) -> None:
    arns = _things(iot, "a")
    config = {"startTime": "2026-01-01T02:00", "endBehavior": "STOP_ROLLOUT"}
    iot.create_job(jobId="j", targets=[arns["a"]], document=DOC, schedulingConfig=config)
    job = iot.describe_job(jobId="j")["job"]
    assert job["status"] == "SCHEDULED"
    assert job["schedulingConfig"] == config
    assert _exec_things(iot, "j") == []
    emulator.clock.advance(2 * 3600)
    assert iot.describe_job(jobId="j")["job"]["status"] == "IN_PROGRESS"
    assert _exec_things(iot, "j") == ["a"]


def test_scheduling_time_rules(iot: Any) -> None:
    arns = _things(iot, "a")
    bad = [
        {"startTime": "2026-01-01T00:10"},  # less than 30 minutes ahead
        {"startTime": "2027-06-01T00:00"},  # more than a year ahead
        {"startTime": "2026-01-01T02:00", "endTime": "2026-01-01T02:10"},  # < 30 min apart
        {"startTime": "not a time"},
    ]
    for i, config in enumerate(bad):
        with pytest.raises(ClientError) as exc:
            iot.create_job(
                jobId=f"j{i}", targets=[arns["a"]], document=DOC, schedulingConfig=config
            )
        assert _code(exc) == "InvalidRequestException", config


def _all_job_ids(iot: Any, page_size: int, **filters: Any) -> tuple[list[str], int]:
    ids: list[str] = []
    token = None
    pages = 0
    while True:
        kw: dict[str, Any] = {"maxResults": page_size, **filters}
        if token:
            kw["nextToken"] = token
        page = iot.list_jobs(**kw)
        pages += 1
        ids += [j["jobId"] for j in page["jobs"]]
        token = page.get("nextToken")
        if not token:
            return ids, pages


def test_list_jobs_pages_newest_first_across_inserts(iot: Any, emulator: Emulator) -> None:
    arns = _things(iot, "a")
    for i in range(7):
        iot.create_job(jobId=f"j{i}", targets=[arns["a"]], document=DOC)
        emulator.clock.advance(1)
    first = iot.list_jobs(maxResults=3)
    assert [j["jobId"] for j in first["jobs"]] == ["j6", "j5", "j4"]
    iot.create_job(jobId="newer", targets=[arns["a"]], document=DOC)  # inserted between pages
    second = iot.list_jobs(maxResults=3, nextToken=first["nextToken"])
    assert [j["jobId"] for j in second["jobs"]] == ["j3", "j2", "j1"]
    third = iot.list_jobs(maxResults=3, nextToken=second["nextToken"])
    assert [j["jobId"] for j in third["jobs"]] == ["j0"]
    assert "nextToken" not in third
    ids, pages = _all_job_ids(iot, 2)
    assert ids == ["newer", "j6", "j5", "j4", "j3", "j2", "j1", "j0"]
    assert pages == 4


def test_list_jobs_invalid_token(iot: Any) -> None:
    with pytest.raises(ClientError) as exc:
        iot.list_jobs(nextToken="not-a-token")
    assert _code(exc) == "InvalidRequestException"


def test_list_jobs_filters(iot: Any, emulator: Emulator) -> None:
    arns = _things(iot, "a", "b")
    g = _group(iot, "g", things=("b",))
    iot.create_job(jobId="plain", targets=[arns["a"]], document=DOC)
    iot.create_job(jobId="cont", targets=[g], document=DOC, targetSelection="CONTINUOUS")
    iot.create_job(jobId="ns", targets=[arns["a"]], document=DOC, namespaceId="greengrass")
    iot.create_job(
        jobId="later",
        targets=[g],
        document=DOC,
        schedulingConfig={"startTime": "2026-01-02T00:00"},
    )
    iot.create_job(jobId="done", targets=[arns["a"]], document=DOC)
    iot.cancel_job(jobId="done")
    ids = lambda **kw: sorted(j["jobId"] for j in iot.list_jobs(**kw)["jobs"])  # noqa: E731
    assert ids(status="CANCELED") == ["done"]
    assert ids(status="SCHEDULED") == ["later"]
    assert ids(targetSelection="CONTINUOUS") == ["cont"]
    assert ids(namespaceId="greengrass") == ["ns"]
    # Filtering by group omits SCHEDULED jobs (aws/aws-cli#8924), and fills in thingGroupId.
    by_group = iot.list_jobs(thingGroupName="g")["jobs"]
    group_id = iot.describe_thing_group(thingGroupName="g")["thingGroupId"]
    assert [j["jobId"] for j in by_group] == ["cont"]
    assert by_group[0]["thingGroupId"] == group_id
    assert ids(thingGroupId=group_id) == ["cont"]
    with pytest.raises(ClientError) as exc:
        iot.list_jobs(thingGroupName="ghost")
    assert _code(exc) == "ResourceNotFoundException"
    assert len(iot.list_jobs()["jobs"]) == 5


def test_update_job_changes_supported_fields(iot: Any, emulator: Emulator) -> None:
    arns = _things(iot, "a")
    iot.create_job(jobId="j", targets=[arns["a"]], document=DOC)
    emulator.clock.advance(10)
    iot.update_job(
        jobId="j",
        description="new",
        timeoutConfig={"inProgressTimeoutInMinutes": 30},
        abortConfig={
            "criteriaList": [
                {
                    "failureType": "FAILED",
                    "action": "CANCEL",
                    "thresholdPercentage": 20.5,
                    "minNumberOfExecutedThings": 10,
                }
            ]
        },
    )
    job = iot.describe_job(jobId="j")["job"]
    assert job["description"] == "new"
    assert job["timeoutConfig"] == {"inProgressTimeoutInMinutes": 30}
    assert job["abortConfig"]["criteriaList"][0]["thresholdPercentage"] == 20.5
    assert job["lastUpdatedAt"].timestamp() == pytest.approx(1_767_225_610.0)
    with pytest.raises(ClientError) as exc:
        iot.update_job(
            jobId="j",
            jobExecutionsRetryConfig={
                "criteriaList": [{"failureType": "ALL", "numberOfRetries": 11}]
            },
        )
    assert _code(exc) == "InvalidRequestException"
    with pytest.raises(ClientError) as exc:
        iot.update_job(jobId="ghost", description="x")
    assert _code(exc) == "ResourceNotFoundException"


def test_namespace_must_match(iot: Any) -> None:
    arns = _things(iot, "a")
    iot.create_job(jobId="j", targets=[arns["a"]], document=DOC, namespaceId="gg")
    iot.update_job(jobId="j", namespaceId="gg", description="ok")
    with pytest.raises(ClientError) as exc:
        iot.update_job(jobId="j", namespaceId="other", description="x")
    assert _code(exc) == "ResourceNotFoundException"


def test_maintenance_windows_keep_a_job_scheduled(iot: Any) -> None:
    arns = _things(iot, "a")
    windows = [{"startTime": "cron(0 2 ? * SUN *)", "durationInMinutes": 120}]
    iot.create_job(
        jobId="j",
        targets=[arns["a"]],
        document=DOC,
        schedulingConfig={"maintenanceWindows": windows},
    )
    job = iot.describe_job(jobId="j")["job"]
    assert job["status"] == "SCHEDULED"
    assert job["schedulingConfig"]["maintenanceWindows"] == windows


def test_exponential_rollout_speeds_up(iot: Any, emulator: Emulator) -> None:
    names = tuple(f"t{i:02d}" for i in range(40))
    _things(iot, *names)
    group = _group(iot, "g", things=names)
    iot.create_job(
        jobId="const",
        targets=[group],
        document=DOC,
        jobExecutionsRolloutConfig={"maximumPerMinute": 2},
    )
    iot.create_job(
        jobId="exp",
        targets=[group],
        document=DOC,
        jobExecutionsRolloutConfig={
            "exponentialRate": {
                "baseRatePerMinute": 2,
                "incrementFactor": 2.0,
                "rateIncreaseCriteria": {"numberOfNotifiedThings": 2},
            }
        },
    )
    assert _details(iot, "exp")["numberOfQueuedThings"] == 2  # the base rate's first batch
    emulator.clock.advance(180)
    constant = _details(iot, "const")["numberOfQueuedThings"]
    exponential = _details(iot, "exp")["numberOfQueuedThings"]
    assert constant == 6  # 2/min: 2 at once, then 2 per minute after the first minute
    assert exponential > 2 * constant
    with pytest.raises(ClientError) as exc:
        iot.create_job(
            jobId="bad",
            targets=[group],
            document=DOC,
            jobExecutionsRolloutConfig={
                "exponentialRate": {
                    "baseRatePerMinute": 2,
                    "incrementFactor": 1.55,
                    "rateIncreaseCriteria": {"numberOfNotifiedThings": 2},
                }
            },
        )
    assert _code(exc) == "InvalidRequestException"
