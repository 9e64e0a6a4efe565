"""The IoT Jobs vocabulary matches botocore's model, and its members are their wire strings."""

import json

import botocore.session

from iotjobs_tui.common.statuses import (
    COUNTER_MEMBERS,
    EXEC_ACTIVE,
    EXEC_TERMINAL,
    JOB_ACTIVE,
    JOB_FINISHED,
    RETRYABLE_FAILURE_TYPES,
    ExecStatus,
    FailureType,
    JobStatus,
    TargetSelection,
    failure_statuses,
)


def _enum(shape: str) -> list[str]:
    model = botocore.session.get_session().get_service_model("iot")
    return list(model.shape_for(shape).enum)


def test_enums_are_the_models() -> None:
    assert list(JobStatus) == _enum("JobStatus")
    assert list(ExecStatus) == _enum("JobExecutionStatus")
    assert list(FailureType) == _enum("JobExecutionFailureType")
    assert sorted(RETRYABLE_FAILURE_TYPES) == sorted(_enum("RetryableFailureType"))
    assert sorted(TargetSelection) == sorted(_enum("TargetSelection"))


def test_members_are_wire_strings() -> None:
    assert ExecStatus.QUEUED == "QUEUED" and f"{JobStatus.SCHEDULED}" == "SCHEDULED"
    assert json.dumps({"status": ExecStatus.TIMED_OUT}) == '{"status": "TIMED_OUT"}'
    assert "FAILED" in EXEC_TERMINAL and "IN_PROGRESS" in EXEC_ACTIVE
    # A dict keyed by wire strings is looked up by member, and the other way round.
    assert {"QUEUED": 1}[ExecStatus.QUEUED] == 1 and {ExecStatus.QUEUED: 1}["QUEUED"] == 1


def test_sets_partition_the_statuses() -> None:
    assert set(ExecStatus) == EXEC_ACTIVE | EXEC_TERMINAL and not EXEC_ACTIVE & EXEC_TERMINAL
    assert set(JobStatus) == JOB_ACTIVE | JOB_FINISHED and not JOB_ACTIVE & JOB_FINISHED


def test_every_status_has_its_counter() -> None:
    assert set(COUNTER_MEMBERS) == set(ExecStatus)
    model = botocore.session.get_session().get_service_model("iot")
    assert set(COUNTER_MEMBERS.values()) <= set(model.shape_for("JobProcessDetails").members)


def test_failure_statuses() -> None:
    assert failure_statuses("ALL") == (ExecStatus.FAILED, ExecStatus.REJECTED, ExecStatus.TIMED_OUT)
    assert failure_statuses("REJECTED") == (ExecStatus.REJECTED,)
    assert failure_statuses("SLOW") == () and failure_statuses(None) == ()
