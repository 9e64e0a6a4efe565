"""`ctrl+c` quits, as in k9s and every CLI: from the list, while typing a filter, in a dialog.

Textual 8 binds ctrl+c to copy (and, at the App, to a "press ctrl+q to quit" hint).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.binding import Binding
from textual.widgets import Input

from iotjobs_tui.ui.app import IotJobsApp
from iotjobs_tui.ui.screens.goto_execution import GotoExecutionScreen
from iotjobs_tui.ui.screens.help import HelpScreen
from iotjobs_tui.ui.widgets.filter_box import FilterBox
from iotjobs_tui.ui.widgets.job_table import JobTable

from .conftest import seed_group, wait_for


@pytest.mark.parametrize("before", [[], ["slash", "x"], ["question_mark"], ["g"]])
async def test_ctrl_c_quits(make_app: Any, iot: Any, before: list[str]) -> None:
    iot.create_job(jobId="j1", targets=[seed_group(iot, "fleet", 1)], document="{}")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.screen.query_one(JobTable).row_count == 1)
        await pilot.press(*before)
        await pilot.pause()
        if before[:1] == ["slash"]:  # typing into the filter: ctrl+c is not copy here
            assert isinstance(app.focused, FilterBox) and app.focused.value == "x"
        elif before == ["question_mark"]:
            await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        elif before == ["g"]:
            await wait_for(pilot, lambda: isinstance(app.focused, Input))
            assert isinstance(app.screen, GotoExecutionScreen)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running
        assert app.return_code == 0
    assert not any("ctrl+q" in str(n.message) for n in app._notifications)


async def test_q_still_quits_and_types_a_q_in_the_filter(make_app: Any) -> None:
    quits = [b for b in IotJobsApp.BINDINGS if isinstance(b, Binding) and b.action == "quit"]
    # `q` first: the help screen lists an action under its first binding.
    assert [b.key for b in quits] == ["q", "ctrl+c"]
    assert quits[1].priority and not quits[1].show
    assert not quits[0].priority  # `q` types a q in the filter
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", "q")
        await pilot.pause()
        assert app.is_running and isinstance(app.focused, FilterBox)
        assert app.focused.value == "q"
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
