"""A bug in a handler or a worker never ends the app: logged, one sentence, the app goes on;
a burst of them ends it with one line naming the log. Toasts are never stacked twice."""

from __future__ import annotations

from typing import Any

import pytest

from iotjobs_tui.ui.screens.main import MainScreen

from .conftest import wait_for


async def test_a_bug_in_a_handler_is_survived(make_app: Any, iot: Any, monkeypatch: Any) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(jobId="j", targets=[arn], document="{}")
    app = make_app()
    app.survive_errors = True
    calls = {"n": 0}
    original = MainScreen.action_sort

    def broken(self: MainScreen) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("boom in a handler")
        original(self)

    monkeypatch.setattr(MainScreen, "action_sort", broken)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.detail.job_id == "j")
        await pilot.press("s")
        await wait_for(pilot, lambda: app.crash is not None)
        assert app.crash == "ValueError: boom in a handler"
        toasts = [n.message for n in app._notifications]
        assert any("Internal error: ValueError: boom in a handler" in m for m in toasts)
        assert app.is_running
        # The app still answers keys, and the same screen still handles its messages.
        before = app.main_screen.table.sort_column
        await pilot.press("s")
        await wait_for(pilot, lambda: app.main_screen.table.sort_column != before)


async def test_a_burst_of_bugs_ends_the_app_with_one_line(
    make_app: Any, monkeypatch: Any, capfd: Any
) -> None:
    app = make_app()
    app.survive_errors = True

    def broken(self: MainScreen) -> None:
        raise RuntimeError("every time")

    monkeypatch.setattr(MainScreen, "action_sort", broken)
    # Pilot re-raises the error that ended the app, for test frameworks.
    with pytest.raises(RuntimeError, match="every time"):
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(6):
                if not app.is_running:
                    break
                await pilot.press("s")
                await pilot.pause(0.05)
            await wait_for(pilot, lambda: not app.is_running or app._exit_renderables != [])
    assert app.return_code == 1
    assert app.crash == "RuntimeError: every time"
    printed = capfd.readouterr()
    out = printed.out + printed.err
    assert "iotjobs-tui: internal error (RuntimeError: every time)" in out
    assert "Traceback" not in out  # one line, not Textual's traceback over the terminal


async def test_the_same_toast_is_not_stacked(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.notify("ListJobExecutionsForThing failed", markup=False)
        app.notify("ListJobExecutionsForThing failed", markup=False)
        app.notify("Something else", markup=False)
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert messages.count("ListJobExecutionsForThing failed") == 1
        assert "Something else" in messages
