"""A 100,000-row ExecutionList alone in a terminal, for bench_executions.py's tmux run.

Every cursor move writes "index painted_at" to the file named by argv[1] once the frame that
shows it has been written (call_after_refresh), and the status line shows the index.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult
from textual.widgets import Static

from iotjobs_tui.aws.models import JobExecutionSummary
from iotjobs_tui.ui.widgets.execution_list import ExecutionList

ROWS = 100_000
T0 = datetime(2026, 1, 1, tzinfo=UTC)
STATUSES = ("IN_PROGRESS", "SUCCEEDED", "QUEUED", "FAILED")


def rows() -> list[JobExecutionSummary]:
    return [
        JobExecutionSummary(
            f"arn:aws:iot:us-east-1:123456789012:thing/meter-us-central-dal-{i:06d}",
            STATUSES[i % 4],
            1,
            0,
            T0,
            T0 + timedelta(seconds=i),
            T0 + timedelta(seconds=i),
        )
        for i in range(ROWS)
    ]


class KeysApp(App[None]):
    def __init__(self, log: str) -> None:
        super().__init__()
        self.log_file = open(log, "a", buffering=1)  # noqa: SIM115

    def compose(self) -> ComposeResult:
        yield ExecutionList(now=lambda: T0 + timedelta(days=1))
        yield Static("loading", id="status")

    def on_mount(self) -> None:
        table = self.query_one(ExecutionList)
        data = rows()
        for start in range(0, ROWS, 250):
            table.add(data[start : start + 250])
        table.focus()
        self.query_one("#status", Static).update(f"ready cursor {table.cursor}")

    def on_execution_list_highlighted(self, event: ExecutionList.Highlighted) -> None:
        index = self.query_one(ExecutionList).cursor
        self.query_one("#status", Static).update(f"cursor {index} ")
        self.call_after_refresh(lambda: self.log_file.write(f"{index} {time.time()}\n"))


if __name__ == "__main__":
    KeysApp(sys.argv[1]).run()
