"""`x` on the executions list: write the rows it shows (after its filters) to a file.

The rows are taken when `x` is pressed, so a refresh while the chooser is open changes
nothing. Formatting and writing run in a thread; a toast gives the path and the row count,
and "also copy it" copies the content when it fits the clipboard cap.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.screen import Screen

from iotjobs_tui.aws import export
from iotjobs_tui.aws.models import Job, JobExecutionSummary
from iotjobs_tui.ui.clipboard import MAX_TEXT_BYTES, copy_text
from iotjobs_tui.ui.connection import ConnectionState
from iotjobs_tui.ui.exports import export_dir, file_stem, write_export
from iotjobs_tui.ui.protocols import ViewOptions
from iotjobs_tui.ui.screens.choose import Choice, ChoiceScreen, Chosen
from iotjobs_tui.ui.text import clean


@dataclass(frozen=True)
class Format:
    key: str
    title: str
    note: str
    extension: str
    suffix: str  # in the file name: <job>-<suffix>-<time>.<extension>


FORMATS = (
    Format("things", "Thing names", "one a line (each thing once)", "txt", "things"),
    Format(
        "csv",
        "CSV",
        "thing, status, execution number, retry attempt, last updated, reason",
        "csv",
        "executions",
    ),
    Format("json", "JSON", "the same columns, with the job and the filters", "json", "executions"),
    Format(
        "recipe",
        "Re-run recipe",
        "AWS CLI commands (a shell script that runs nothing by itself): a thing group of "
        "these things, and a job like this one targeting it",
        "sh",
        "rerun",
    ),
)
NO_JOB = "not yet: the job's configuration (DescribeJob) is not loaded; try again soon"


def offer_export(
    screen: Screen[Any],
    *,
    job: Job | None,
    summaries: Sequence[JobExecutionSummary],
    context: export.ExportContext,
    options: ViewOptions,
    connection: ConnectionState,
    partial: bool = False,
) -> None:
    """`partial`: the list is still loading (the export holds the rows loaded so far)."""
    if not summaries:
        screen.notify("Nothing to export: no execution matches the filters.", markup=False)
        return
    count = f"{len(summaries):,} execution{'s' if len(summaries) != 1 else ''}"
    title = f"Export {count} of {context.job_id} ({context.describe()})"
    if partial:
        title += ", loaded so far"
    items = [
        Choice(
            item.key,
            item.title,
            note=NO_JOB if item.key == "recipe" and job is None else item.note,
            enabled=item.key != "recipe" or job is not None,
        )
        for item in FORMATS
    ]
    toggle = f"also copy the content (if under {MAX_TEXT_BYTES:,} bytes)"
    app = screen.app
    region = options.region or connection.region

    def render(kind: str) -> tuple[str, int]:
        """The file's content, and how many rows were left out (invalid thing names)."""
        rows = export.rows_from_summaries(summaries)  # in the thread: 0.15 s for 100k rows
        if kind == "csv":
            return export.to_csv(rows), 0
        if kind == "json":
            return export.to_json(rows, context), 0
        skipped = export.valid_things(rows)[1]
        if kind == "things":
            return export.thing_names(rows), skipped
        assert job is not None  # the chooser does not offer the recipe without it
        recipe = export.rerun_recipe(job, rows, context, region=region, profile=options.profile)
        return recipe, skipped

    def chosen(result: Chosen | None) -> None:
        if result is None:
            return
        item = next(f for f in FORMATS if f.key == result.key)
        app.run_worker(
            _write(app, item, lambda: render(item.key), context, options, count, result.toggled),
            group="export",
            exit_on_error=False,
        )

    app.push_screen(ChoiceScreen(title, items, toggle=toggle), chosen)


async def _write(
    app: App[Any],
    item: Format,
    render: Callable[[], tuple[str, int]],
    context: export.ExportContext,
    options: ViewOptions,
    count: str,
    copy: bool,
) -> None:
    stamp = context.exported_at.strftime("%Y%m%dT%H%M%SZ")
    stem = file_stem(context.job_id, item.suffix, stamp)
    directory = export_dir(options.state_dir)

    def work() -> tuple[str, int, str]:
        content, skipped = render()
        return content, skipped, str(write_export(directory, stem, item.extension, content))

    try:
        content, skipped, path = await asyncio.to_thread(work)
    except OSError as error:
        app.notify(clean(f"Export failed: {error}"), title="Export", severity="error", markup=False)
        return
    left_out = f"; {skipped:,} left out (not a thing name AWS accepts)" if skipped else ""
    app.notify(
        f"Exported {count} ({item.title}{left_out}) to {clean(path)}",
        title="Export",
        markup=False,
        timeout=10,
    )
    if copy:
        copy_text(app, content, f"{item.title} export", options.clipboard)
