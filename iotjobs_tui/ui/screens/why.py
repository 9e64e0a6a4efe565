"""Why the job's executions fail, at full size: every bucket in one `BucketTable` (`w`).

It continues the job detail's sample (the same `WhySample`): its own `why` loop does what the
panel's did (the panel's is suspended meanwhile), and a `counts` loop (DescribeJob every
detail interval, as the executions screen's) tells it when a status's count moved. `Enter` on
a bucket lists exactly its sampled things (`ShowThings`); `A` describes every failed
execution instead of a sample, after saying what that costs.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from iotjobs_tui.aws.why_sample import WhySample, WhySummary
from iotjobs_tui.ui.format import span_in_words
from iotjobs_tui.ui.messages import ExecutionsCounted, ShowThings, WhySampled
from iotjobs_tui.ui.protocols import DataSource, ViewOptions
from iotjobs_tui.ui.refresh import Failure
from iotjobs_tui.ui.screens.choose import Choice, ChoiceScreen, Chosen
from iotjobs_tui.ui.screens.live import LiveScreen
from iotjobs_tui.ui.screens.thing_set import open_thing_set
from iotjobs_tui.ui.selection import Selection
from iotjobs_tui.ui.widgets import why_panel
from iotjobs_tui.ui.widgets.breadcrumb import Breadcrumb
from iotjobs_tui.ui.widgets.key_footer import KeyFooter
from iotjobs_tui.ui.widgets.status_bar import StatusBar
from iotjobs_tui.ui.widgets.why_panel import (
    DESCRIBE_RATE,
    WHY_INTERVAL,
    WhyPanel,
    counts_of,
    heading_text,
    sample_cycle,
    steps_text,
)
from iotjobs_tui.ui.widgets.why_table import BucketTable, key_plain


def cost_text(remaining: int) -> str:
    """'1,480 DescribeJobExecution calls, about 34 min at 0.7/s'."""
    seconds = remaining / DESCRIBE_RATE
    rate = f"{DESCRIBE_RATE:.1f}"
    return f"{remaining:,} DescribeJobExecution calls, about {span_in_words(seconds)} at {rate}/s"


def open_why(screen: LiveScreen, job_id: str) -> None:
    """`w` on the main screen: the detail's sample of `job_id`, at full size."""
    panel = screen.query_one(WhyPanel)
    sample = panel.sample_for(job_id)
    if panel.job is not None and panel.job.job_id == job_id:
        counts = counts_of(panel.job)
        if counts is not None:
            sample.set_counts(counts)
    screen.app.push_screen(WhyScreen(screen.data, screen.options, job_id, sample))


class WhyScreen(LiveScreen):
    DEFAULT_CSS = """
    WhyScreen #why-summary {
        height: auto; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    WhyScreen #why-buckets { border: round $primary 50%; border-title-align: left; }
    WhyScreen #why-buckets:focus { border: round $primary; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("A", "describe_all", "Describe all", id="describe_all"),
    ]

    def __init__(
        self, data: DataSource, options: ViewOptions, job_id: str, sample: WhySample
    ) -> None:
        super().__init__(data, options)
        self.job_id = job_id
        self.sample = sample
        self.error: str | None = None
        self._version = -1
        self._summary: WhySummary | None = None

    def compose(self) -> ComposeResult:
        yield Breadcrumb(self.job_id, "why", id="breadcrumb")
        yield Static("", id="why-summary")
        yield BucketTable(id="why-buckets", now=self.now)
        yield StatusBar(id="status")
        yield KeyFooter()

    @property
    def table(self) -> BucketTable:
        return self.query_one(BucketTable)

    def on_mount(self) -> None:
        super().on_mount()
        self.why_loop = self.add_loop("why", WHY_INTERVAL, self._fetch, self.table)
        self.counts_loop = self.add_loop("counts", self.options.detail_interval, self._count)
        self.table.focus()
        self._show()
        self.why_loop.start()
        self.counts_loop.start()

    # --- loops ----------------------------------------------------------------------------

    async def _fetch(self) -> Failure | None:
        now = self.why_loop.monotonic()
        limit = why_panel.DESCRIBES_PER_CYCLE  # the panel's pace, read each cycle
        return await sample_cycle(self.data, self, self.sample, now, limit)

    async def _count(self) -> Failure | None:
        return await self.data.count_executions(self, self.job_id)

    @on(WhySampled)
    def _on_sampled(self, message: WhySampled) -> None:
        if message.job_id != self.job_id:
            return
        self.sample.take(message.result, self.why_loop.monotonic())
        self.error = message.error
        self._show()

    @on(ExecutionsCounted)
    def _on_counted(self, message: ExecutionsCounted) -> None:
        counts = counts_of(message.job) if message.job.job_id == self.job_id else None
        if counts is not None:
            self.sample.set_counts(counts)
            self._show()

    def on_tick(self) -> None:
        self._show()

    # --- drawing --------------------------------------------------------------------------

    def summary(self) -> WhySummary:
        if self._summary is None or self._version != self.sample.version:
            self._summary = self.sample.summary()
            self._version = self.sample.version
        return self._summary

    def _show(self) -> None:
        if not self.is_mounted:
            return
        summary = self.summary()
        age = None
        if summary.updated_at is not None:
            age = max(0.0, self.why_loop.monotonic() - summary.updated_at)
        text = heading_text(summary, age, self.error)
        what = "every one described" if summary.everything else "a stratified random sample"
        text.append(
            f"\nFailed: FAILED, REJECTED or TIMED_OUT, {what}; a share is of them all"
            " (a step's: of IN_PROGRESS)",
            style="dim",
        )
        keys = ", ".join(self.sample.keys)
        text.append(f"\nBucketed by the first statusDetails key reported: {keys}", style="dim")
        if summary.remaining and not summary.everything:
            text.append(f"\nA describes all of them: {cost_text(summary.remaining)}", style="dim")
        elif summary.everything and summary.pending:
            text.append(f"\nDescribing all: {cost_text(summary.pending)} to go", style="dim")
        steps = steps_text(summary)
        if steps is not None:
            text.append("\n")
            text.append_text(steps)
        self.query_one("#why-summary", Static).update(text)
        table = self.table
        table.show([*summary.buckets, *summary.steps])
        title = Text(f"Buckets {table.row_count:,}", end="")
        title.append(" · Enter lists a bucket's sampled things", style="dim")
        table.border_title = title

    # --- actions --------------------------------------------------------------------------

    def selection(self) -> Selection | None:
        return Selection("job", self.job_id)

    @on(BucketTable.Selected)
    def _on_bucket(self, event: BucketTable.Selected) -> None:
        bucket = event.row.bucket
        known = {
            execution.thing_name: (execution, self.sample.described_at(execution))
            for execution in sorted(bucket.members, key=lambda e: e.execution_number or 0)
            if execution.thing_name
        }
        self.post_message(ShowThings(self.job_id, key_plain(bucket.key), bucket.things, known))

    @on(ShowThings)
    def _on_show_things(self, message: ShowThings) -> None:
        open_thing_set(self, message)

    def action_describe_all(self) -> None:
        summary = self.summary()
        if summary.everything:
            self.notify("Already describing every failed execution.", markup=False)
            return
        if not summary.remaining:
            self.notify("Every failed execution is described already.", markup=False)
            return
        choices = [
            Choice(
                "all",
                f"Describe all {summary.remaining:,} failed executions not described yet",
                note=f"{cost_text(summary.remaining)}, paced as background work.",
            ),
            Choice("keep", f"Keep the sample of {self.sample.target:,}"),
        ]

        def chosen(answer: Chosen | None) -> None:
            if answer is not None and answer.key == "all":
                self.sample.describe_everything()
                self._show()
                self.why_loop.refresh_now()

        self.app.push_screen(ChoiceScreen("Describe every failed execution?", choices), chosen)

    def action_back(self) -> None:
        self.app.pop_screen()
