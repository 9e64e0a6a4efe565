"""The last job list seen for a connection, kept on disk so the next launch shows it at once.

Importing the AWS SDK and opening a client takes about half a second after the first paint;
over a slow link the first ListJobs page takes longer still. Until it arrives the list shows
the previous session's rows, marked as cached, and the live pages then replace them by key.
Only what ListJobs returns is kept (ids, statuses, times), in the user's cache directory,
readable by the user alone. The demo never uses it: its fleet is new on every launch.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from iotjobs_tui.aws.models import (
    JobFilters,
    JobSummary,
    job_summary_to_api,
    parse_job_summary,
)

FORMAT = 1
# A preview, not a copy: a few screens of the newest rows. Every cached row costs the table
# time to measure and draw (1,000 rows took ~0.25 s) before the live pages replace them.
MAX_ROWS = 200
# 200 rows are about 100 KB; a file far bigger than that was not written by `save`.
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class CachedJobs:
    saved_at: float  # epoch seconds
    jobs: tuple[JobSummary, ...]

    def age(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.saved_at)


def _reason(exc: BaseException) -> str:
    """Why a cache file could not be used, as a clause."""
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    if isinstance(exc, MemoryError):
        return "it is too big to read"
    if isinstance(exc, json.JSONDecodeError):
        return f"it is not valid JSON (line {exc.lineno}, column {exc.colno})"
    if isinstance(exc, UnicodeDecodeError):
        return "it is not UTF-8 text"
    if isinstance(exc, KeyError):
        return f"it has no {exc.args[0]!r}" if exc.args else "a field is missing"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    if type(exc) is ValueError and str(exc).startswith(("it ", "savedAt", "jobs")):
        return str(exc)
    return f"{type(exc).__name__}: {exc}".rstrip(". ")


def default_directory() -> Path:
    from iotjobs_tui.common.paths import cache_dir

    return cache_dir() / "job-lists"


def cache_key(
    endpoint: str | None, region: str | None, profile: str | None, filters: JobFilters
) -> str:
    """One file per connection and server-side filter set; the name reveals neither."""
    identity = json.dumps(
        [endpoint or "", region or "", profile or "", sorted(filters.as_params().items())]
    )
    return hashlib.sha256(identity.encode()).hexdigest()[:24]


class JobListCache:
    def __init__(self, key: str, directory: Path | None = None) -> None:
        self.path = (directory or default_directory()) / f"{key}.json"
        # Why the last `load` ignored the file, as one sentence for a toast; None when it
        # loaded, or when there was simply no file (or one from another version) to load.
        self.warning: str | None = None

    def load(self) -> CachedJobs | None:
        """The cached list, or None when there is none or it cannot be read (never raises).

        A file that exists but cannot be used leaves the reason in `warning`.
        """
        self.warning = None
        try:
            return self._load()
        except FileNotFoundError:
            return None
        except (Exception, RecursionError) as exc:  # corrupt, hostile or unreadable: ignored
            self.warning = f"Ignored the cached job list {self.path}: {_reason(exc)}."
            return None

    def _load(self) -> CachedJobs | None:
        with self.path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise ValueError(f"it is larger than {MAX_BYTES // (1024 * 1024)} MB")
        document = json.loads(data.decode("utf-8"))
        if not isinstance(document, dict):
            raise ValueError("it is not a JSON object")
        if document.get("format") != FORMAT:
            return None  # written by another version: replaced by the next save
        saved_at = float(document["savedAt"])
        if not math.isfinite(saved_at):
            raise ValueError(f"savedAt is {saved_at}")
        rows = document["jobs"]
        if not isinstance(rows, list):
            raise ValueError("jobs is not a list")
        jobs = (parse_job_summary(row) for row in rows[:MAX_ROWS] if isinstance(row, dict))
        return CachedJobs(saved_at, tuple(job for job in jobs if job is not None))

    def save(self, jobs: Iterable[JobSummary], now: float | None = None) -> bool:
        """Write atomically (a crash never leaves half a file); False if it could not."""
        rows = [job_summary_to_api(job) for job in jobs][:MAX_ROWS]
        document = {"format": FORMAT, "savedAt": time.time() if now is None else now, "jobs": rows}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(document, out, separators=(",", ":"))
                os.replace(temp, self.path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError:
            return False
        return True
