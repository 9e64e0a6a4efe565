"""The demo gives the stuck triage something to find: a job blocked behind another on the same
things, and fleet indexing with connectivity on."""

from __future__ import annotations

from iotjobs_tui.sim.demo import scenarios
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.engine.clock import VirtualClock

T0 = 1_767_225_600.0


def test_demo_job_blocked_behind_a_soak_test() -> None:
    emulator = Emulator(VirtualClock(start=T0, speed=0))
    scenarios.load("demo", emulator, 11)
    assert emulator.config.connectivity_indexing
    state = emulator.region("us-east-1")
    soak, blocked = state.jobs["gw-soak-test-sjc-02"], state.jobs["gw-agent-1_9_1-sjc-02"]
    assert soak.counts["IN_PROGRESS"] == 4
    assert blocked.counts["QUEUED"] == 4
    for execution in blocked.executions:
        assert execution.status == "QUEUED"
        assert T0 - execution.queued_at >= 20 * 60  # past the triage's 10 minutes
        others = state.executions_by_thing[execution.thing_name]
        assert any(e.job_id == soak.job_id and e.status == "IN_PROGRESS" for e in others)
