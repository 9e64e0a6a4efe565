"""The key footer keeps only its current keys alive (`widgets.key_footer.KeyFooter`)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from textual.widgets._footer import FooterKey

from iotjobs_tui.ui.app import IotJobsApp
from iotjobs_tui.ui.screens.main import MainScreen


def _detached_footer_keys() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, FooterKey) and not o.is_attached)


async def test_opening_and_closing_screens_does_not_pile_up_footer_keys(
    make_app: Callable[..., IotJobsApp], iot: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, MainScreen)
        for _ in range(12):  # each return re-renders the main screen's footer
            await pilot.press("question_mark")
            await pilot.pause(0.05)
            await pilot.press("escape")
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        # Textual's Footer kept every past set of keys alive: over 100 here.
        assert _detached_footer_keys() <= len(app.screen.query(FooterKey))
