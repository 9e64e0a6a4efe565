"""`aws.gate`: parsing `--until`/`--fail-on` and judging one DescribeJob answer (no I/O)."""

from __future__ import annotations

import pytest

from iotjobs_tui.aws.gate import (
    DONE,
    Gate,
    Until,
    abort_fired,
    judge,
    parse_gates,
    parse_until,
)
from iotjobs_tui.aws.models import AbortCriterion, Job, JobProcessDetails


def _job(status: str = "IN_PROGRESS", **counts: int) -> Job:
    return Job(job_id="j", status=status, process=JobProcessDetails(**counts))


def test_parse_until() -> None:
    assert parse_until("done") == DONE
    assert parse_until(" Aborted ") == Until("aborted")
    assert parse_until("99.5%") == Until("percent", 99.5)
    assert str(parse_until("90%")) == "90%"
    for bad in ("nan%", "101%", "-5%", "%", "90"):
        with pytest.raises(ValueError):
            parse_until(bad)


def test_parse_gates_normalises_and_dedupes() -> None:
    gates = parse_gates("aborted, Failed > 5%,timed-out>2,failed>5%")
    assert gates == (Gate("aborted"), Gate("failed", 5, True), Gate("timed_out", 2, False))
    assert [str(g) for g in gates] == ["aborted", "failed>5%", "timed_out>2"]


@pytest.mark.parametrize(
    "text", ["", "failed", "failed>=5%", "succeeded>5", "failed>-1", "failed>x%", "aborted,,"]
)
def test_parse_gates_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_gates(text)


def test_a_percentage_is_of_every_execution_so_far() -> None:
    job = _job(failed=5, succeeded=45, queued=50)  # 5 of 100
    assert judge(DONE, parse_gates("failed>5%"), job, None) is None
    verdict = judge(DONE, parse_gates("failed>4.9%"), job, None)
    assert verdict is not None and verdict.code == 1
    assert verdict.reason == "gate failed: failed>4.9% (5 of 100 executions, 5.0%)"


def test_terminal_statuses() -> None:
    assert judge(DONE, (), _job("COMPLETED", succeeded=1), None) == judge(
        Until("percent", 10), (), _job("COMPLETED"), None
    )
    deleting = judge(DONE, (), _job("DELETION_IN_PROGRESS"), None)
    assert deleting is not None and (deleting.code, deleting.reason) == (
        1,
        "the job is being deleted",
    )
    completed = judge(Until("aborted"), (), _job("COMPLETED"), None)
    assert completed is not None and completed.code == 1


def test_until_a_share_waits_for_the_target_count() -> None:
    job = _job(succeeded=10)  # every execution so far is finished
    half = Until("percent", 50)
    assert judge(half, (), job, None) is None  # still counting
    assert judge(half, (), job, 40) is None  # 10 of 40 targets
    verdict = judge(half, (), job, 20)
    assert verdict is not None and verdict.reason == "50% finished (50.0%)"
    assert judge(half, (), job, 0) is not None  # targets unknowable: the executions


def test_abort_fired_needs_a_met_criterion() -> None:
    criterion = AbortCriterion("FAILED", "CANCEL", 20.0, 10)
    process = JobProcessDetails(failed=3, succeeded=7)
    job = Job(job_id="j", status="CANCELED", abort=(criterion,), process=process)
    assert abort_fired(job) == criterion
    by_hand = Job(
        job_id="j",
        status="CANCELED",
        abort=(criterion,),
        reason_code="OOPS",
        force_canceled=True,
        process=JobProcessDetails(failed=1, succeeded=9),
    )
    assert abort_fired(by_hand) is None
    verdict = judge(DONE, (), by_hand, None)
    assert verdict is not None and verdict.reason == "canceled with force: OOPS"
