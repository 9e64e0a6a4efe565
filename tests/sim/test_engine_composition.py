"""The engine as a composition root: the ordered rules, changes delivered from a queue (never
nested), and the job status table every status change goes through."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from iotjobs_tui.common.statuses import JobStatus
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.engine.core import ExecutionChange
from iotjobs_tui.sim.engine.job_engine import JobEngine, Rule
from iotjobs_tui.sim.engine.rules.abort import AbortRule
from iotjobs_tui.sim.engine.rules.retries import RetryRule
from iotjobs_tui.sim.engine.rules.timeouts import TimeoutRule
from iotjobs_tui.sim.engine.rules.windows import WindowRule
from iotjobs_tui.sim.engine.transitions import JobTransitionError, check_job_transition

DOC = "{}"
S, IP, DONE, CANCELED, DELETING = (
    JobStatus.SCHEDULED,
    JobStatus.IN_PROGRESS,
    JobStatus.COMPLETED,
    JobStatus.CANCELED,
    JobStatus.DELETION_IN_PROGRESS,
)
# Written out independently of transitions.JOB_TRANSITIONS: every change the engine may make.
LEGAL = {
    (S, IP),  # startTime reached, a window opened, endTime with STOP_ROLLOUT
    (S, DONE),  # between windows once rollout began
    (S, CANCELED),
    (S, DELETING),
    (IP, S),  # a window closed
    (IP, DONE),
    (IP, CANCELED),
    (IP, DELETING),
    (DONE, DELETING),
    (CANCELED, CANCELED),  # CancelJob with force on a canceled job
    (CANCELED, DELETING),
}


@pytest.mark.parametrize(("old", "new"), list(itertools.product(JobStatus, repeat=2)))
def test_job_transition_table(old: JobStatus, new: JobStatus) -> None:
    if (old, new) in LEGAL:
        check_job_transition(old, new)
    else:
        with pytest.raises(JobTransitionError):
            check_job_transition(old, new)


def test_job_transition_table_refuses_unknown_statuses() -> None:
    with pytest.raises(JobTransitionError):
        check_job_transition(IP, "QUEUED")
    with pytest.raises(JobTransitionError):
        check_job_transition("BOGUS", IP)


def _fleet(iot: Any, count: int) -> str:
    group = str(iot.create_thing_group(thingGroupName="fleet")["thingGroupArn"])
    for i in range(count):
        iot.create_thing(thingName=f"t{i}")
        iot.add_thing_to_thing_group(thingGroupName="fleet", thingName=f"t{i}")
    return group


def _statuses(iot: Any, thing: str) -> list[tuple[int, str]]:
    summaries = iot.list_job_executions_for_thing(thingName=thing)["executionSummaries"]
    return sorted(
        (s["jobExecutionSummary"]["executionNumber"], s["jobExecutionSummary"]["status"])
        for s in summaries
    )


def test_illegal_job_status_change_is_a_bug_not_a_client_error(
    iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    iot.create_thing(thingName="t0")
    arn = iot.describe_thing(thingName="t0")["thingArn"]
    iot.create_job(jobId="j", targets=[arn], document=DOC)
    jobs_data.update_job_execution(jobId="j", thingName="t0", status="SUCCEEDED")
    assert iot.describe_job(jobId="j")["job"]["status"] == "COMPLETED"
    job = emulator.region("us-east-1").jobs["j"]
    with pytest.raises(JobTransitionError, match="COMPLETED -> IN_PROGRESS"):
        emulator.engine.set_job_status(job, JobStatus.IN_PROGRESS, emulator.now())
    assert iot.describe_job(jobId="j")["job"]["status"] == "COMPLETED"


ABORT = {
    "criteriaList": [
        {
            "failureType": "FAILED",
            "action": "CANCEL",
            "thresholdPercentage": 30,
            "minNumberOfExecutedThings": 2,
        }
    ]
}
RETRY = {"criteriaList": [{"failureType": "FAILED", "numberOfRetries": 2}]}


def _fail_first_of_two(iot: Any, jobs_data: Any) -> None:
    group = _fleet(iot, 2)
    iot.create_job(
        jobId="j",
        targets=[group],
        document=DOC,
        abortConfig=ABORT,
        jobExecutionsRetryConfig=RETRY,
    )
    jobs_data.start_next_pending_job_execution(thingName="t0")
    jobs_data.update_job_execution(jobId="j", thingName="t0", status="FAILED")


def test_abort_runs_before_retries_so_the_aborting_failure_is_not_retried(
    iot: Any, jobs_data: Any
) -> None:
    _fail_first_of_two(iot, jobs_data)  # 1 failure of 2 notified = 50% >= 30%
    job = iot.describe_job(jobId="j")["job"]
    assert job["status"] == "CANCELED"
    assert job["reasonCode"] == "FAILED_THRESHOLD_EXCEEDED"
    assert _statuses(iot, "t0") == [(1, "FAILED")]  # no retry was made
    assert _statuses(iot, "t1") == [(1, "CANCELED")]
    assert job["jobProcessDetails"]["numberOfQueuedThings"] == 0


def test_with_retries_first_the_retry_is_made_and_then_canceled(
    iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    """The contrast that shows the order is behaviour: retries before abort."""
    emulator.engine = JobEngine(
        emulator.config,
        emulator.scheduler,
        (RetryRule(), AbortRule(), TimeoutRule(), WindowRule()),
        emulator.clock,
    )
    _fail_first_of_two(iot, jobs_data)  # the retry counts: 1 failure of 3 notified = 33%
    assert iot.describe_job(jobId="j")["job"]["status"] == "CANCELED"
    assert _statuses(iot, "t0") == [(1, "FAILED"), (2, "CANCELED")]


class _Probe(Rule):
    """Records each change a rule sees, first in the rule order."""

    def __init__(self, log: list[tuple[str, str, str | None, str]]) -> None:
        self.log = log

    def execution_changed(self, engine: JobEngine, change: ExecutionChange) -> None:
        self.log.append(("rule", change.execution.thing_name, change.old, change.new))


def test_changes_made_by_a_rule_are_delivered_after_the_current_one(
    iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    log: list[tuple[str, str, str | None, str]] = []
    rules = (_Probe(log), AbortRule(), RetryRule(), TimeoutRule(), WindowRule())
    engine = emulator.engine = JobEngine(emulator.config, emulator.scheduler, rules, emulator.clock)

    def observer(change: ExecutionChange) -> None:
        # The abort's cancels are already applied to the state, but not yet delivered.
        log.append(("observer", change.execution.thing_name, change.old, change.new))

    engine.execution_listeners.append(observer)
    group = _fleet(iot, 3)
    abort = {"criteriaList": [{**ABORT["criteriaList"][0], "minNumberOfExecutedThings": 3}]}
    iot.create_job(jobId="j", targets=[group], document=DOC, abortConfig=abort)
    jobs_data.start_next_pending_job_execution(thingName="t0")
    log.clear()
    jobs_data.update_job_execution(jobId="j", thingName="t0", status="FAILED")  # 1 of 3: abort
    # The failure's listeners all ran (rule, then observer) before the cancels it set off
    # were delivered, each in turn: nothing ran nested inside another change's listeners.
    assert log == [
        ("rule", "t0", "IN_PROGRESS", "FAILED"),
        ("observer", "t0", "IN_PROGRESS", "FAILED"),
        ("rule", "t1", "QUEUED", "CANCELED"),
        ("observer", "t1", "QUEUED", "CANCELED"),
        ("rule", "t2", "QUEUED", "CANCELED"),
        ("observer", "t2", "QUEUED", "CANCELED"),
    ]
    assert iot.describe_job(jobId="j")["job"]["status"] == "CANCELED"
