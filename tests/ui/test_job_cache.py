import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from iotjobs_tui.aws.models import JobFilters, JobSummary
from iotjobs_tui.ui import job_cache
from iotjobs_tui.ui.job_cache import MAX_ROWS, JobListCache, cache_key

T = datetime(2026, 1, 1, 12, 30, tzinfo=UTC)


def _job(i: int, **changes: object) -> JobSummary:
    fields: dict[str, object] = {
        "job_id": f"fw-{i:04d}",
        "job_arn": f"arn:aws:iot:us-east-1:123456789012:job/fw-{i:04d}",
        "status": "IN_PROGRESS",
        "target_selection": "SNAPSHOT",
        "created_at": T,
        "last_updated_at": T,
        "is_concurrent": False,
    }
    fields.update(changes)
    return JobSummary(**fields)  # type: ignore[arg-type]


def test_round_trip_keeps_every_member(tmp_path: Path) -> None:
    cache = JobListCache("k", tmp_path)
    jobs = [_job(1), _job(2, status="COMPLETED", completed_at=T, thing_group_id="g-1")]
    assert cache.save(jobs, now=1000.0)
    loaded = cache.load()
    assert loaded is not None
    assert loaded.jobs == tuple(jobs)
    assert loaded.saved_at == 1000.0
    assert loaded.age(now=1060.0) == 60.0


def test_unknown_status_survives(tmp_path: Path) -> None:
    cache = JobListCache("k", tmp_path)
    cache.save([_job(1, status="SOMETHING_NEW")])
    loaded = cache.load()
    assert loaded is not None and loaded.jobs[0].status == "SOMETHING_NEW"


def test_missing_corrupt_or_foreign_files_read_as_none(tmp_path: Path) -> None:
    cache = JobListCache("k", tmp_path)
    assert cache.load() is None
    cache.path.write_text("{not json")
    assert cache.load() is None
    cache.path.write_text('{"format": 99, "savedAt": 1, "jobs": []}')
    assert cache.load() is None
    cache.path.write_text('{"format": 1, "savedAt": 1, "jobs": [{"status": "X"}, 7]}')
    loaded = cache.load()
    assert loaded is not None and loaded.jobs == ()  # rows without a job id are dropped


def test_unwritable_directory_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert JobListCache("k", blocker / "sub").save([_job(1)]) is False


def test_size_is_capped(tmp_path: Path) -> None:
    cache = JobListCache("k", tmp_path)
    cache.save(_job(i) for i in range(MAX_ROWS + 10))
    loaded = cache.load()
    assert loaded is not None and len(loaded.jobs) == MAX_ROWS


def test_key_separates_connections_and_filters() -> None:
    base = cache_key("http://a", "us-east-1", None, JobFilters())
    assert base == cache_key("http://a", "us-east-1", None, JobFilters())
    assert base != cache_key("http://b", "us-east-1", None, JobFilters())
    assert base != cache_key("http://a", "eu-west-1", None, JobFilters())
    assert base != cache_key("http://a", "us-east-1", "prod", JobFilters())
    assert base != cache_key("http://a", "us-east-1", None, JobFilters(status="COMPLETED"))
    assert "us-east-1" not in base


def test_deeply_nested_file_is_ignored_with_a_warning(tmp_path: Path) -> None:
    cache = JobListCache("k", tmp_path)
    depth = 100_000
    cache.path.write_text('{"format":1,"savedAt":0,"jobs":' + "[" * depth + "]" * depth + "}")
    assert cache.load() is None
    assert cache.warning is not None
    assert "nested too deeply" in cache.warning and str(cache.path) in cache.warning
    # A good file afterwards loads, and clears the warning.
    assert cache.save([_job(1)])
    assert cache.load() is not None and cache.warning is None


def test_huge_file_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(job_cache, "MAX_BYTES", 1000)
    cache = JobListCache("k", tmp_path)
    cache.save(_job(i) for i in range(50))
    assert cache.path.stat().st_size > 1000
    assert cache.load() is None
    assert cache.warning is not None and "larger than" in cache.warning


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"{not json", "not valid JSON (line 1, column 2)"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"format": 1, "jobs": []}', "no 'savedAt'"),
        (b'{"format": 1, "savedAt": "soon", "jobs": []}', "could not convert"),
        (b'{"format": 1, "savedAt": NaN, "jobs": []}', "savedAt is nan"),
        (b'{"format": 1, "savedAt": 1, "jobs": "all"}', "jobs is not a list"),
    ],
)
def test_corrupt_files_are_ignored_with_one_sentence(
    tmp_path: Path, content: bytes, says: str
) -> None:
    cache = JobListCache("k", tmp_path)
    cache.path.write_bytes(content)
    assert cache.load() is None
    assert cache.warning is not None
    assert says in cache.warning
    assert cache.warning.startswith("Ignored the cached job list ")
    assert cache.warning.endswith(".") and "\n" not in cache.warning


def test_no_file_or_another_version_is_not_a_warning(tmp_path: Path) -> None:
    cache = JobListCache("k", tmp_path)
    assert cache.load() is None and cache.warning is None
    cache.path.write_text('{"format": 99, "savedAt": 1, "jobs": []}')
    assert cache.load() is None and cache.warning is None


def test_unreadable_file_is_a_warning(tmp_path: Path) -> None:
    cache = JobListCache("k", tmp_path)
    cache.path.mkdir()  # a directory where the file should be
    assert cache.load() is None
    assert cache.warning is not None and "directory" in cache.warning.lower()


def test_hostile_rows_never_raise(tmp_path: Path) -> None:
    cache = JobListCache("k", tmp_path)
    rows = [
        {"jobId": "a\x1b]0;T\x07", "status": ["x"], "createdAt": "garbage"},
        {"jobId": "b", "createdAt": 1e308, "lastUpdatedAt": -1e308, "isConcurrent": "yes"},
        {"jobId": {"nested": True}},
    ]
    cache.path.write_text(json.dumps({"format": 1, "savedAt": 1, "jobs": rows}))
    loaded = cache.load()
    assert loaded is not None and cache.warning is None
    assert [job.job_id for job in loaded.jobs] == ["a\x1b]0;T\x07", "b"]  # shown escaped
