"""Copy (`c`) and export (`x`): OSC 52 bytes, the chooser, and files, against the emulator."""

from __future__ import annotations

import base64
import csv
import io
import stat
from pathlib import Path
from typing import Any

import pytest

from iotjobs_tui.aws.models import JobExecutionSummary, JobSummary
from iotjobs_tui.ui import clipboard
from iotjobs_tui.ui.copy_choices import copy_choices
from iotjobs_tui.ui.exports import file_stem, write_export
from iotjobs_tui.ui.screens.choose import ChoiceScreen
from iotjobs_tui.ui.screens.executions import ExecutionsScreen
from iotjobs_tui.ui.screens.main import MainScreen
from iotjobs_tui.ui.selection import Selection

from .conftest import ACCOUNT, REGION, seed_group, wait_for
from .test_executions import fail, listed, open_executions

# --- OSC 52 -----------------------------------------------------------------------------------


def test_osc52_is_base64_between_the_escape_and_bel() -> None:
    text = "arn:aws:iot:us-east-1:123456789012:job/fw ✓"
    payload = base64.b64encode(text.encode()).decode()
    assert clipboard.encode(text, "osc52") == f"\x1b]52;c;{payload}\x07"
    assert clipboard.encode(text, "auto") == clipboard.encode(text, "osc52")
    assert clipboard.encode(text, "off") is None


def test_tmux_wraps_it_in_passthrough_with_every_escape_doubled() -> None:
    wrapped = clipboard.encode("hi", "tmux")
    assert wrapped == "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"
    assert clipboard.tmux_passthrough("\x1ba\x1bb") == "\x1bPtmux;\x1b\x1ba\x1b\x1bb\x1b\\"


def test_the_cap_counts_base64_bytes() -> None:
    assert clipboard.MAX_TEXT_BYTES == 56_244
    assert clipboard.base64_size(clipboard.MAX_TEXT_BYTES) <= clipboard.MAX_BASE64
    assert clipboard.base64_size(clipboard.MAX_TEXT_BYTES + 1) > clipboard.MAX_BASE64
    assert clipboard.encode("a" * clipboard.MAX_TEXT_BYTES, "osc52") is not None
    assert clipboard.encode("a" * (clipboard.MAX_TEXT_BYTES + 1), "osc52") is None
    # UTF-8 bytes, not characters: 3 bytes each.
    assert clipboard.encode("✓" * (clipboard.MAX_TEXT_BYTES // 3 + 1), "tmux") is None


# --- what `c` offers ---------------------------------------------------------------------------


def choices(selection: Selection, **kwargs: Any) -> dict[str, Any]:
    options = {"region": "us-east-1", "account": None, "profile": None} | kwargs
    return {choice.key: choice for choice in copy_choices(selection, **options)}


def test_a_job_without_an_arn_builds_it_or_says_it_is_unknown() -> None:
    job = Selection("job", "fw", None, record=JobSummary("fw"))
    assert choices(job)["arn"].text is None
    assert "not known yet" in choices(job)["arn"].note
    built = choices(job, account=ACCOUNT)["arn"].text
    assert built == f"arn:aws:iot:us-east-1:{ACCOUNT}:job/fw"
    cli = choices(job, profile="prod")["cli"].text
    assert cli == "aws iot describe-job --job-id fw --region us-east-1 --profile prod"
    assert '"job_id": "fw"' in choices(job)["json"].text
    assert choices(Selection("job", "fw"))["json"].text is None


def test_an_execution_is_its_job_arn_and_thing_no_arn_of_its_own() -> None:
    thing_arn = f"arn:aws:iot:eu-west-1:{ACCOUNT}:thing/t 1"
    summary = JobExecutionSummary(thing_arn, "FAILED", 3)
    selection = Selection("execution", "fw", None, "t 1", None, "FAILED", record=summary)
    offered = choices(selection)
    # The account and region come from the thing's ARN when the connection has not said.
    assert offered["arn"].text == f"arn:aws:iot:eu-west-1:{ACCOUNT}:job/fw\n{thing_arn}"
    assert "no ARN of its own" in offered["arn"].note
    assert offered["id"].text == "t 1" and "#3" in offered["id"].note
    assert offered["cli"].text == (
        "aws iot describe-job-execution --job-id fw --thing-name 't 1' --execution-number 3"
        " --region us-east-1"
    )


# --- files --------------------------------------------------------------------------------------


def test_export_files_are_private_and_never_overwritten(tmp_path: Path) -> None:
    stem = file_stem("../../etc/passwd", "things", "20260101T000000Z")
    assert "/" not in stem and not stem.startswith(".")
    first = write_export(tmp_path / "exports", stem, "txt", "a\n")
    second = write_export(tmp_path / "exports", stem, "txt", "b\n")
    assert first != second and first.read_text() == "a\n" and second.read_text() == "b\n"
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "exports").stat().st_mode) & 0o077 == 0


# --- against the emulator ----------------------------------------------------------------------


def capture(app: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Everything the app writes to the terminal from now on."""
    writes: list[str] = []
    monkeypatch.setattr(app._driver, "write", writes.append)
    return writes


def copied(writes: list[str]) -> list[str]:
    """The texts OSC 52 carried (plain or inside tmux passthrough)."""
    texts = []
    for data in writes:
        if "]52;c;" in data:
            payload = data.split("]52;c;", 1)[1].split("\x07", 1)[0]
            texts.append(base64.b64decode(payload).decode())
    return texts


def toasts(app: Any) -> list[str]:
    return [notification.message for notification in app._notifications]


async def choose(pilot: Any, app: Any, key: str) -> None:
    await pilot.press("c")
    await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
    await pilot.press(key)
    await wait_for(pilot, lambda: not isinstance(app.screen, ChoiceScreen))


async def test_c_then_2_copies_the_jobs_arn(
    make_app: Any, iot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = seed_group(iot, "fleet", 2)
    arn = iot.create_job(jobId="fw", targets=[group], document="{}")["jobArn"]
    app = make_app(clipboard="osc52")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.detail.job is not None)
        writes = capture(app, monkeypatch)
        await choose(pilot, app, "2")
        assert copied(writes) == [arn]
        assert writes[-1] == f"\x1b]52;c;{base64.b64encode(arn.encode()).decode()}\x07"
        assert f"Copied job ARN ({len(arn)} bytes)" in toasts(app)[-1]
        # Arrows and Enter choose too: the CLI command, with the region the app uses.
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("down", "down", "down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert copied(writes)[-1] == f"aws iot describe-job --job-id fw --region {REGION}"
        # Esc closes without copying.
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert len(copied(writes)) == 2


async def test_tmux_mode_wraps_and_off_sends_nothing(
    make_app: Any, iot: Any, jobs_data: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = seed_group(iot, "fleet", 3)
    iot.create_job(jobId="fw", targets=[group], document="{}")
    fail(jobs_data, "fw", "fleet-001")
    app = make_app(clipboard="tmux", profile="prod", executions_page_pause=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_executions(pilot, app)
        await pilot.press("n")  # the failed one
        writes = capture(app, monkeypatch)
        await choose(pilot, app, "4")
        assert writes[-1].startswith("\x1bPtmux;\x1b\x1b]52;c;") and writes[-1].endswith("\x1b\\")
        assert copied(writes) == [
            "aws iot describe-job-execution --job-id fw --thing-name fleet-001"
            f" --execution-number 1 --region {REGION} --profile prod"
        ]
        app.options.clipboard = "off"
        await choose(pilot, app, "1")
        assert len(copied(writes)) == 1
        assert "Copying is off" in toasts(app)[-1]


def exported(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "exports").iterdir()) if (tmp_path / "exports").exists() else []


async def test_x_writes_exactly_the_filtered_rows(
    make_app: Any, iot: Any, jobs_data: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    abort = {
        "criteriaList": [
            {
                "failureType": "FAILED",
                "action": "CANCEL",
                "thresholdPercentage": 50,
                "minNumberOfExecutedThings": 10,
            }
        ]
    }
    group = seed_group(iot, "fleet", 23)
    iot.create_job(jobId="fw", targets=[group], document='{"v": 1}', abortConfig=abort)
    for thing in ("fleet-003", "fleet-011", "fleet-017"):
        fail(jobs_data, "fw", thing)
    app = make_app(executions_page_pause=0, state_dir=tmp_path, clipboard="osc52")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_executions(pilot, app)
        table = listed(app)
        await pilot.press("slash", *"fleet-01", "enter")
        shown = {row.thing for row in table.visible_rows}
        assert len(shown) == 10
        # CSV, and "also copy it" (c in the chooser).
        writes = capture(app, monkeypatch)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("c", "2")
        await wait_for(pilot, lambda: len(exported(tmp_path)) == 1)
        await app.workers.wait_for_complete()
        [path] = exported(tmp_path)
        assert path.name.startswith("fw-executions-") and path.suffix == ".csv"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        rows = list(csv.DictReader(io.StringIO(path.read_text())))
        assert {row["thing"] for row in rows} == shown and len(rows) == 10
        assert {row["status"] for row in rows if row["thing"] == "fleet-011"} == {"FAILED"}
        assert any(f"Exported 10 executions (CSV) to {path}" in t for t in toasts(app))
        assert copied(writes) == [path.read_text()]
        # The server-side status filter, then the re-run recipe of what it shows.
        await pilot.press("escape")
        await pilot.press("f", "f", "f", "f")
        await wait_for(pilot, lambda: screen.status == "FAILED" and screen.loading_done)
        await wait_for(pilot, lambda: table.row_count == 3 and screen.job is not None)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("4")
        await wait_for(pilot, lambda: len(exported(tmp_path)) == 2)
        await app.workers.wait_for_complete()
        recipe = next(p for p in exported(tmp_path) if p.suffix == ".sh")
        script = recipe.read_text()
        adds = [line for line in script.splitlines() if "add-thing-to-thing-group" in line]
        assert [line.split("--thing-name ")[1].split()[0] for line in adds] == [
            "fleet-003",
            "fleet-011",
            "fleet-017",
        ]
        assert "--abort-config" in script and '"thresholdPercentage":50.0' in script
        assert "get-job-document --job-id fw" in script
        assert "ran nothing" in script


async def test_x_refuses_the_recipe_until_the_job_is_known(
    make_app: Any, iot: Any, tmp_path: Path
) -> None:
    group = seed_group(iot, "fleet", 2)
    iot.create_job(jobId="fw", targets=[group], document="{}")
    # One DescribeJob an hour: after the first one, nothing sets the job again.
    app = make_app(executions_page_pause=0, state_dir=tmp_path, detail_interval=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_executions(pilot, app)
        assert isinstance(screen, ExecutionsScreen)
        await wait_for(pilot, lambda: screen.job is not None)
        screen.job = None  # as before the first DescribeJob answers
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("4")
        assert isinstance(app.screen, ChoiceScreen)  # still open, and it says why
        assert "is not loaded" in toasts(app)[-1]
        await pilot.press("1")
        await wait_for(pilot, lambda: len(exported(tmp_path)) == 1)
        await app.workers.wait_for_complete()
        assert exported(tmp_path)[0].read_text() == "fleet-000\nfleet-001\n"
