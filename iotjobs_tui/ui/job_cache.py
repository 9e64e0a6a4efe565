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


@dataclass(frozen=True)
class CachedJobs:
    saved_at: float  # epoch seconds
    jobs: tuple[JobSummary, ...]

    def age(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.saved_at)


def default_directory() -> Path:
    import platformdirs

    return platformdirs.user_cache_path("iotjobs-tui") / "job-lists"


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

    def load(self) -> CachedJobs | None:
        """The cached list, or None when there is none or it cannot be read (never raises)."""
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(document, dict) or document.get("format") != FORMAT:
                return None
            saved_at = float(document["savedAt"])
            rows = document["jobs"]
            if not isinstance(rows, list):
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
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
