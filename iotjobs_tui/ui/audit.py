"""The audit log: one JSON line per write attempt and one per outcome, in the state directory.

`<state_dir>/audit.log`, appended and never rewritten. A line holds the time (UTC, ISO 8601),
the event (`attempt`, `outcome`, or `refused` for a write key pressed in read-only mode), the
operation, job id, thing and execution number, the parameters exactly as sent, the mode
(`read-write`/`read-only`), where it went (region, account, profile) and, for an
outcome, `ok` or `error` with the AWS error code.

What is logged is built here from the request's own fields, never from the session or its
settings, so credentials cannot reach the file. The attempt line is written before the call:
if it cannot be written, the write is not made (the caller gets `AuditError`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from iotjobs_tui.aws.write_models import WriteOutcome, WriteRequest

FILE_NAME = "audit.log"


class AuditError(Exception):
    """The audit log could not be written; str() says where and why."""


class AuditLog:
    def __init__(
        self,
        directory: Path,
        *,
        mode: str,
        where: Callable[[], dict[str, str | None]] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.path = directory / FILE_NAME
        self.mode = mode
        # Region, account and profile, read at each line (they can change).
        self._where = where or dict
        self._clock = clock

    def _now(self) -> str:
        now = (
            datetime.now(UTC) if self._clock is None else datetime.fromtimestamp(self._clock(), UTC)
        )
        return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def _line(self, event: str, request: WriteRequest, **extra: Any) -> dict[str, Any]:
        return {
            "time": self._now(),
            "event": event,
            "operation": request.operation,
            "job_id": request.job_id,
            "thing": request.thing_name,
            "execution_number": request.execution_number,
            "parameters": request.params(),
            "mode": self.mode,
            **{key: value for key, value in self._where().items() if value},
            **extra,
        }

    def _append(self, record: dict[str, Any]) -> None:
        # ASCII only: ids and comments from AWS reach the file as \uXXXX, so `cat audit.log`
        # cannot be sent a terminal escape or a bidi override.
        text = json.dumps(record, ensure_ascii=True, default=str) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One write() of one line with O_APPEND: two app instances never interleave lines.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, text.encode("utf-8"))
            finally:
                os.close(fd)
        except OSError as exc:
            raise AuditError(f"Cannot write the audit log {self.path}: {exc.strerror}.") from exc

    def attempt(self, request: WriteRequest) -> None:
        """Before the call; raises AuditError (and then nothing must be sent)."""
        self._append(self._line("attempt", request))

    def outcome(self, outcome: WriteOutcome) -> None:
        self._append(
            self._line(
                "outcome",
                outcome.request,
                outcome="ok" if outcome.ok else "error",
                error_code=outcome.code,
                error=outcome.error,
            )
        )

    def refused(self, request: WriteRequest) -> None:
        """A write key in read-only mode: recorded, and nothing was sent."""
        self._append(self._line("refused", request, outcome="read-only: not sent"))
