"""The why panel against the emulator: failures planted through the device plane (boto3
iot-jobs-data) come back as buckets with exact counts, `w` lists every bucket, `Enter` on one
lists exactly its things, ShowThings opens that list, and reasons render literally."""

from __future__ import annotations

import re
from typing import Any

import pytest

from iotjobs_tui.aws import api as aws_api
from iotjobs_tui.aws.execution_models import JobExecution
from iotjobs_tui.aws.pacer import Pacer
from iotjobs_tui.aws.why import BucketKey
from iotjobs_tui.ui.messages import ShowThings
from iotjobs_tui.ui.screens.main import MainScreen
from iotjobs_tui.ui.screens.thing_set import ThingSetScreen
from iotjobs_tui.ui.screens.why import WhyScreen, cost_text
from iotjobs_tui.ui.widgets import why_panel
from iotjobs_tui.ui.widgets.field import Field
from iotjobs_tui.ui.widgets.why_panel import WhyPanel

from .conftest import seed_group, wait_for

JOB = "meter-fw-5_2_0"
QUIET = {"list_interval": 3600, "progress_every": 3600}


def quick_pacer(app: Any) -> Any:
    """The local emulator shares no quota: sample at 50 calls/s, not the background 1/s (the
    pacing itself is tested in tests/aws and measured by bench_calls)."""
    from iotjobs_tui.aws.pacer import Pacer

    app.data.pacer = Pacer(background_rate=50, background_total=100)
    return app


@pytest.fixture(autouse=True)
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """No pacing and every sample member in one cycle: the test checks what, not how fast."""
    monkeypatch.setattr(aws_api, "Pacer", lambda: Pacer(1000, 1000, 1000))
    monkeypatch.setattr(why_panel, "DESCRIBES_PER_CYCLE", 100)


def fail(jobs_data: Any, thing: str, **details: str) -> None:
    """What a device does: take the execution, report a step, then fail with a reason."""
    jobs_data.start_next_pending_job_execution(thingName=thing, statusDetails={"step": "download"})
    jobs_data.update_job_execution(
        jobId=JOB, thingName=thing, status="FAILED", statusDetails=details
    )


def plant(iot: Any, jobs_data: Any, emulator: Any) -> None:
    """30 FAILED with CHECKSUM_MISMATCH and 10 with LOW_BATTERY, among 50 meters."""
    group = seed_group(iot, "meter", 50)
    iot.create_job(jobId=JOB, targets=[group], document="{}")
    emulator.clock.advance(60)
    for i in range(40):
        reason = "CHECKSUM_MISMATCH" if i < 30 else "LOW_BATTERY"
        fail(jobs_data, f"meter-{i:03d}", reason=reason, step="verify")
    for i in range(40, 45):  # in progress: the steps line
        jobs_data.start_next_pending_job_execution(
            thingName=f"meter-{i:03d}", statusDetails={"step": "install", "progress": "50%"}
        )


def panel_of(app: Any) -> WhyPanel:
    return app.screen.query_one(WhyPanel)


async def test_planted_reasons_are_two_exact_buckets(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Any
) -> None:
    plant(iot, jobs_data, emulator)
    app = quick_pacer(make_app(job_id=JOB, **QUIET))
    async with app.run_test(size=(160, 48)) as pilot:
        panel = panel_of(app)

        def sampled() -> bool:
            summary = panel.summary()
            return summary is not None and summary.sampled == 40 and summary.steps_sampled == 5

        await wait_for(pilot, sampled)
        summary = panel.summary()
        assert summary is not None
        assert [(b.key, b.estimate, b.exact) for b in summary.buckets] == [
            (BucketKey("FAILED", "reason", "CHECKSUM_MISMATCH"), 30, True),
            (BucketKey("FAILED", "reason", "LOW_BATTERY"), 10, True),
        ]
        assert (summary.failures, summary.exact) == (40, True)
        assert [(b.key.value, b.estimate) for b in summary.steps] == [("install", 5)]
        await wait_for(pilot, lambda: panel.display)
        head = panel.query_one("#why-head", Field).plain
        body = panel.query_one("#why-body", Field).plain
        assert "Why  all 40 failed executions described" in head
        assert "30  75 %  FAILED reason CHECKSUM_MISMATCH" in body
        assert "10  25 %  FAILED reason LOW_BATTERY" in body
        # three examples of the bucket's things, in the sample's (random) order
        assert re.search(r"e\.g\. meter-0[0-2]\d, meter-0[0-2]\d, meter-0[0-2]\d, …\n", body)
        assert "In progress by step (all 5): install 5" in body

        # `w`: every bucket at full size; Enter on the first (the largest) lists its things.
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WhyScreen))
        why = app.screen
        assert isinstance(why, WhyScreen)
        await wait_for(pilot, lambda: why.table.row_count == 3)  # two reasons and one step
        assert why.table.selected_row is not None
        assert why.table.selected_row.bucket.key.value == "CHECKSUM_MISMATCH"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ThingSetScreen))
        things = app.screen
        assert isinstance(things, ThingSetScreen)
        expected = {f"meter-{i:03d}" for i in range(30)}
        assert set(things.things) == expected
        # At once, from what the sample described: no row waits for a call.
        rows = things.table.rows.values()
        assert {row.thing for row in rows} == expected
        assert {row.status for row in rows} == {"FAILED"}
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, WhyScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_describe_all_says_what_it_costs(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Any
) -> None:
    plant(iot, jobs_data, emulator)
    app = quick_pacer(make_app(job_id=JOB, why_sample=4, **QUIET))
    async with app.run_test(size=(160, 48)) as pilot:
        panel = panel_of(app)
        await wait_for(pilot, lambda: (s := panel.summary()) is not None and s.sampled == 4)
        summary = panel.summary()
        assert summary is not None and not summary.exact
        assert "sampled 4 of 40 failed executions" in panel.query_one("#why-head", Field).plain
        assert all(b.low <= b.estimate <= b.high for b in summary.buckets)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WhyScreen))
        why = app.screen
        assert isinstance(why, WhyScreen)
        assert cost_text(36) == "36 DescribeJobExecution calls, about 50 s at 0.7/s"
        await pilot.press("A")
        await wait_for(pilot, lambda: app.screen is not why)
        await pilot.press("1")  # describe all of them
        await wait_for(pilot, lambda: why.summary().sampled == 40)
        assert why.summary().exact
        assert [b.estimate for b in why.summary().buckets] == [30, 10]


async def test_reasons_render_literally(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Any
) -> None:
    group = seed_group(iot, "meter", 2)
    iot.create_job(jobId=JOB, targets=[group], document="{}")
    emulator.clock.advance(60)
    fail(jobs_data, "meter-000", reason="[bold]boom[/bold]")
    # AWS refuses control characters in statusDetails ([^\p{C}]+); an endpoint that does not
    # (a proxy, another emulator) could still send one: put it in behind the API's back.
    with emulator.lock:
        (execution,) = emulator.region("us-east-1").executions_by_thing["meter-000"]
        execution.status_details["reason"] += "\x1b]0;owned\x07"
    app = quick_pacer(make_app(job_id=JOB, **QUIET))
    async with app.run_test(size=(160, 48)) as pilot:
        panel = panel_of(app)
        await wait_for(pilot, lambda: (s := panel.summary()) is not None and s.sampled == 1)
        await wait_for(pilot, lambda: panel.display)
        body = panel.query_one("#why-body", Field)
        assert "FAILED reason [bold]boom[/bold]\\x1b]<n>;owned\\x07" in body.plain
        assert "\x1b" not in body.plain and "\x07" not in body.plain
        # Text, never markup: no span styles the reason ("[bold]" is not a tag).
        summary = panel.summary()
        assert summary is not None
        text = why_panel.body_text(summary)
        assert text is not None
        start = text.plain.index("[bold]boom")
        assert not [span for span in text.spans if span.start <= start < span.end]


async def test_show_things_opens_exactly_those_things(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Any
) -> None:
    plant(iot, jobs_data, emulator)
    app = quick_pacer(make_app(job_id=JOB, **QUIET))
    async with app.run_test(size=(160, 48)) as pilot:
        panel = panel_of(app)
        await wait_for(pilot, lambda: panel.job is not None)
        known = {
            "meter-000": JobExecution(JOB, thing_name_hint="meter-000", status="QUEUED"),
        }
        # Another section's list: one thing known (shown at once), one described by the loop.
        panel.post_message(ShowThings(JOB, "stuck: 2", ("meter-000", "meter-031"), known))
        await wait_for(pilot, lambda: isinstance(app.screen, ThingSetScreen))
        screen = app.screen
        assert isinstance(screen, ThingSetScreen)

        def statuses() -> dict[str, str]:
            return {row.thing: row.status for row in screen.table.rows.values()}

        assert statuses()["meter-000"] in ("QUEUED", "FAILED")
        await wait_for(pilot, lambda: statuses() == {"meter-000": "FAILED", "meter-031": "FAILED"})
        assert len(screen.table.rows) == 2
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
