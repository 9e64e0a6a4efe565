"""The rollout in the job detail: executions against the target count, the bar, the ETA,
the abort line and ARNs that copy whole. Section builders first, then the pane itself."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console
from textual.geometry import Region

from iotjobs_tui.aws.eta import SOURCE_INDEX, estimate
from iotjobs_tui.aws.models import (
    AbortCriterion,
    JobProcessDetails,
    RolloutConfig,
    parse_describe_job,
)
from iotjobs_tui.aws.targets import TargetCount
from iotjobs_tui.ui.format import stacked_bar
from iotjobs_tui.ui.widgets.field import Field
from iotjobs_tui.ui.widgets.job_detail import JobDetail
from iotjobs_tui.ui.widgets.sections import (
    RateTracker,
    abort_line,
    arn_text,
    arns_text,
    bar_counts,
    eta_value,
    rate_text,
    rollout_text,
    short_arn,
    summary_text,
    targets_text,
)

from .conftest import seed_group, wait_for

NOW = datetime(2026, 1, 1, 15, 7, tzinfo=UTC)
JOB_ARN = "arn:aws:iot:us-east-1:123456789012:job/meter-fw-5_2_0-us-central"
GROUP_ARN = "arn:aws:iot:us-east-1:123456789012:thinggroup/us-central-smart-meters"
# The demo's meter rollout 80 s in: 1,250 executions of 100,000 targets.
DEMO = JobProcessDetails(queued=200, in_progress=57, succeeded=977, failed=10, rejected=6)


def counted(things: int, **overrides: Any) -> TargetCount:
    values: dict[str, Any] = {
        "things": things,
        "complete": True,
        "members_now": False,
        "calls": 401,
        "counted_at": 0.0,
    }
    values.update(overrides)
    return TargetCount(**values)


def rendered(renderable: Any, width: int) -> list[str]:
    console = Console(width=width, color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(renderable)
    return [line.rstrip() for line in capture.get().splitlines()]


# --- the targets line ----------------------------------------------------------------------


def test_executions_against_the_target_count() -> None:
    assert DEMO.total == 1_250
    text = targets_text(DEMO, counted(100_000)).plain
    expected = "1,250 of 100,000 targets notified (1.2 %) · 977 succeeded"  # rounded down
    assert text == f"{expected} · targets listed"
    # Where the count came from, and its age once it is a minute old.
    indexed = replace(counted(100_000), source=SOURCE_INDEX)
    assert targets_text(DEMO, indexed, age=30).plain.endswith("· targets from the fleet index")
    old = targets_text(DEMO, indexed, age=180).plain
    assert old.endswith("· targets from the fleet index, 3 min ago")


def test_members_now_is_said() -> None:
    text = targets_text(DEMO, counted(100_000, members_now=True)).plain
    assert "1,250 of 100,000 targets (members now) notified (1.2 %)" in text


def test_while_counting_and_unknown() -> None:
    partial = counted(40_000, complete=False)
    text = targets_text(DEMO, None, partial).plain
    assert text == "1,250 executions created · 977 succeeded · counting targets… 40,000 so far"
    assert "targets not counted" in targets_text(DEMO, None).plain
    # A recount keeps the last full count on screen.
    again = targets_text(DEMO, counted(100_000), partial).plain
    assert "of 100,000 targets notified" in again and "recounting… 40,000 so far" in again


def test_a_group_that_could_not_be_counted() -> None:
    error = "Thing group gone: DescribeThingGroup failed with ResourceNotFoundException."
    text = targets_text(DEMO, counted(2, complete=False, errors=(error,))).plain
    assert "targets: at least 2; a target could not be counted" in text
    assert f"⚠ {error}" in text


def test_more_executions_than_targets() -> None:
    process = JobProcessDetails(succeeded=12, failed=3)
    text = targets_text(process, counted(10)).plain
    assert text.startswith("15 executions for 10 targets (retries or membership changes)")


# --- the bar -------------------------------------------------------------------------------


def test_bar_has_a_not_notified_segment_only_on_a_full_count() -> None:
    bar = stacked_bar(bar_counts(DEMO, counted(100_000)), 60).plain
    # 1,250 of 100,000 is under one cell per status: each non-zero status still shows once.
    assert bar.endswith("─" * 50)
    assert bar.count("─") >= 55 and "█" in bar and "▒" in bar and "░" in bar
    assert len(bar) == 60
    # While counting (or unknown, or a failed group), no segment sized on a partial count.
    for count in (None, counted(40_000, complete=False)):
        assert "─" not in stacked_bar(bar_counts(DEMO, count), 60).plain
    half = stacked_bar(bar_counts(JobProcessDetails(succeeded=50), counted(100)), 20).plain
    assert half == "█" * 10 + "─" * 10


# --- the ETA -------------------------------------------------------------------------------


def tracker(finished_per_minute: float) -> RateTracker:
    rates = RateTracker()
    rates.add(0, JobProcessDetails(succeeded=0))
    rates.add(60, JobProcessDetails(succeeded=round(finished_per_minute)))
    return rates


def test_eta_line_with_its_assumptions_wraps_and_is_never_cut() -> None:
    result = estimate(
        targets=100_000,
        created=DEMO.total,
        unfinished=DEMO.unfinished,
        rollout=RolloutConfig(maximum_per_minute=1000),
        scheduling=None,
        finish_rate=1_200.0,
        now=NOW,
    )
    lines = rate_text(tracker(1_200), DEMO, result, NOW)
    plain = lines.plain
    assert "ETA      ≈ 16:45 UTC, in 1 h 38 min · limited by the rollout rate" in plain
    assert "assumes  notifies at the configured 1,000/min" in plain
    assert "devices finish at the measured 1,200/min" in plain
    # At 40 columns every word is still there, wrapped under the value column.
    narrow = rendered(lines, 40)
    assert all(len(line) <= 40 for line in narrow)
    words = " ".join(" ".join(narrow).split())
    for part in ("16:45 UTC,", "1 h 38 min", "rollout rate", "1,000/min", "1,200/min"):
        assert part in words


def test_eta_unknown_until_the_targets_are_counted() -> None:
    result = estimate(
        targets=None,
        created=DEMO.total,
        unfinished=DEMO.unfinished,
        rollout=None,
        scheduling=None,
        finish_rate=900.0,
        now=NOW,
    )
    plain = rate_text(tracker(900), DEMO, result, NOW).plain
    assert "ETA      unknown until the targets are counted" in plain
    assert "257" not in plain  # no ETA built from the executions created so far
    failed = eta_value(result, NOW, count_failed=True).plain
    assert failed == "unknown: not every target could be counted"


def test_eta_another_day_and_end_time() -> None:
    later = estimate(
        targets=100_000,
        created=0,
        unfinished=0,
        rollout=RolloutConfig(maximum_per_minute=10),
        scheduling=None,
        finish_rate=1e6,
        now=NOW,
    )
    assert eta_value(later, NOW).plain.startswith("≈ Jan 08 13:47 UTC, in 6 d 22 h")


# --- abort ---------------------------------------------------------------------------------


def test_abort_line_is_the_configuration() -> None:
    # The live share against the threshold is the abort radar's (tests/ui/test_abort_radar.py).
    criterion = AbortCriterion("ALL", "CANCEL", 15.0, 100)
    assert abort_line(criterion).plain == (
        "FAILED+REJECTED+TIMED_OUT ≥ 15 % → CANCEL · armed at 100 notified"
    )
    precise = abort_line(AbortCriterion("REJECTED", "CANCEL", 10.99, 1)).plain
    assert precise == "REJECTED ≥ 10.99 % → CANCEL · armed at 1 notified"


def test_rollout_section_lists_each_abort_criterion() -> None:
    job = parse_describe_job(
        {
            "job": {
                "jobId": "j",
                "abortConfig": {
                    "criteriaList": [
                        {
                            "failureType": "ALL",
                            "action": "CANCEL",
                            "thresholdPercentage": 10,
                            "minNumberOfExecutedThings": 50,
                        },
                        {
                            "failureType": "TIMED_OUT",
                            "action": "CANCEL",
                            "thresholdPercentage": 50,
                            "minNumberOfExecutedThings": 200,
                        },
                    ]
                },
                "jobProcessDetails": {"numberOfSucceededThings": 30, "numberOfFailedThings": 3},
            }
        }
    )
    lines = rollout_text(job)
    assert lines is not None
    assert "abort           FAILED+REJECTED+TIMED_OUT ≥ 10 % → CANCEL · armed at 50" in lines.plain
    assert "                TIMED_OUT ≥ 50 % → CANCEL · armed at 200 notified" in lines.plain


# --- ARNs ----------------------------------------------------------------------------------


def job_with_arns() -> Any:
    return parse_describe_job(
        {"job": {"jobId": "meter-fw-5_2_0-us-central", "jobArn": JOB_ARN, "targets": [GROUP_ARN]}}
    )


def test_short_arn_drops_the_common_prefix() -> None:
    assert short_arn(JOB_ARN) == "…:job/meter-fw-5_2_0-us-central"
    assert short_arn("not-an-arn") == "not-an-arn"
    text, shortened = arn_text(JOB_ARN, 80)
    assert (text.plain, shortened, text.no_wrap) == (JOB_ARN, False, True)
    text, shortened = arn_text(JOB_ARN, 40)
    assert (text.plain, shortened) == ("…:job/meter-fw-5_2_0-us-central", True)


def test_summary_never_wraps_an_arn() -> None:
    job = job_with_arns()
    lines = summary_text(job, width=56)
    assert "…:job/meter-fw-5_2_0-us-central" in lines.plain
    assert "…:thinggroup/us-central-smart-meters" in lines.plain
    assert "a: full ARNs" in lines.plain
    shown = rendered(lines, 56)
    assert any(line.endswith("…:job/meter-fw-5_2_0-us-central") for line in shown)
    # Wide enough: whole, no hint.
    wide = summary_text(job, width=120)
    assert JOB_ARN in wide.plain and "full ARNs" not in wide.plain
    # Full: left out of the grid, each on its own line in arns_text, never wrapped.
    full = summary_text(job, width=56, full_arns=True)
    assert "arn:" not in full.plain and "…:" not in full.plain
    arns = arns_text(job)
    assert arns is not None and arns.no_wrap
    assert arns.plain.split("\n") == ["ARN", JOB_ARN, "targets", GROUP_ARN]


# --- the pane ------------------------------------------------------------------------------


def painted(widget: Any) -> str:
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join("".join(seg.text for seg in strip) for strip in widget.render_lines(region))


def plain(app: Any, name: str) -> str:
    return app.screen.query_one(f"#{name}", Field).plain


async def test_detail_shows_targets_bar_and_eta(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Any
) -> None:
    group = seed_group(iot, "fleet", 6)
    iot.create_job(
        jobId="roll",
        targets=[group],
        document="{}",
        jobExecutionsRolloutConfig={"maximumPerMinute": 2},
    )
    app = make_app(job_id="roll")
    async with app.run_test(size=(160, 48)) as pilot:
        detail = app.screen.query_one(JobDetail)
        await wait_for(pilot, lambda: detail.job is not None)
        # The main screen counts the targets (one ListThingsInThingGroup page here).
        await wait_for(pilot, lambda: "2 of 6 targets notified" in plain(app, "d-targets"))
        detail.show_targets(None)
        await pilot.pause()
        assert "targets not counted" in plain(app, "d-targets")
        assert "unknown until the targets are counted" in plain(app, "d-eta")
        assert "─" not in plain(app, "d-bar")

        detail.show_targets(None, counted(4, complete=False))
        await pilot.pause()
        assert "counting targets… 4 so far" in plain(app, "d-targets")
        assert "─" not in plain(app, "d-bar")

        detail.show_targets(counted(6))
        await pilot.pause()
        assert "2 of 6 targets notified (33.3 %)" in plain(app, "d-targets")
        assert plain(app, "d-bar").count("─") > 0
        # A second refresh measures the rates; nothing finishes in the emulator by itself.
        emulator.clock.advance(61)
        await pilot.press("r")
        await wait_for(pilot, lambda: "no execution is finishing" in plain(app, "d-eta"))
        assert "notifies at the configured 2/min" in plain(app, "d-rate")
        # Devices finish the two executions: now the whole rollout has an ETA.
        for execution in iot.list_job_executions_for_job(jobId="roll")["executionSummaries"]:
            thing = execution["thingArn"].rsplit("/", 1)[-1]
            jobs_data.update_job_execution(jobId="roll", thingName=thing, status="SUCCEEDED")
        emulator.clock.advance(30)
        await pilot.press("r")
        await wait_for(pilot, lambda: "≈" in plain(app, "d-eta"))
        assert "limited by the rollout rate" in plain(app, "d-eta")
        assert "devices finish at the measured" in plain(app, "d-rate")

        # Another job's late answer is stored for it, not shown here.
        detail.show_targets(counted(999), job_id="other")
        await pilot.pause()
        assert "999" not in plain(app, "d-targets")
        assert detail.targets("other")[0] == counted(999)


async def test_full_arns_binding(make_app: Any, iot: Any) -> None:
    group = seed_group(iot, "us-central-smart-meters", 1)
    iot.create_job(jobId="meter-fw-5_2_0-us-central", targets=[group], document="{}")
    app = make_app(job_id="meter-fw-5_2_0-us-central")
    async with app.run_test(size=(160, 48)) as pilot:
        detail = app.screen.query_one(JobDetail)
        await wait_for(pilot, lambda: detail.job is not None)
        await pilot.pause()
        arn = detail.job.job_arn if detail.job else None
        assert arn is not None and len(arn) > detail.scrollable_content_region.width - 16
        summary = painted(app.screen.query_one("#d-summary"))
        assert "…:job/meter-fw-5_2_0-us-central" in summary
        assert "…:thinggroup/us-central-smart-meters" in summary
        before = detail.size.width

        detail.focus()
        await pilot.press("a")
        await pilot.pause()
        assert detail.full_arns
        shown = painted(app.screen.query_one("#d-arns"))
        assert arn in shown.splitlines()[1]  # whole, on its own line
        assert group in shown
        assert detail.size.width > before  # widened to fit the longest ARN

        await pilot.press("a")
        await pilot.pause()
        assert not detail.full_arns
        assert not app.screen.query_one("#d-arns").display
        assert detail.size.width == before


def test_eta_counts_down_with_the_clock() -> None:
    result = estimate(
        targets=10,
        created=0,
        unfinished=0,
        rollout=RolloutConfig(maximum_per_minute=1),
        scheduling=None,
        finish_rate=1e6,
        now=NOW,
    )
    assert "in 10 min" in eta_value(result, NOW).plain
    assert "in 5 min" in eta_value(result, NOW + timedelta(minutes=5)).plain


def test_eta_of_a_finished_job() -> None:
    result = estimate(
        targets=None,
        created=10,
        unfinished=0,
        rollout=None,
        scheduling=None,
        finish_rate=None,
        now=NOW,
        status="CANCELED",
    )
    assert eta_value(result, NOW).plain == "done: the job is CANCELED"
    plain = rate_text(RateTracker(), JobProcessDetails(canceled=10), result, NOW).plain
    assert "assumes" not in plain
