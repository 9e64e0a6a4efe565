"""`c` on every live screen: choose what to copy of the highlighted item, then send it."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from iotjobs_tui.ui.clipboard import copy_text
from iotjobs_tui.ui.connection import ConnectionState
from iotjobs_tui.ui.copy_choices import copy_choices
from iotjobs_tui.ui.protocols import ViewOptions
from iotjobs_tui.ui.screens.choose import Choice, ChoiceScreen, Chosen
from iotjobs_tui.ui.selection import Selection


def offer_copy(
    screen: Screen[Any],
    selection: Selection | None,
    options: ViewOptions,
    connection: ConnectionState,
) -> None:
    if selection is None:
        screen.notify("Nothing is highlighted to copy.", markup=False)
        return
    choices = copy_choices(
        selection,
        region=options.region or connection.region,
        account=connection.account,
        profile=options.profile,
    )
    items = [
        Choice(
            choice.key,
            choice.title,
            # JSON's first line is "{": its size says more.
            detail=(
                f"{len(choice.text.encode()):,} bytes, times in ISO-8601 UTC"
                if choice.key == "json" and choice.text is not None
                else choice.text or ""
            ),
            note=choice.note,
            enabled=choice.text is not None,
        )
        for choice in choices
    ]
    if selection.kind == "job":
        title = f"Copy job {selection.job_id}"
    else:
        title = f"Copy {selection.thing_name}'s execution of {selection.job_id}"
    app = screen.app

    def chosen(result: Chosen | None) -> None:
        choice = next((c for c in choices if result and c.key == result.key), None)
        if choice is not None and choice.text is not None:
            copy_text(app, choice.text, choice.what, options.clipboard)

    app.push_screen(ChoiceScreen(title, items), chosen)
