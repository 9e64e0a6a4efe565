"""The why panel's pure parts: normalising values, bucketing, the Wilson interval, the
stratified sample (allocation, bottom-k topping up, what a cycle describes next)."""

from __future__ import annotations

import math

import pytest

from iotjobs_tui.aws.execution_models import JobExecution
from iotjobs_tui.aws.why import (
    DEFAULT_KEYS,
    BucketKey,
    allocate,
    bucket_of,
    normalise,
    summarise,
    wilson,
)
from iotjobs_tui.aws.why_sample import (
    RELIST_SECONDS,
    SECONDS_PER_PAGE,
    STEP_PAGES,
    STEP_REFRESH_SECONDS,
    SWEEP_SLACK,
    CycleResult,
    Pages,
    Row,
    WhySample,
)


def execution(thing: str, status: str = "FAILED", number: int = 1, **details: str) -> JobExecution:
    return JobExecution(
        job_id="fw",
        thing_arn=f"arn:aws:iot:us-east-1:123456789012:thing/{thing}",
        status=status,
        status_details=tuple(details.items()),
        execution_number=number,
    )


# --- normalise ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CHECKSUM_MISMATCH", "CHECKSUM_MISMATCH"),
        ("flash write error at 0x0803f000", "flash write error at <hex>"),
        ("sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b mismatch", "sha <hex> mismatch"),
        ("job 1b4e28ba-2fa1-11d2-883f-0016d3cca427 failed", "job <uuid> failed"),
        ("rebooted at 2026-01-01T00:00:00Z", "rebooted at <time>"),
        ("HTTP 403 after 3 retries (12034 ms)", "HTTP <n> after <n> retries (<n> ms)"),
        ("timeout after 30s", "timeout after <n>s"),
        ("meter-us-central-aus-00042 lost", "meter-us-central-aus-<n> lost"),
        # digits glued to a word are part of a name or code, not a measurement
        ("HANDLER_EXIT_CODE_1", "HANDLER_EXIT_CODE_1"),
        ("nrf9160 modem", "nrf9160 modem"),
        # a value that is only a number, version or percentage is the category itself
        ("40%", "40%"),
        ("5.2.0", "5.2.0"),
        ("v2.4.1-rc1", "v2.4.1-rc1"),
        ("  two\n\tlines  ", "two lines"),
        ("[bold]red\x1b[0m", "[bold]red\x1b[<n>m"),  # kept literally: rendering escapes it
    ],
)
def test_normalise(value: str, expected: str) -> None:
    assert normalise(value) == expected


def test_normalise_cuts_long_values() -> None:
    cut = normalise("E" * 300)
    assert len(cut) == 48 and cut.endswith("…")
    assert normalise("x" * 48) == "x" * 48


def test_same_kind_of_value_is_one_bucket() -> None:
    one = bucket_of("FAILED", [("reason", "flash write error at 0x0803f000")], DEFAULT_KEYS)
    two = bucket_of("FAILED", [("reason", "flash write error at 0x0807a000")], DEFAULT_KEYS)
    assert one == two == BucketKey("FAILED", "reason", "flash write error at <hex>")


# --- bucket_of ---------------------------------------------------------------------------------


def test_the_first_key_present_wins() -> None:
    details = [("step", "verify"), ("progress", "40%"), ("reason", "LOW_BATTERY")]
    assert bucket_of("FAILED", details, DEFAULT_KEYS) == BucketKey(
        "FAILED", "reason", "LOW_BATTERY"
    )
    assert bucket_of("FAILED", details[:2], DEFAULT_KEYS) == BucketKey("FAILED", "step", "verify")
    # keys are matched case-insensitively; a blank value does not count
    assert bucket_of("FAILED", [("Reason", " "), ("STEP", "x")], DEFAULT_KEYS).key == "step"
    assert bucket_of("REJECTED", [("other", "x")], DEFAULT_KEYS) == BucketKey("REJECTED", None)


def test_greengrass_keys() -> None:
    details = [
        ("detailed-deployment-status", "FAILED_ROLLBACK_COMPLETE"),
        ("deployment-error-types", '["DEPENDENCY_ERROR"]'),
    ]
    key = bucket_of("FAILED", details, DEFAULT_KEYS)
    assert key == BucketKey("FAILED", "deployment-error-types", '["DEPENDENCY_ERROR"]')
    assert bucket_of("FAILED", details, ("detailed-deployment-status",)).value == (
        "FAILED_ROLLBACK_COMPLETE"
    )


# --- wilson and summarise ----------------------------------------------------------------------


def test_wilson() -> None:
    low, high = wilson(30, 40)
    assert math.isclose(low, 0.59806, abs_tol=1e-4)
    assert math.isclose(high, 0.85813, abs_tol=1e-4)
    assert wilson(0, 10)[0] == 0.0
    assert wilson(10, 10)[1] == pytest.approx(1.0)
    assert wilson(0, 0) == (0.0, 1.0)


def test_a_status_described_in_full_is_exact() -> None:
    described = [execution(f"t{i}", reason="CHECKSUM_MISMATCH") for i in range(30)]
    described += [execution(f"u{i}", reason="LOW_BATTERY") for i in range(10)]
    buckets = summarise(described, {"FAILED": 40}, DEFAULT_KEYS)
    assert [(b.key.value, b.estimate, b.low, b.high, b.exact) for b in buckets] == [
        ("CHECKSUM_MISMATCH", 30, 30, 30, True),
        ("LOW_BATTERY", 10, 10, 10, True),
    ]
    assert buckets[0].share == 0.75
    assert buckets[0].examples == ("t0", "t1", "t2")
    assert len(buckets[0].things) == 30


def test_a_sample_is_scaled_to_its_status_with_a_bounded_interval() -> None:
    # 40 of 400 FAILED sampled, 30 of them CHECKSUM_MISMATCH; REJECTED described in full.
    described = [execution(f"t{i}", reason="CHECKSUM_MISMATCH") for i in range(30)]
    described += [execution(f"u{i}", reason="LOW_BATTERY") for i in range(10)]
    described += [execution(f"r{i}", "REJECTED", reason="BUSY") for i in range(100)]
    buckets = summarise(described, {"FAILED": 400, "REJECTED": 100, "TIMED_OUT": 0}, DEFAULT_KEYS)
    checksum = next(b for b in buckets if b.key.value == "CHECKSUM_MISMATCH")
    assert not checksum.exact
    assert checksum.estimate == 300
    assert (checksum.low, checksum.high) == (239, 344)  # 400 x Wilson(30/40)
    assert checksum.share == pytest.approx(300 / 500)
    battery = next(b for b in buckets if b.key.value == "LOW_BATTERY")
    assert battery.low >= 10 and battery.high <= 400 - 30  # what is known bounds it
    busy = next(b for b in buckets if b.key.value == "BUSY")
    assert busy.exact and busy.estimate == 100
    # largest first; a tie (100 and ≈100) goes to the bucket with more sampled
    assert [b.key.value for b in buckets] == ["CHECKSUM_MISMATCH", "BUSY", "LOW_BATTERY"]


# --- the sample --------------------------------------------------------------------------------


def test_allocate() -> None:
    assert allocate({"FAILED": 40, "REJECTED": 10}, 100) == {"FAILED": 40, "REJECTED": 10}
    slots = allocate({"FAILED": 1480, "REJECTED": 500, "TIMED_OUT": 3}, 100)
    assert sum(slots.values()) == 100
    assert slots["TIMED_OUT"] >= 1  # every non-empty status is represented
    assert abs(slots["FAILED"] - 74) <= 1 and abs(slots["REJECTED"] - 25) <= 1
    assert allocate({"FAILED": 1000, "REJECTED": 0}, 10) == {"FAILED": 10, "REJECTED": 0}


def rows(prefix: str, count: int) -> list[Row]:
    return [(f"{prefix}-{i:04d}", 1) for i in range(count)]


def cycle(
    sample: WhySample,
    now: float,
    listed: dict[str, list[Row]],
    limit: int = 100,
    **details: str,
) -> list[Row]:
    """One cycle as the panel runs it: the planned sweeps get `listed` (one page each), and
    what is chosen is described with `details` (its status as listed)."""
    sweeps = sample.plan(now)
    pages: dict[str, Pages] = {s: (listed[s], None, 1) for s, _, _ in sweeps if s in listed}
    picked = sample.choose(sample.completed(pages), now, limit)
    status = {key: s for s, group in listed.items() for key in group}
    described = [execution(t, status.get((t, n), "FAILED"), n or 1, **details) for t, n in picked]
    sample.take(CycleResult(pages=pages, described=described, calls=len(pages) + len(picked)), now)
    return picked


def test_a_cycle_lists_what_moved_and_describes_the_sample() -> None:
    sample = WhySample("fw", target=10, step_target=2, seed=7)
    sample.set_counts({"FAILED": 50, "IN_PROGRESS": 5})
    assert sample.due_listings(0.0) == ("FAILED", "IN_PROGRESS")  # zero counts: no call
    picked = cycle(
        sample, 0.0, {"FAILED": rows("f", 50), "IN_PROGRESS": rows("p", 5)}, limit=4, step="s"
    )
    assert len(picked) == 4
    assert sum(1 for thing, _ in picked if thing.startswith("p")) == 2  # slots for the steps
    assert sample.plan(1.0) == ()  # nothing moved: no listing
    # the same seed draws the same sample; the described ones are not drawn again
    again = sample.choose({}, 1.0, 100)
    assert len(again) == 10 - 2
    assert not {t for t, _ in again} & {t for t, _ in picked}
    summary = sample.summary()
    assert (summary.sampled, summary.failures, summary.pending) == (2, 50, 8)
    assert summary.steps[0].key == BucketKey("IN_PROGRESS", "step", "s")
    assert summary.steps[0].sampled == summary.steps_sampled == 2
    assert summary.remaining == 48
    assert summary.steps_listed is None  # every in-progress execution was listed


def test_new_failures_top_the_sample_up() -> None:
    sample = WhySample("fw", target=10, seed=3)
    sample.set_counts({"FAILED": 100})
    first = rows("f", 100)
    members = cycle(sample, 0.0, {"FAILED": first}, reason="X")
    assert len(members) == 10 and sample.summary().pending == 0
    # 100 more failures: the count moved, so the status is listed again (one page: 10 s on)
    sample.set_counts({"FAILED": 200})
    assert sample.due_listings(SECONDS_PER_PAGE - 1) == ()
    assert sample.due_listings(SECONDS_PER_PAGE) == ("FAILED",)
    sample.set_counts({"FAILED": 251})  # two pages: a minute
    assert sample.due_listings(RELIST_SECONDS - 1) == ()
    assert sample.due_listings(RELIST_SECONDS) == ("FAILED",)
    sample.set_counts({"FAILED": 200})
    grown = first + rows("g", 100)
    topped = cycle(sample, RELIST_SECONDS, {"FAILED": grown}, reason="X")
    # bottom-k: a new failure joins exactly when it outranks a described one, and only those
    # are described; the rest of the sample stays
    assert topped and all(thing.startswith("g") for thing, _ in topped)
    summary = sample.summary()
    assert (summary.sampled, summary.pending, summary.failures) == (10, 0, 200)
    assert len({t for t, _ in members} & {e.thing_name for e in summary.buckets[0].members}) == (
        10 - len(topped)
    )


def test_a_big_status_is_swept_over_cycles() -> None:
    sample = WhySample("fw", target=10)
    sample.set_counts({"FAILED": 1000})  # 4 pages
    sweeps = sample.plan(0.0)
    assert sweeps == (("FAILED", None, 4 + SWEEP_SLACK),)
    pages: dict[str, Pages] = {"FAILED": (rows("a", 250), "t1", 1)}
    assert sample.completed(pages) == {}  # not the whole listing yet: nothing to choose from
    sample.take(CycleResult(pages=pages), 0.0)
    assert sample.plan(1.0) == (("FAILED", "t1", 3 + SWEEP_SLACK),)  # resumed where it stopped
    last: dict[str, Pages] = {"FAILED": (rows("b", 250), None, 1)}
    assert len(sample.completed(last)["FAILED"]) == 500
    sample.take(CycleResult(pages=last), 1.0)
    assert len(sample.listings["FAILED"].executions) == 500 and not sample.sweeps
    # 2,000 failures are 8 pages: listed again 80 s after the last listing, not sooner
    sample.set_counts({"FAILED": 2000})
    assert sample.plan(80.0) == ()
    assert sample.plan(81.0)[0][:2] == ("FAILED", None)
    # an expired nextToken starts the sweep over
    sample.take(CycleResult(expired=["FAILED"]), 82.0)
    assert not sample.sweeps


def test_in_progress_is_described_again_once_stale() -> None:
    sample = WhySample("fw", target=10, step_target=3)
    sample.set_counts({"IN_PROGRESS": 3})
    cycle(sample, 0.0, {"IN_PROGRESS": rows("p", 3)}, step="s")
    assert sample.choose({}, STEP_REFRESH_SECONDS - 1, 10) == []
    assert len(sample.choose({}, STEP_REFRESH_SECONDS, 10)) == 3
    assert sample.due_listings(STEP_REFRESH_SECONDS) == ("IN_PROGRESS",)
    # a big in-progress status: only its first pages are listed, and the steps say so
    sample.set_counts({"IN_PROGRESS": 5000})
    sweeps = sample.plan(STEP_REFRESH_SECONDS)
    assert sweeps == (("IN_PROGRESS", None, STEP_PAGES),)
    full = {"IN_PROGRESS": (rows("q", 250 * STEP_PAGES), "more", STEP_PAGES)}
    sample.take(CycleResult(pages=full), STEP_REFRESH_SECONDS)
    assert sample.summary().steps_listed == 250 * STEP_PAGES


def test_everything_describes_every_failure_and_gone_ones_leave() -> None:
    sample = WhySample("fw", target=5)
    sample.set_counts({"FAILED": 20})
    assert len(cycle(sample, 0.0, {"FAILED": rows("f", 20)}, limit=0)) == 0
    assert len(sample.choose({}, 0.0, 100)) == 5
    sample.describe_everything()
    assert len(sample.choose({}, 0.0, 100)) == 20
    sample.take(CycleResult(gone=[("f-0003", 1)]), 1.0)
    assert len(sample.listings["FAILED"].executions) == 19
    assert sample.summary().remaining == 20  # the job still counts 20 until it says otherwise
