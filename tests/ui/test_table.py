"""KeyedTable on its own (through JobTable, ExecutionList and the history tables): keyed
upserts, cursor and filter survival, sorting, keys, layout, repaint economy, hostile text."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding

from iotjobs_tui.aws.execution_models import ThingExecution
from iotjobs_tui.aws.models import JobExecutionSummary, JobSummary
from iotjobs_tui.ui.widgets.execution_list import ExecutionList
from iotjobs_tui.ui.widgets.history_table import HistoryTable, OtherJobsTable
from iotjobs_tui.ui.widgets.job_table import JobTable
from iotjobs_tui.ui.widgets.table import KeyedTable

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
LONG_ID = "cert-rotation-2026-q4-us-east-0001"  # 34 characters, as long as the demo's


def job(i: int, job_id: str | None = None, **kw: Any) -> JobSummary:
    kw.setdefault("status", "IN_PROGRESS")
    kw.setdefault("target_selection", "SNAPSHOT")
    kw.setdefault("created_at", NOW - timedelta(hours=1, minutes=i))
    kw.setdefault("last_updated_at", NOW - timedelta(minutes=i))
    return JobSummary(job_id or f"job-{i:05d}", **kw)


class Host(App[None]):
    """One table, the app's `g` binding, and a log of the table's messages."""

    BINDINGS = [Binding("g", "goto_execution", "Go to execution")]

    def __init__(self, table: KeyedTable[Any]) -> None:
        super().__init__()
        self.table = table
        self.gotos = 0
        self.log_: list[tuple[str, str | None]] = []

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.table.focus()

    def action_goto_execution(self) -> None:
        self.gotos += 1

    @on(KeyedTable.Highlighted)
    def _highlighted(self, event: KeyedTable.Highlighted) -> None:
        self.log_.append(("highlighted", event.key))

    @on(KeyedTable.Selected)
    def _selected(self, event: KeyedTable.Selected) -> None:
        self.log_.append(("selected", event.key))

    @on(KeyedTable.SortChanged)
    def _sorted(self, event: KeyedTable.SortChanged) -> None:
        self.log_.append(("sorted", event.table.sort_column))


def jobs_table() -> JobTable:
    return JobTable(id="jobs", now=lambda: NOW)


def lines(table: KeyedTable[Any]) -> list[str]:
    """What the table paints, line by line (straight from render_line)."""
    return [
        "".join(segment.text for segment in table.render_line(y))
        for y in range(table.scrollable_content_region.height)
    ]


async def test_upsert_keeps_the_cursor_on_its_row_when_rows_come_above() -> None:
    table = jobs_table()
    app = Host(table)
    async with app.run_test(size=(120, 20)) as pilot:
        table.merge([job(i) for i in range(100)])  # newest first: job-00000 on top
        await pilot.pause()
        assert table.selected_job_id == "job-00000"
        await pilot.press("j", "j", "j")
        assert table.selected_job_id == "job-00003" and table.cursor == 3
        screen_line = table.cursor - int(table.scroll_y)
        # Ten newer jobs sort above it: the cursor follows its row, which stays on its line.
        table.merge([job(-i, f"new-{i}") for i in range(1, 11)])
        await pilot.pause()
        assert table.selected_job_id == "job-00003" and table.cursor == 13
        assert table.cursor - int(table.scroll_y) == screen_line
        # An update of the selected row, and a later page, leave it there too.
        table.update_job(job(3, status="COMPLETED"))
        table.merge([job(i) for i in range(100, 200)])
        await pilot.pause()
        assert table.selected_job_id == "job-00003"
        assert table.rows["job-00003"].job.status == "COMPLETED"
        # retain() drops the rows a refresh did not return and says which.
        dropped = table.retain(frozenset(table.jobs) - {"job-00001", "job-00002"})
        assert sorted(dropped) == ["job-00001", "job-00002"]
        assert table.selected_job_id == "job-00003" and table.row_count == 208
        assert ("highlighted", "job-00003") in app.log_


async def test_filter_and_clear_keep_the_selection() -> None:
    table = jobs_table()
    app = Host(table)
    async with app.run_test(size=(120, 20)) as pilot:
        table.merge([job(i, status="COMPLETED" if i % 2 else "IN_PROGRESS") for i in range(500)])
        assert table.select_key("job-00321")
        table.set_filter("job-003")  # typing: each filter narrows the previous result
        table.set_filter("job-0032")
        assert table.text_filter == "job-0032" and table.row_count == 10
        assert table.selected_job_id == "job-00321"
        table.set_filter("COMPLETED 0032")  # every word must match (status is searched too)
        assert [r.key for r in table.visible_rows][:2] == ["job-00321", "job-00323"]
        table.set_filter("")
        assert table.row_count == 500 and table.selected_job_id == "job-00321"
        await pilot.pause()
        assert table.selected_key in table.visible_keys()
        # A filter that hides the selected row moves the cursor (and says so).
        table.set_filter("job-00007")
        await pilot.pause()
        assert table.selected_job_id == "job-00007"
        assert app.log_[-1] == ("highlighted", "job-00007")
        assert not table.select_key("job-00321")  # not shown under this filter


async def test_sort_arrow_header_click_and_stable_ties() -> None:
    table = jobs_table()
    app = Host(table)
    async with app.run_test(size=(160, 12)) as pilot:
        table.merge([job(i, status=("QUEUED", "CANCELED")[i % 2]) for i in range(20)])
        await pilot.pause()
        header = lines(table)[0]
        assert "Created ↓" in header and "↑" not in header
        assert "Job ID  " in header and "  Succeeded" in header  # arrow cells kept, empty
        table.set_sort("status", False)
        header = lines(table)[0]
        assert "Status ↑" in header and "Created ↓" not in header
        # Equal statuses keep the order of their keys, however often they are re-sorted.
        keys = [r.key for r in table.visible_rows]
        assert keys[:10] == sorted(keys[:10]) and table.visible_rows[0].job.status == "CANCELED"
        # A click on a header sorts by it; a second click reverses; the screen hears of it.
        x = header.index("Updated")
        await pilot.click(JobTable, offset=(x, 0))
        assert (table.sort_column, table.sort_reverse) == ("updated", False)
        await pilot.click(JobTable, offset=(x, 0))
        assert (table.sort_column, table.sort_reverse) == ("updated", True)
        assert app.log_.count(("sorted", "updated")) == 2
        assert "Updated ↓" in lines(table)[0]
        table.cycle_sort()
        assert table.sort_column == "completed"
        table.cycle_sort()
        assert table.sort_column == "id"


async def test_keys_home_end_g_and_gg() -> None:
    table = jobs_table()
    app = Host(table)
    async with app.run_test(size=(120, 20)) as pilot:
        table.merge([job(i) for i in range(300)])
        await pilot.press("G")
        assert table.cursor == 299 and table.selected_key in table.visible_keys()
        await pilot.press("home")
        assert table.cursor == 0
        await pilot.press("end")
        assert table.cursor == 299
        await pilot.press("pageup")
        assert table.cursor == 299 - (table.scrollable_content_region.height - 1)
        await pilot.press("up", "k", "down")
        cursor = table.cursor
        await pilot.press("g", "g")
        assert table.cursor == 0
        await pilot.pause(0.6)
        assert app.gotos == 0  # the second g consumed the first
        await pilot.press("pagedown", "enter")
        assert table.cursor > 0 and app.log_[-1] == ("selected", table.selected_key)
        assert cursor != table.cursor


async def test_a_lone_g_runs_the_app_action() -> None:
    table = jobs_table()
    app = Host(table)
    async with app.run_test(size=(120, 20)) as pilot:
        table.merge([job(i) for i in range(30)])
        await pilot.press("j", "j", "g")
        assert app.gotos == 0  # not yet: a second g may come
        await pilot.pause(KeyedTable.G_DELAY + 0.3)
        assert app.gotos == 1 and table.cursor == 2


async def test_clicks_move_the_cursor_and_a_double_click_selects() -> None:
    table = jobs_table()
    app = Host(table)
    async with app.run_test(size=(120, 20)) as pilot:
        table.merge([job(i) for i in range(30)])
        await pilot.pause()
        await pilot.click(JobTable, offset=(5, 4))
        assert table.cursor == 3
        await pilot.double_click(JobTable, offset=(5, 4))
        assert app.log_[-1] == ("selected", "job-00003")


async def test_only_changed_rows_repaint() -> None:
    table = jobs_table()
    app = Host(table)
    async with app.run_test(size=(120, 20)) as pilot:
        table.merge([job(i) for i in range(200)])
        await pilot.pause()
        painted: list[str] = []
        rendered: list[int] = []
        paint_row, render_line = table._paint_row, table.render_line

        def count_paint(row: Any, *args: Any) -> Any:
            painted.append(row.key)
            return paint_row(row, *args)

        def count_render(y: int) -> Any:
            rendered.append(y)
            return render_line(y)

        table._paint_row = count_paint  # type: ignore[method-assign,assignment]
        table.render_line = count_render  # type: ignore[method-assign]
        # Progress of a row on screen: that line alone is painted again.
        table.set_progress("job-00004", 3, 10)
        await pilot.pause()
        assert painted == ["job-00004"] and rendered == [5]
        # A row below the screen, or the same data again: nothing is painted.
        painted.clear()
        rendered.clear()
        table.set_progress("job-00150", 1, 10)
        table.merge([job(i) for i in range(200)])
        await pilot.pause()
        assert painted == [] and rendered == []
        # A cursor move paints the two rows it changes.
        await pilot.press("j")
        assert sorted(painted) == ["job-00000", "job-00001"]
        # A whole repaint after a sort is served from the strip cache where rows did not move.
        painted.clear()
        table.set_sort("created", True)
        await pilot.pause()
        assert painted == []
        # Marked (deleted while in view): dim, struck through, "deleted" in the status column.
        table.mark("job-00005")
        await pilot.pause()
        assert painted == ["job-00005"]
        assert "deleted" in lines(table)[6]
        assert any(s.style and s.style.strike for s in table.render_line(6))


async def test_a_longer_value_widens_the_flexible_column_and_the_header_follows() -> None:
    table = jobs_table()
    app = Host(table)
    async with app.run_test(size=(160, 12)) as pilot:
        table.merge([job(i, f"j{i}") for i in range(5)])
        await pilot.pause()
        first = lines(table)
        assert first[0].index("Status") == first[1].index("IN_PROGRESS")
        table.merge([job(9, LONG_ID)])  # a later page brings a longer id
        await pilot.pause()
        after = lines(table)
        column = after[0].index("Status")
        assert column > first[0].index("Status")
        assert all(line.index("IN_PROGRESS") == column for line in after[1:7])
        assert LONG_ID in "".join(after)
        # The longest value gone, the column narrows again.
        table.retain(frozenset({f"j{i}" for i in range(5)}))
        await pilot.pause()
        assert lines(table)[0].index("Status") == first[0].index("Status")


async def test_narrow_widths_drop_the_least_useful_columns_first() -> None:
    # The main screen's list pane at 98 columns: a border, and a scrollbar (many rows).
    class Pane(Host):
        CSS = "JobTable { border: round white; width: 98; }"

    table = jobs_table()
    app = Pane(table)
    async with app.run_test(size=(160, 20)) as pilot:
        table.merge([job(i, LONG_ID if i == 0 else None) for i in range(100)])
        await pilot.pause()
        header, first = lines(table)[:2]
        for label in ("Job ID", "Status", "Succeeded", "Created", "Updated"):
            assert label in header
        assert "Type" not in header and "Completed" not in header
        assert f" {LONG_ID} IN_PROGRESS " in first
    # Wide enough: all seven, nothing cut.
    table = jobs_table()
    async with Host(table).run_test(size=(160, 20)) as pilot:
        table.merge([job(i, LONG_ID if i == 0 else None) for i in range(100)])
        await pilot.pause()
        header, first = lines(table)[:2]
        assert all(label in header for label in ("Type", "Completed", "Job ID"))
        assert LONG_ID in first and "snapshot" in first
    # Very narrow: Completed, Type, Updated, then Succeeded go; Job ID and Status stay.
    table = jobs_table()
    async with Host(table).run_test(size=(40, 10)) as pilot:
        table.merge([job(i, LONG_ID if i == 0 else None) for i in range(5)])
        await pilot.pause()
        header, first = lines(table)[:2]
        assert "Job ID" in header and "Status" in header and "Created" in header
        assert "Updated" not in header and "Succeeded" not in header
        assert first.startswith(" cert-rotation") and "…" in first


async def test_escape_sequences_in_cells_never_reach_the_terminal() -> None:
    table = jobs_table()
    app = Host(table)
    hostile = JobSummary(
        "evil\x1b[2J\x1b]0;pwned\x07",
        status="\x1b[31mRED",
        target_selection="\x9b2J",
        created_at=NOW,
    )
    async with app.run_test(size=(160, 8)) as pilot:
        table.merge([hostile, job(1)])
        await pilot.pause()
        for y in range(4):
            for segment in table.render_line(y):
                assert "\x1b" not in segment.text and "\x07" not in segment.text
                assert "\x9b" not in segment.text
        shown = lines(table)[1]
        assert "evil\\x1b[2J" in shown and "\\x1b[31mRED"[:8] in shown
        table.set_filter("evil")  # the haystack holds the raw text, lowercased
        assert table.row_count == 1
    executions = ExecutionList(now=lambda: NOW)
    async with Host(executions).run_test(size=(120, 8)) as pilot:
        executions.add(
            [JobExecutionSummary("arn:aws:iot:us-east-1:1:thing/x\x1b[2J", "\x1b[5mQUEUED", 1)]
        )
        await pilot.pause()
        assert all("\x1b" not in s.text for s in executions.render_line(1))
        assert "x\\x1b[2J" in lines(executions)[1]


async def test_when_rows_painted_runs_after_a_frame_with_rows() -> None:
    table = jobs_table()
    app = Host(table)
    async with app.run_test(size=(120, 12)) as pilot:
        called: list[int] = []
        table.when_rows_painted(lambda: called.append(table.row_count))
        await pilot.pause()
        assert called == []  # no rows yet
        table.merge([job(i) for i in range(3)])
        await pilot.pause()
        await pilot.pause()
        assert called == [3]


async def test_execution_list_counts_remove_and_sorts() -> None:
    table = ExecutionList(now=lambda: NOW)
    async with Host(table).run_test(size=(120, 12)) as pilot:
        table.add(
            [
                JobExecutionSummary(f"arn:aws:iot:us-east-1:1:thing/t-{i}", "QUEUED", 1)
                for i in range(10)
            ]
        )
        table.add([JobExecutionSummary("arn:aws:iot:us-east-1:1:thing/t-3", "FAILED", 1)])
        assert table.counts["FAILED"] == 1 and table.counts["QUEUED"] == 9
        assert table.remove_rows(["t-3#1", "nope#1"]) == ["t-3#1"]
        assert table.counts["FAILED"] == 0 and len(table.rows) == 9
        assert table.unfinished() == {f"t-{i}#1": "QUEUED" for i in range(10) if i != 3}
        assert table.status_of("t-4#1") == "QUEUED" and table.status_of("t-3#1") is None
        table.set_sort("thing", True)
        assert table.visible_rows[0].thing == "t-9"
        assert table.selected is not None and table.selected.thing == "t-0"  # it followed
        await pilot.press("home", "enter")
        assert table.selected is not None and table.selected.thing == "t-9"
        header = lines(table)[0]
        assert "Thing ↓" in header and "Queued" in header and "Started" in header
        assert "Exec#" in header and "Retry" in header


async def test_history_tables() -> None:
    executions = [
        ThingExecution("job-a", "SUCCEEDED", 1, 0, last_updated_at=NOW),
        ThingExecution("job-a", "FAILED", 2, 1, last_updated_at=NOW),
        ThingExecution("job-b", "IN_PROGRESS", 1, 0),
        ThingExecution("job-b", "QUEUED", 3, 0),
    ]
    history = HistoryTable(now=lambda: NOW)
    async with Host(history).run_test(size=(60, 8)) as pilot:
        history.show(e for e in executions if e.job_id == "job-a")
        assert history.select_number(2) and history.selected_key == "2"
        await pilot.press("enter")
        assert history.selected_row is not None
        assert history.selected_row.execution.status == "FAILED"
        assert "↑ Exec#" in lines(history)[0]  # arrow before a right-aligned label
    others = OtherJobsTable(now=lambda: NOW)
    async with Host(others).run_test(size=(60, 8)) as pilot:
        assert others.show(executions, skip_job="job-a") == 1
        await pilot.pause()
        assert [r.key for r in others.visible_rows] == ["job-b"]
        assert others.visible_rows[0].number == 3
        assert lines(others)[1].startswith("job-b")


async def test_timings_at_10000_rows() -> None:
    """Printed, not asserted: a filter keystroke and a cursor key over 10,000 jobs."""
    table = jobs_table()
    app = Host(table)
    async with app.run_test(size=(160, 50)) as pilot:
        start = time.perf_counter()
        jobs = [job(i, f"{('fw', 'cfg', 'diag')[i % 3]}-rollout-{i:05d}") for i in range(10_000)]
        for page in range(0, len(jobs), 250):
            table.merge(jobs[page : page + 250])
        load = time.perf_counter() - start
        await pilot.pause()
        height = table.scrollable_content_region.height

        def paint() -> None:
            for y in range(height):
                table.render_line(y)

        filters = []
        for text in ("c", "cf", "cfg", "cfg-", "cfg-r", "cfg-rollout-0", "cfg-rollout-00", ""):
            start = time.perf_counter()
            table.set_filter(text)
            paint()
            filters.append(time.perf_counter() - start)
        keys = []
        for _ in range(40):
            start = time.perf_counter()
            table.action_cursor_down()
            paint()
            keys.append(time.perf_counter() - start)
        # Through the app (key event, binding, compositor, frame): CPU time, since the
        # pilot's own waiting is mostly sleep.
        pressed = []
        for _ in range(20):
            start = time.process_time()
            await pilot.press("j")
            pressed.append(time.process_time() - start)
        typed = []
        for text in ("d", "di", "dia", "diag", "diag-", "diag-r", ""):
            start = time.process_time()
            table.set_filter(text)
            await pilot.pause()
            typed.append(time.process_time() - start)
        start = time.perf_counter()
        table.set_sort("id", False)
        paint()
        sort = time.perf_counter() - start
        ms = 1000
        print(
            f"\n10,000 jobs: load in 40 pages {load * ms:.0f} ms; filter keystroke max "
            f"{max(filters) * ms:.1f} ms, median {statistics.median(filters) * ms:.1f} ms; "
            f"key median {statistics.median(keys) * ms:.2f} ms; through the app (CPU, with "
            f"the frame): key median {statistics.median(pressed) * ms:.1f} ms, filter "
            f"keystroke max {max(typed) * ms:.1f} ms; sort by id {sort * ms:.1f} ms"
        )
        assert table.row_count == 10_000
