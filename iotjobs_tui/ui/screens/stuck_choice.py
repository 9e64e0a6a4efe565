"""`t` on the main screen: pick a kind of stuck execution, then list exactly its things.

The chooser offers the four kinds of the stuck triage (`aws.stuck`) with their counts; an empty
kind is shown dimmed. Choosing one has the section post `ShowThings`.
"""

from __future__ import annotations

from textual.screen import Screen

from iotjobs_tui.aws.stuck import KINDS, LABELS
from iotjobs_tui.ui.screens.choose import Choice, ChoiceScreen, Chosen
from iotjobs_tui.ui.widgets.stuck_triage import StuckTriage


def choose_stuck_kind(screen: Screen[None]) -> None:
    section = screen.query_one(StuckTriage)
    report = section.report
    if section.job_id is None:
        screen.notify("No job is highlighted.", markup=False)
        return
    if report is None or report.job_id != section.job_id or not report.entries:
        when = "yet" if report is None else "in the last scan"
        screen.notify(f"No stuck executions found {when}.", markup=False)
        return
    choices = []
    for kind in KINDS:
        entries = report.of(kind)
        names = ", ".join(entry.thing for entry in entries[:5])
        choices.append(
            Choice(
                kind,
                f"{LABELS[kind]} ({len(entries):,})",
                detail=names,
                note="" if entries else "none",
                enabled=bool(entries),
            )
        )

    def chosen(choice: Chosen | None) -> None:
        if choice is not None:
            section.show_kind(choice.key)

    screen.app.push_screen(ChoiceScreen(f"Stuck executions of {report.job_id}", choices), chosen)
