"""The rollout timeline against the emulator: recorded minutes survive a restart of the app,
and `←`/`→` print a minute's values. Each test has its own state directory."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import Screen

from iotjobs_tui.aws.models import Job, JobProcessDetails
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.ui.protocols import ViewOptions
from iotjobs_tui.ui.widgets.field import Field
from iotjobs_tui.ui.widgets.gap_sparkline import GapSparkline
from iotjobs_tui.ui.widgets.job_detail import JobDetail
from iotjobs_tui.ui.widgets.timeline import Timeline

from .conftest import seed_group, wait_for

T0 = 1_767_225_600.0  # the emulator's frozen start (tests/conftest.py), a minute boundary


@pytest.fixture(autouse=True)
def own_state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("IOTJOBS_TUI_HOME", str(tmp_path))
    return tmp_path / "state"


def timeline(app: Any) -> Timeline:
    return app.screen.query_one(Timeline)


def cursor_text(app: Any) -> str:
    return app.screen.query_one("#tl-cursor", Field).plain


def seed_rollout(iot: Any) -> None:
    """30 things, 5 notified a minute."""
    group = seed_group(iot, "meters", 30)
    iot.create_job(
        jobId="meter-fw",
        targets=[group],
        document="{}",
        jobExecutionsRolloutConfig={"maximumPerMinute": 5},
    )


async def refreshed(pilot: Any, app: Any, emulator: Emulator) -> None:
    """`r`, then wait until the detail has recorded the emulator's present."""
    await pilot.press("r")
    now = emulator.clock.now()

    def recorded() -> bool:
        shown = timeline(app)._shown()
        return (
            shown is not None
            and shown.recorder.started is not None
            and (shown.recorder._last is not None and shown.recorder._last[0] >= now)
        )

    await wait_for(pilot, recorded)


async def record_minutes(
    pilot: Any, app: Any, iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    await wait_for(pilot, lambda: app.screen.query_one(JobDetail).job is not None)
    assert not timeline(app).display  # hidden until a minute has closed
    emulator.clock.advance(30)
    await refreshed(pilot, app, emulator)
    finished = 0
    for _ in range(3):
        emulator.clock.advance(60)
        # Devices finish what was notified a minute ago: 4 succeed, 1 fails.
        for i in range(finished, finished + 5):
            status = "FAILED" if i % 5 == 4 else "SUCCEEDED"
            jobs_data.update_job_execution(
                jobId="meter-fw", thingName=f"meters-{i:03d}", status=status
            )
        finished += 5
        await refreshed(pilot, app, emulator)
    emulator.clock.advance(60)
    await refreshed(pilot, app, emulator)


async def test_the_timeline_survives_a_restart_of_the_app(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Emulator, own_state_dir: Path
) -> None:
    seed_rollout(iot)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await record_minutes(pilot, app, iot, jobs_data, emulator)
        await wait_for(pilot, lambda: timeline(app).display)
        before = cursor_text(app)
        assert "5 notified, 4 succeeded, 1 failed/rejected/timed out" in before
    files = list((own_state_dir / "timeline").rglob("meter-fw@*.jsonl"))
    assert len(files) == 1
    assert "us-east-1/123456789012" in files[0].as_posix()
    starts = [json.loads(line)["t"] for line in files[0].read_text().splitlines()]
    # Minutes 0-3 closed while it ran; minute 4, under way, was saved as the app closed.
    assert starts == [T0 + 60 * i for i in range(5)]

    # A new app (the clock has not moved): the earlier minutes are shown at once.
    again = make_app()
    async with again.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: timeline(again).display and cursor_text(again) != "")
        assert cursor_text(again) == before
        shown = timeline(again)._shown()
        assert shown is not None and len(shown.recorder.closed) >= 4


async def test_arrows_scrub_through_the_minutes(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Emulator
) -> None:
    seed_rollout(iot)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await record_minutes(pilot, app, iot, jobs_data, emulator)
        await wait_for(pilot, lambda: timeline(app).display)
        app.screen.query_one(JobDetail).focus()
        latest = cursor_text(app)
        await pilot.press("left")
        earlier = cursor_text(app)
        assert earlier != latest
        assert earlier.startswith("00:02 UTC: 5 notified, 4 succeeded, 1 failed")
        await pilot.press("left", "left")
        # The first minute of the recording: the baseline, part of a minute.
        assert cursor_text(app).startswith("00:00 UTC: 0 notified")
        assert "part of the minute" in cursor_text(app)
        await pilot.press("left")  # before it: nothing recorded, and said so
        assert "no data" in cursor_text(app)
        await pilot.press("right", "right", "right", "right", "right")
        assert cursor_text(app) == latest  # back to following the newest minute
        await pilot.press("j", "k")  # the detail's own keys still scroll


class _Data:
    endpoint = "http://127.0.0.1:5055"


class _SectionScreen(Screen[None]):
    """Just the section, in a pane as wide as the detail's (no other section, no status bar)."""

    def __init__(self, state_dir: Path, width: int) -> None:
        super().__init__()
        self.data = _Data()
        self.options = ViewOptions(state_dir=state_dir)
        self.width = width

    def compose(self) -> ComposeResult:
        with Vertical(id="pane") as pane:
            pane.styles.width = self.width
            pane.styles.height = "auto"
            yield Timeline(id="d-timeline")

    def add_loop(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the timeline makes no calls of its own")


class _SectionApp(App[None]):
    def __init__(self, state_dir: Path, width: int) -> None:
        super().__init__()
        self.section_screen = _SectionScreen(state_dir, width)

    def on_mount(self) -> None:
        self.push_screen(self.section_screen)


def job_at(total: int, succeeded: int, failed: int, in_progress: int) -> Job:
    queued = total - succeeded - failed - in_progress
    return Job(
        job_id="meter-fw",
        job_arn="arn:aws:iot:us-east-1:123456789012:job/meter-fw",
        created_at=datetime.fromtimestamp(T0, UTC),
        process=JobProcessDetails(
            queued=queued, in_progress=in_progress, succeeded=succeeded, failed=failed
        ),
    )


def feed(section: Timeline) -> None:
    """40 minutes of a rollout, refreshed every 20 s, with the app closed in minutes 20-24
    and three executions deleted in minute 31."""
    section.select("meter-fw")
    created = deleted = 0
    for tick in range(40 * 3):
        minute = tick // 3
        if tick == 94:
            deleted = 3  # three succeeded executions deleted, nothing else changed
        else:
            created += 2 + minute % 4
        succeeded = max(0, created - 12 - minute % 5) - deleted
        failed = created // 40
        if 20 <= minute < 25:
            continue
        now = datetime.fromtimestamp(T0 + tick * 20, UTC)
        in_progress = (created - deleted - succeeded - failed) // 2
        section.show_job(job_at(created - deleted, succeeded, failed, in_progress), now)
        section.tick(now)
    section.tick(datetime.fromtimestamp(T0 + 40 * 60, UTC))


@pytest.mark.parametrize("width", [58, 74], ids=["wide-detail", "stacked-80x24"])
def test_snapshot(snap_compare: Any, own_state_dir: Path, width: int) -> None:
    """The section after 40 minutes with a gap, the cursor on the minute of the deletion."""
    app = _SectionApp(own_state_dir, width)

    async def run_before(pilot: Any) -> None:
        section = app.screen.query_one(Timeline)
        feed(section)
        await wait_for(pilot, lambda: section.display and bool(section._shown().loaded))
        for _ in range(8):
            section.scrub(-1)
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(80, 12), run_before=run_before)


async def test_a_refresh_within_a_minute_repaints_nothing(own_state_dir: Path) -> None:
    app = _SectionApp(own_state_dir, 58)
    async with app.run_test(size=(80, 12)) as pilot:
        section = app.screen.query_one(Timeline)
        feed(section)
        await wait_for(pilot, lambda: section.display)
        sparks = list(section.query(GapSparkline))
        fields = list(section.query(Field))
        before = [spark.data for spark in sparks], [field._value for field in fields]
        now = datetime.fromtimestamp(T0 + 40 * 60 + 30, UTC)
        section.show_job(job_at(900, 800, 20, 40), now)  # the open minute changes
        for second in range(30):
            section.tick(datetime.fromtimestamp(T0 + 40 * 60 + second, UTC))
        after = [spark.data for spark in sparks], [field._value for field in fields]
        assert all(a is b for a, b in zip(before[0], after[0], strict=True))
        assert all(a is b for a, b in zip(before[1], after[1], strict=True))
        section.tick(datetime.fromtimestamp(T0 + 41 * 60, UTC))  # the minute closes: moves
        assert sparks[0].data is not before[0][0]
