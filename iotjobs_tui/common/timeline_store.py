"""The rollout timeline on disk: one JSON-lines file per job, a line per closed minute.

`<state dir>/timeline/<endpoint>/<region>/<account>/<job id>@<createdAt>.jsonl`: the same job
id in two accounts, regions or endpoints (an emulator) never mixes, and neither does a job
deleted and created again under its old id (a new createdAt). Lines are appended as minutes
close (small writes, fine on the event loop); loading a file (up to 7 days of minutes,
about 1 MB) is meant for a thread. A later line for a minute replaces an earlier one (two
sessions in the same minute). Files are readable by the user alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from iotjobs_tui.common.timeline import KEEP_MINUTES, MINUTE, Bucket, Change, Gap

FORMAT = 1
# 7 days of minutes are about 0.7-1 MB; past this only the file's end is read.
MAX_BYTES = 8 * 1024 * 1024
# Rewrite a file once it holds this many lines more than it keeps (old or repeated minutes).
COMPACT_SLACK = 1440
# Files untouched this long are deleted (a job no longer watched, an old demo fleet).
MAX_FILE_AGE = 7 * 24 * 3600

_SAFE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def _part(value: str | None, fallback: str) -> str:
    """A path component that is its value when harmless, else a hash of it (never '..')."""
    if not value:
        return fallback
    if _SAFE.fullmatch(value) and value.strip(".") and not value.startswith("-"):
        return value
    return "h-" + hashlib.sha256(value.encode()).hexdigest()[:16]


def endpoint_part(endpoint: str | None) -> str:
    """'aws' for AWS's own endpoints, else the custom endpoint's host and port."""
    if not endpoint:
        return "aws"
    parts = urlsplit(endpoint if "//" in endpoint else f"//{endpoint}")
    host = (parts.hostname or endpoint) + (f"_{parts.port}" if parts.port else "")
    return _part(host, "custom")


def timeline_path(
    base: Path,
    *,
    endpoint: str | None,
    region: str | None,
    account: str | None,
    job_id: str,
    created_at: float | None,
) -> Path | None:
    """The job's file under `base` (the state directory), or None while the account or
    region is unknown (its minutes are then kept in memory only)."""
    if not region or not account:
        return None
    created = "unknown" if created_at is None else str(int(created_at))
    name = f"{_part(job_id, 'job')}@{created}.jsonl"
    parts = (endpoint_part(endpoint), _part(region, "region"), _part(account, "account"))
    return base.joinpath("timeline", *parts, name)


def encode(bucket: Bucket) -> str:
    line: dict[str, object] = {
        "v": FORMAT,
        "t": bucket.start,
        "n": bucket.notified,
        "s": bucket.succeeded,
        "f": bucket.failed,
        "p": bucket.in_progress,
    }
    if bucket.fell:
        line["fell"] = bucket.fell
    if bucket.partial:
        line["partial"] = True
    if not bucket.measured:
        line["measured"] = False
    if bucket.gap is not None:
        gap = bucket.gap.change
        line["gap"] = {
            "min": bucket.gap.minutes,
            "n": gap.notified,
            "s": gap.succeeded,
            "f": gap.failed,
            "fell": gap.fell,
        }
    return json.dumps(line, separators=(",", ":"))


def _count(data: dict[str, object], key: str) -> int:
    value = data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(key)
    return value


def decode(text: str) -> Bucket | None:
    """One line, or None when it is not a line this version wrote (skipped, never fatal)."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != FORMAT:
            return None
        start = _count(data, "t")
        if start % MINUTE:
            return None
        level = data.get("p")
        in_progress = None if level is None else _count(data, "p")
        gap = None
        raw = data.get("gap")
        if isinstance(raw, dict):
            gap = Gap(
                _count(raw, "min"),
                Change(_count(raw, "n"), _count(raw, "s"), _count(raw, "f"), _count(raw, "fell")),
            )
        return Bucket(
            minute=start // MINUTE,
            notified=_count(data, "n"),
            succeeded=_count(data, "s"),
            failed=_count(data, "f"),
            in_progress=in_progress,
            fell=_count(data, "fell"),
            partial=data.get("partial") is True,
            gap=gap,
            measured=data.get("measured") is not False,
        )
    except (ValueError, RecursionError):
        return None


@dataclass(frozen=True)
class Loaded:
    buckets: list[Bucket]  # oldest first, one per minute
    skipped: int = 0  # lines that were not this version's
    warning: str | None = None  # why the file could not be read, as a sentence


def load(path: Path) -> Loaded:
    """The file's minutes (the last 7 days of them); compacts it when it has grown."""
    try:
        with path.open("rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - MAX_BYTES))
            data = file.read()
    except FileNotFoundError:
        return Loaded([])
    except OSError as exc:
        return Loaded([], warning=f"The timeline file {path} could not be read: {exc.strerror}.")
    lines = data.split(b"\n")
    if size > MAX_BYTES:
        lines = lines[1:]  # the first is cut
    minutes: dict[int, Bucket] = {}
    skipped = 0
    for raw in lines:
        if not raw.strip():
            continue
        bucket = decode(raw.decode("utf-8", "replace"))
        if bucket is None:
            skipped += 1
        else:
            minutes[bucket.minute] = bucket  # a later line for a minute wins
    kept = sorted(minutes.values(), key=lambda bucket: bucket.minute)
    if kept:
        cutoff = kept[-1].minute - KEEP_MINUTES
        kept = [bucket for bucket in kept if bucket.minute > cutoff]
    if len(lines) > len(kept) + COMPACT_SLACK:
        rewrite(path, kept)
    return Loaded(kept, skipped)


def rewrite(path: Path, buckets: list[Bucket]) -> bool:
    """Replace the file atomically with these minutes; False if it could not."""
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".jsonl")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.writelines(encode(bucket) + "\n" for bucket in buckets)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


def append(path: Path, buckets: list[Bucket]) -> str | None:
    """Append minutes (one write, O_APPEND); the reason as a sentence if it failed."""
    if not buckets:
        return None
    text = "".join(encode(bucket) + "\n" for bucket in buckets).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, text)
        finally:
            os.close(fd)
    except OSError as exc:
        return f"The timeline is not saved: {path.parent}: {exc.strerror or exc}."
    return None


def prune(base: Path, now: float | None = None, max_age: float = MAX_FILE_AGE) -> int:
    """Delete timeline files not written for `max_age` seconds (wall clock); how many."""
    root = base / "timeline"
    if not root.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - max_age
    removed = 0
    for path in root.rglob("*.jsonl"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
