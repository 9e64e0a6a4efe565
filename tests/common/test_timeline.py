"""The timeline recorder (buckets, gaps, falling counters) and its file (pure and file I/O)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from iotjobs_tui.common import timeline_store as store
from iotjobs_tui.common.timeline import (
    KEEP_MINUTES,
    Bucket,
    Change,
    Counts,
    Gap,
    Recorder,
    change,
)

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z, a minute boundary
M0 = T0 // 60


def counts(total: int, succeeded: int = 0, failed: int = 0, in_progress: int = 0) -> Counts:
    return Counts(total, succeeded, failed, in_progress)


def test_changes_go_to_the_minute_of_the_refresh_that_saw_them() -> None:
    recorder = Recorder()
    assert recorder.add(T0 + 10, counts(100, 10, 1, 50)) == []
    recorder.add(T0 + 40, counts(130, 15, 2, 60))
    closed = recorder.add(T0 + 65, counts(150, 30, 4, 55))  # next minute: closes the first
    assert closed == [Bucket(M0, 30, 5, 1, in_progress=60, partial=True)]
    recorder.add(T0 + 100, counts(160, 40, 4, 52))
    assert recorder.close_before(M0 + 1) == []  # the clock is still in minute 1
    [second] = recorder.close_before(M0 + 2)
    # The rise from 00:00:40 to 00:01:05 is minute 1's: it was seen there.
    assert second == Bucket(M0 + 1, 30, 25, 2, in_progress=52)
    assert recorder.latest() == M0 + 1
    assert recorder.window(M0 + 2, 4) == [None, recorder.closed[M0], second, None]


def test_a_silence_stays_a_gap_with_its_total_kept_aside() -> None:
    recorder = Recorder()
    recorder.add(T0 + 5, counts(100, 10, 0, 40))
    recorder.add(T0 + 50, counts(110, 12, 0, 40))
    # The app was closed for minutes 1-4: nothing is spread over them.
    recorder.add(T0 + 5 * 60 + 20, counts(400, 200, 7, 80))
    recorder.add(T0 + 5 * 60 + 50, counts(420, 205, 7, 85))
    recorder.close_before(M0 + 6)
    assert sorted(recorder.closed) == [M0, M0 + 5]
    after = recorder.closed[M0 + 5]
    assert (after.notified, after.succeeded, after.in_progress) == (20, 5, 85)
    assert after.partial
    assert after.gap == Gap(4, Change(290, 188, 7))
    assert recorder.window(M0 + 5, 6)[1:5] == [None, None, None, None]


def test_refreshes_further_apart_than_a_minute_measure_no_rise() -> None:
    """A 5-minute refresh (the demo at --speed 60): each minute has one refresh."""
    recorder = Recorder()
    for i in range(4):
        recorder.add(T0 + i * 300 + 10, counts(100 * i, 90 * i, i, 10 + i))
    recorder.close_before(M0 + 20)
    assert sorted(recorder.closed) == [M0, M0 + 5, M0 + 10, M0 + 15]
    later = recorder.closed[M0 + 10]
    assert not later.measured and later.in_progress == 12
    assert later.gap == Gap(4, Change(100, 90, 1))


def test_a_falling_counter_is_never_subtracted() -> None:
    assert change(counts(100, 50, 5), counts(97, 48, 5)) == Change(0, 0, 0, fell=3)
    # A deletion and a new execution in one interval: the rise is still counted.
    assert change(counts(100, 50, 5), counts(100, 49, 7)) == Change(0, 0, 2, fell=1)
    recorder = Recorder()
    recorder.add(T0 + 1, counts(100, 50, 5, 10))
    recorder.add(T0 + 61, counts(104, 50, 5, 12))
    recorder.add(T0 + 62, counts(101, 49, 5, 12))  # three deleted
    recorder.add(T0 + 63, counts(103, 50, 5, 11))
    [bucket] = recorder.close_before(M0 + 2)
    assert bucket == Bucket(M0 + 1, 6, 1, 0, in_progress=11, fell=3)


def test_an_older_answer_is_ignored_and_the_open_minute_flushes() -> None:
    recorder = Recorder()
    recorder.add(T0 + 30, counts(10))
    assert recorder.add(T0 + 20, counts(5)) == []
    # One refresh in the minute: its level is known, its rises are not (not 0).
    assert recorder.flush() == [Bucket(M0, in_progress=0, partial=True, measured=False)]
    assert recorder.open is not None  # still recording
    assert recorder.started == T0 + 30


def test_history_merges_under_what_this_session_recorded() -> None:
    recorder = Recorder()
    recorder.add(T0 + 130, counts(10))  # minute 2 is open
    recorder.add(T0 + 190, counts(12))  # minute 2 closed, 3 open
    old = [Bucket(M0, 1), Bucket(M0 + 2, 99), Bucket(M0 + 3, 98)]
    recorder.merge(old)
    assert recorder.closed[M0].notified == 1
    assert recorder.closed[M0 + 2].notified == 0  # this session's minute wins
    assert M0 + 3 not in recorder.closed  # the open minute is this session's too


def test_only_seven_days_are_kept() -> None:
    recorder = Recorder()
    recorder.merge([Bucket(M0 + i) for i in range(0, KEEP_MINUTES + 10, 5)])
    assert min(recorder.closed) > max(recorder.closed) - KEEP_MINUTES
    assert len(recorder.closed) <= KEEP_MINUTES


def test_scrubbing_crosses_a_long_gap_in_one_step() -> None:
    recorder = Recorder()
    recorder.merge([Bucket(M0), Bucket(M0 + 1), Bucket(M0 + 500), Bucket(M0 + 501)])
    assert recorder.step(M0 + 501, -1, 60) == M0 + 500
    assert recorder.step(M0 + 500, -1, 60) == M0 + 1  # 499 empty minutes: one key
    assert recorder.step(M0 + 1, 1, 60) == M0 + 500
    assert recorder.step(M0 + 530, -1, 60) == M0 + 529  # a short gap: a minute at a time


def test_lines_round_trip_and_bad_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    gap = Gap(3, Change(5, 4, 1, 2))
    buckets = [
        Bucket(M0, 1, 2, 3, in_progress=4, fell=1, partial=True, gap=gap),
        Bucket(M0 + 1, in_progress=9, partial=True, measured=False),
    ]
    assert store.append(path, buckets) is None
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with path.open("a") as file:
        file.write('not json\n{"v": 1, "t": 61}\n{"v": 1, "t": 60, "n": -1}\n{"v": 9, "t": 0}\n')
        file.write(store.encode(Bucket(M0 + 1, notified=7)) + "\n")  # a later line wins
    loaded = store.load(path)
    assert loaded.buckets == [buckets[0], Bucket(M0 + 1, notified=7)]
    assert store.decode(store.encode(buckets[1])) == buckets[1]
    assert loaded.skipped == 4
    assert store.load(tmp_path / "missing.jsonl").buckets == []


def test_a_grown_file_is_compacted_to_seven_days(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    store.append(path, [Bucket(M0 + i) for i in range(KEEP_MINUTES + store.COMPACT_SLACK + 5)])
    loaded = store.load(path)
    assert len(loaded.buckets) == KEEP_MINUTES
    assert sum(1 for _ in path.open()) == KEEP_MINUTES  # rewritten
    assert json.loads(path.read_text().splitlines()[0])["t"] == (M0 + store.COMPACT_SLACK + 5) * 60


def test_paths_keep_accounts_regions_endpoints_and_job_generations_apart(tmp_path: Path) -> None:
    def path(**kw: object) -> Path | None:
        args: dict[str, object] = {
            "endpoint": None,
            "region": "us-east-1",
            "account": "111122223333",
            "job_id": "fw-1",
            "created_at": 1700000000.5,
        }
        args.update(kw)
        return store.timeline_path(tmp_path, **args)  # type: ignore[arg-type]

    base = path()
    assert base == tmp_path / "timeline/aws/us-east-1/111122223333/fw-1@1700000000.jsonl"
    others = [
        path(account="444455556666"),
        path(region="eu-west-1"),
        path(endpoint="http://127.0.0.1:5055"),
        path(created_at=1700000999),
    ]
    assert len({base, *others}) == 5
    assert path(endpoint="http://127.0.0.1:5055") == tmp_path.joinpath(
        "timeline", "127.0.0.1_5055", "us-east-1", "111122223333", "fw-1@1700000000.jsonl"
    )
    assert path(account=None) is None
    hostile = path(job_id="../../etc/passwd")
    assert hostile is not None and hostile.parent == base.parent and ".." not in hostile.name


def test_old_files_are_pruned(tmp_path: Path) -> None:
    old, new = tmp_path / "timeline/a/old.jsonl", tmp_path / "timeline/a/new.jsonl"
    store.append(old, [Bucket(M0)])
    store.append(new, [Bucket(M0)])
    os.utime(old, (1000, 1000))
    assert store.prune(tmp_path) == 1
    assert not old.exists() and new.exists()


def test_an_unwritable_directory_is_said_once(tmp_path: Path) -> None:
    (tmp_path / "timeline").write_text("a file where the directory should be")
    error = store.append(tmp_path / "timeline" / "x" / "t.jsonl", [Bucket(M0)])
    assert error is not None and error.startswith("The timeline is not saved:")
