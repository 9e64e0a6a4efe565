"""Export files: written under `<state dir>/exports/`, readable and writable by the user only.

No Textual here (the screen runs `write_export` in a thread): a 100,000-row export formats
and writes for a few hundred milliseconds, which must not freeze the UI.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from iotjobs_tui.common import paths

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_STEM_MAX = 120


def export_dir(state_dir: Path | None) -> Path:
    return (state_dir or paths.state_dir()) / "exports"


def file_stem(*parts: str) -> str:
    """A file name from untrusted parts (a job id): no separators, no dot files."""
    stem = "-".join(_UNSAFE.sub("_", part) for part in parts if part)
    return stem.lstrip(".")[:_STEM_MAX] or "export"


def write_export(directory: Path, stem: str, extension: str, content: str) -> Path:
    """Write a new file (never over an existing one: `-2`, `-3`… on a clash), mode 0600."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = content.encode("utf-8")
    for attempt in range(1, 1000):
        name = f"{stem}.{extension}" if attempt == 1 else f"{stem}-{attempt}.{extension}"
        path = directory / name
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return path
    raise FileExistsError(f"{directory / stem}.{extension} and 998 more exist")
