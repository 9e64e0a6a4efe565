"""The stuck triage's pure part: suspects from list rows, the rolling scan, checks, kinds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from iotjobs_tui.aws.execution_models import ThingExecution
from iotjobs_tui.aws.models import JobExecutionSummary
from iotjobs_tui.aws.stuck import (
    Check,
    Connectivity,
    StatusScan,
    Thresholds,
    TriageState,
    blockers_from,
    classify,
    due_for_check,
    find_suspects,
    sweep_cycles,
)
from iotjobs_tui.common.statuses import ExecStatus

QUEUED, IN_PROGRESS = ExecStatus.QUEUED, ExecStatus.IN_PROGRESS

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
LIMITS = Thresholds(queued_minutes=10, in_progress_minutes=30)


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def row(
    thing: str,
    status: str,
    queued: float = 60,
    started: float | None = None,
    updated: float | None = None,
    number: int = 1,
) -> JobExecutionSummary:
    return JobExecutionSummary(
        thing_arn=f"arn:aws:iot:us-east-1:123456789012:thing/{thing}",
        status=status,
        execution_number=number,
        queued_at=ago(queued),
        started_at=None if started is None else ago(started),
        last_updated_at=None if updated is None else ago(updated),
    )


def state_with(*rows: JobExecutionSummary, job_id: str = "j") -> TriageState:
    state = TriageState(job_id)
    for scan in state.scans.values():
        scan.begin()
    for item in rows:
        scan = state.scans[item.status or ""]
        scan.add([item], NOW)
    for scan in state.scans.values():
        scan.finish()
    return state


def test_queued_past_its_age_is_a_suspect_younger_is_not() -> None:
    state = state_with(row("old", QUEUED, queued=11), row("young", QUEUED, queued=9))
    suspects = find_suspects(state, NOW, LIMITS)
    assert [(s.thing, s.status) for s in suspects] == [("old", QUEUED)]
    assert suspects[0].since == ago(11)


def test_in_progress_silence_counts_from_the_last_update() -> None:
    state = state_with(
        row("silent", IN_PROGRESS, started=50, updated=31),
        row("chatty", IN_PROGRESS, started=50, updated=2),
        row("no-update-yet", IN_PROGRESS, started=40),  # falls back to startedAt
    )
    found = {s.thing for s in find_suspects(state, NOW, LIMITS)}
    assert found == {"silent", "no-update-yet"}


def test_timeout_close_after_five_silent_minutes() -> None:
    # 12 min in progress of a 15-min timeout, silent for 6: worth a look before the 30 min.
    state = state_with(
        row("near", IN_PROGRESS, started=12, updated=6),
        row("near-but-chatty", IN_PROGRESS, started=12, updated=1),
    )
    suspects = find_suspects(state, NOW, LIMITS, timeout_minutes=15)
    assert [s.thing for s in suspects] == ["near"]
    assert suspects[0].deadline == ago(12) + timedelta(minutes=15)
    assert find_suspects(state, NOW, LIMITS) == []  # without the job's timeout: not yet


def test_moved_on_row_in_both_lists_counts_as_in_progress() -> None:
    state = state_with(row("dev", QUEUED, queued=20), row("dev", IN_PROGRESS, started=1))
    assert find_suspects(state, NOW, LIMITS) == []


def test_rolling_scan_keeps_the_last_sweep_until_the_next_completes() -> None:
    scan = StatusScan()
    scan.begin()
    scan.add([row("a", QUEUED), row("b", QUEUED)], NOW)
    assert set(scan.rows()) == {"a", "b"} and (scan.read, scan.whole) == (2, False)
    scan.finish()
    assert scan.whole and scan.sweeps == 1  # read from the first page to the end
    scan.begin()
    scan.add([row("c", QUEUED)], NOW)  # next sweep, first page; more pages next cycle
    scan.token = "next"
    assert set(scan.rows()) == {"a", "b", "c"} and (scan.read, scan.whole) == (1, False)
    scan.begin()
    scan.finish()  # the rest of the sweep: complete, but not read whole in one cycle
    assert not scan.whole
    assert set(scan.rows()) == {"c"}  # a and b were not seen again: gone from the list
    scan.forget("c")
    assert scan.rows() == {}


def test_latest_execution_number_wins() -> None:
    scan = StatusScan()
    scan.add([row("a", QUEUED, number=2), row("a", QUEUED, number=1)], NOW)
    assert scan.rows()["a"][0].execution_number == 2


def test_due_for_check_unchecked_first_then_stale_checks() -> None:
    state = state_with(*(row(f"t{i}", QUEUED, queued=20 + i) for i in range(4)))
    suspects = find_suspects(state, NOW, LIMITS)
    checks = {
        "t3": Check(at=NOW - timedelta(seconds=400)),  # stale (oldest suspect)
        "t2": Check(at=NOW - timedelta(seconds=100)),  # fresh: skipped
    }
    due = due_for_check(suspects, checks, NOW, limit=3, recheck_seconds=300)
    assert [s.thing for s in due] == ["t1", "t0", "t3"]
    assert [s.thing for s in due_for_check(suspects, checks, NOW, 1, 300)] == ["t1"]


def test_blockers_from_the_things_executions() -> None:
    rows = [
        ThingExecution("j", QUEUED, execution_number=2),
        ThingExecution("j", "FAILED", execution_number=1),
        ThingExecution("soak", IN_PROGRESS, execution_number=1),
        ThingExecution("other", QUEUED, execution_number=1),
        ThingExecution("done", "SUCCEEDED", execution_number=1),
    ]
    assert blockers_from(rows, "j") == (QUEUED, ("soak",))
    assert blockers_from([], "j") == (None, ())


def test_kinds_blocked_before_offline_before_age() -> None:
    state = state_with(
        row("blocked", QUEUED, queued=30),
        row("gone", QUEUED, queued=29),
        row("waiting", QUEUED, queued=28),
        row("unchecked", QUEUED, queued=27),
        row("quiet", IN_PROGRESS, started=60, updated=40),
        row("dark", IN_PROGRESS, started=60, updated=45),
    )
    suspects = find_suspects(state, NOW, LIMITS)
    offline = Connectivity(False, ago(50))
    online = Connectivity(True, ago(500))
    state.record("blocked", Check(NOW, QUEUED, blockers=("soak",), connectivity=offline))
    state.record("gone", Check(NOW, QUEUED, connectivity=offline))
    state.record("waiting", Check(NOW, QUEUED, connectivity=online))
    state.record("quiet", Check(NOW, IN_PROGRESS, seconds_left=240, connectivity=online))
    state.record("dark", Check(NOW, IN_PROGRESS, connectivity=Connectivity(False, None)))
    report = classify(state, suspects, NOW, LIMITS)
    kinds = {entry.thing: entry.kind for entry in report.entries}
    assert kinds == {
        "blocked": "blocked",
        "gone": "offline",
        "waiting": "never_picked_up",
        "unchecked": "never_picked_up",
        "quiet": "silent",
        "dark": "offline",
    }
    assert report.counts() == {"blocked": 1, "never_picked_up": 2, "silent": 1, "offline": 2}
    assert report.checked == 5 and report.scanned == 6 and report.complete
    assert report.main_blocker() == ("soak", 1)
    assert report.next_timeout() == NOW + timedelta(seconds=240)
    by_thing = {entry.thing: entry for entry in report.entries}
    assert by_thing["gone"].offline_since == ago(50)
    assert by_thing["dark"].offline_since is None  # never connected


def test_a_newer_check_clears_what_moved_on() -> None:
    state = state_with(
        row("finished", QUEUED, queued=30),
        row("started", QUEUED, queued=30),
        row("spoke", IN_PROGRESS, started=60, updated=40),
    )
    suspects = find_suspects(state, NOW, LIMITS)
    state.record("finished", Check(NOW, "SUCCEEDED"))
    state.record("started", Check(NOW, IN_PROGRESS))
    state.record("spoke", Check(NOW, IN_PROGRESS, last_updated=ago(1)))
    report = classify(state, suspects, NOW, LIMITS)
    assert report.entries == ()
    assert "finished" not in state.scans[QUEUED].rows()  # forgotten by the scan too


def test_an_older_check_keeps_its_reasons_but_not_its_status() -> None:
    state = state_with(row("dev", QUEUED, queued=30))
    suspects = find_suspects(state, NOW, LIMITS)
    before = NOW - timedelta(minutes=2)  # the scan (at NOW) is newer than the check
    state.checks["dev"] = Check(before, IN_PROGRESS, blockers=("soak",))
    report = classify(state, suspects, NOW, LIMITS)
    assert [(e.thing, e.kind) for e in report.entries] == [("dev", "blocked")]


def test_checks_of_cleared_suspects_are_dropped() -> None:
    state = state_with(row("dev", QUEUED, queued=5))
    state.checks["dev"] = Check(NOW, QUEUED, blockers=("soak",))
    report = classify(state, find_suspects(state, NOW, LIMITS), NOW, LIMITS)
    assert report.entries == () and state.checks == {}


def test_sweep_cycles() -> None:
    assert sweep_cycles([]) == 1 and sweep_cycles([0, 0]) == 1
    assert sweep_cycles([500, 12]) == 1  # 2 pages of 250 a cycle
    assert sweep_cycles([501, 12_000]) == 24


def test_a_sweep_ends_after_as_many_rows_as_the_list_held() -> None:
    """A big rollout's list flows behind the token: the sweep comes back to the start."""
    scan = StatusScan()
    scan.begin(count=3)
    scan.add([row("a", IN_PROGRESS), row("b", IN_PROGRESS)], NOW)
    scan.token = "t1"
    assert not scan.swept_enough
    scan.begin(count=900)  # mid-sweep: the count it began with stands
    scan.add([row("c", IN_PROGRESS)], NOW)
    assert scan.swept_enough and scan.expected == 3


def test_old_sightings_are_not_judged() -> None:
    state = state_with(row("dev", QUEUED, queued=60))
    later = NOW + timedelta(minutes=11)  # seen 11 minutes ago: may have moved on since
    assert find_suspects(state, later, LIMITS) == []
    assert [s.thing for s in find_suspects(state, NOW, LIMITS)] == ["dev"]
