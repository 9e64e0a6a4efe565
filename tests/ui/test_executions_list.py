"""The virtual execution list on its own: keyed rows, cursor stability, filter, sort, stuck."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult

from iotjobs_tui.aws.models import JobExecutionSummary
from iotjobs_tui.ui.stuck import countdown, stuck_reason
from iotjobs_tui.ui.widgets.execution_list import ExecutionList

from .test_main_screen import painted

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def summary(i: int, status: str = "QUEUED", number: int = 1, **kw: object) -> JobExecutionSummary:
    return JobExecutionSummary(
        f"arn:aws:iot:us-east-1:1:thing/dev-{i:05d}",
        status,
        number,
        number - 1,
        **kw,  # type: ignore[arg-type]
    )


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ExecutionList(id="x", now=lambda: NOW)


async def test_keyed_rows_keep_the_cursor() -> None:
    app = ListApp()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(ExecutionList)
        table.focus()
        table.add([summary(i) for i in range(250)])
        await pilot.press("down", "down", "down")
        assert table.selected is not None and table.selected.thing == "dev-00003"
        # A later page and a status update of the selected row leave the cursor on it.
        table.add([summary(i) for i in range(250, 500)])
        table.add([summary(3, "FAILED")])
        assert table.selected is not None and table.selected.thing == "dev-00003"
        assert table.selected.status == "FAILED" and len(table.rows) == 500
        assert table.counts["FAILED"] == 1 and table.counts["QUEUED"] == 499
        # A retry is its own row (same thing, next number).
        table.add([summary(3, "QUEUED", number=2)])
        assert len(table.rows) == 501
        # Sorting by status keeps the cursor on its row; so does filtering to it.
        table.set_sort("status", reverse=False)
        assert table.selected is not None and table.selected.key == "dev-00003#1"
        table.set_filter("DEV-0000")  # case-insensitive, incremental from here
        table.set_filter("dev-00003")
        assert [r.key for r in table.visible_rows] == ["dev-00003#1", "dev-00003#2"]
        assert table.selected is not None and table.selected.key == "dev-00003#1"
        table.set_filter("")
        assert table.row_count == 501
        await pilot.press("end")
        assert table.cursor == 500
        await pilot.press("home")
        assert table.cursor == 0


async def test_markers_and_literal_thing_names() -> None:
    app = ListApp()
    async with app.run_test(size=(120, 10)) as pilot:
        table = app.query_one(ExecutionList)
        started = NOW - timedelta(hours=2)
        table.add(
            [
                summary(1, "IN_PROGRESS", started_at=started),
                summary(2, "TIMED_OUT"),
                JobExecutionSummary("arn:aws:iot:us-east-1:1:thing/[b]x\x1b[2J", "QUEUED", 1),
            ]
        )
        await pilot.pause()
        lines = painted(table).splitlines()
        assert lines[1].startswith("⚠ dev-00001") and lines[2].startswith("✗ dev-00002")
        assert "[b]x\\x1b[2J" in lines[3]


def test_stuck_rules() -> None:
    two_hours = NOW - timedelta(hours=2)
    assert stuck_reason("IN_PROGRESS", two_hours, NOW) == "in progress for 120 min"
    assert stuck_reason("IN_PROGRESS", NOW - timedelta(minutes=5), NOW) is None
    assert stuck_reason("IN_PROGRESS", NOW, NOW, seconds_left=30) == "about to time out"
    assert stuck_reason("QUEUED", two_hours, NOW) is None
    assert countdown(100, measured_at=10.0, now=40.0) == 70.0
    assert countdown(10, measured_at=0.0, now=40.0) == 0.0
    assert countdown(None, 0.0, 1.0) is None


def test_long_thing_names_keep_their_distinguishing_end() -> None:
    from rich.segment import Segment

    from iotjobs_tui.ui.widgets.table_cells import fit as fit_cells

    def fit(text: str, width: int, middle: bool) -> str:
        return "".join(s.text for s in fit_cells([Segment(text)], width, middle=middle))

    names = ["meter-us-central-aus-00016", "meter-us-central-aus-00017"]
    cut = [fit(name, 22, True) for name in names]
    assert cut == ["meter-u…tral-aus-00016", "meter-u…tral-aus-00017"]
    assert all(len(c) == 22 for c in cut)
    assert fit(names[0], 22, False) == "meter-us-central-aus-…"  # other columns cut the end
    assert fit("short", 8, True) == "short   "
