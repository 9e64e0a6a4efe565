"""The job detail's stuck triage (issue 12): which executions are stuck, and why.

    Stuck  scanned 840 of 840 queued/in-progress executions · 20 s ago
      blocked by another job    4  behind gw-soak-test-sjc-02 · gw-us-west-sjc-0001, …
      never picked up           0
      silent in progress        2  next timeout in 4 min · cam-ap-southeast-syd-0020, …
      offline                   1  never connected · devkit-hil-01
      checked 7 of 7 suspects · t lists their things

Its own loop ("stuck", every minute) runs `aws.triage` in the background budget; the kinds
and what makes a suspect are `aws.stuck`'s docstring. Hidden while nothing looks stuck.
`t` on the main screen picks a kind and posts `ShowThings` with exactly its things.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult

from iotjobs_tui.aws.models import Job
from iotjobs_tui.aws.stuck import (
    KINDS,
    LABELS,
    Entry,
    Thresholds,
    TriageReport,
    TriageState,
    sweep_cycles,
)
from iotjobs_tui.ui.alerts import alerts_of
from iotjobs_tui.ui.format import format_age, span_in_words
from iotjobs_tui.ui.messages import ShowThings, StuckTriaged, StuckTriageFailed
from iotjobs_tui.ui.refresh import Failure, RefreshLoop
from iotjobs_tui.ui.text import safe
from iotjobs_tui.ui.widgets.field import Field
from iotjobs_tui.ui.widgets.insight import InsightSection
from iotjobs_tui.ui.widgets.sections import heading

STUCK_INTERVAL = 60.0  # seconds between cycles: at most ~54 calls each, background-paced
LABEL_WIDTH = max(len(label) for label in LABELS.values())
NAMES_SHOWN = 3  # thing names per line (the line ends in … where the pane is narrow)
INDEXING_WORDS = {
    "unknown": "not asked yet",
    "off": "connectivity unknown (fleet indexing off)",
    "denied": "connectivity unknown (no permission for GetThingConnectivityData)",
}


class StuckTriage(InsightSection):
    # One line a kind, cut with … where the pane is narrow (the reasons come before the names).
    DEFAULT_CSS = """
    StuckTriage #stuck-kinds, StuckTriage #stuck-foot {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.report: TriageReport | None = None
        self.state: TriageState | None = None
        self.loop: RefreshLoop | None = None
        self.error: str | None = None  # the last cycle's failure, shown until one succeeds
        self._now: datetime | None = None
        # When the fetch that made `report` began, on the loop's monotonic clock: its age is
        # real time, like every other age on screen (the demo's fleet clock can run 60x).
        self._fetch_started: float | None = None
        self._report_started: float | None = None

    def compose(self) -> ComposeResult:
        yield Field(id="stuck-head")  # wraps: what was scanned is never cut
        yield Field(id="stuck-kinds", wrap=False)
        yield Field(id="stuck-foot", wrap=False)

    def on_mount(self) -> None:
        self.display = False

    def _start(self) -> None:
        """Fetch now; the loop is made on the first job shown, so the status bar lists it
        after the screen's own loops (job, list)."""
        if self.loop is None and hasattr(self.screen, "add_loop"):  # a live screen
            self.loop = self.host.add_loop(
                "stuck", STUCK_INTERVAL, self._fetch, pane=self, shown=False
            )
        if self.loop is not None:
            self.loop.restart()

    # --- what the job detail forwards -----------------------------------------------------

    def select(self, job_id: str | None) -> None:
        super().select(job_id)
        self.state = TriageState(job_id) if job_id else None
        self.report, self.error = None, None
        if self.loop is not None:
            self.loop.stop()
            # A cycle in flight is up to ~50 paced calls for the old job: cancel it.
            self.app.workers.cancel_group(self.screen, f"loop-{self.loop.name}")
        self._show()

    def show_job(self, job: Job, now: datetime) -> None:
        first = self.job is None
        super().show_job(job, now)
        if job.job_id != self.job_id:
            return
        self._now = now
        if first:
            self._start()  # the first cycle needs the job's counts and timeout
        self._show()

    def tick(self, now: datetime) -> None:
        self._now = now
        if self.report is not None:
            self._show()

    # --- data -------------------------------------------------------------------------------

    async def _fetch(self) -> Failure | None:
        job, state = self.job, self.state
        if job is None or state is None:
            return None
        options = self.host.options
        limits = Thresholds(options.stuck_queued_minutes, options.stuck_in_progress_minutes)
        self._fetch_started = self.loop.monotonic() if self.loop is not None else None
        return await self.host.data.stuck_triage(self, state, job, self.host.now, limits)

    @on(StuckTriaged)
    def _on_triaged(self, message: StuckTriaged) -> None:
        message.stop()
        if message.report.job_id != self.job_id:
            return
        self.report, self.error = message.report, None
        self._report_started = self._fetch_started
        self._show()
        alerts = alerts_of(self)  # the `stuck` alert (ui/alerts.py), off unless asked for
        if alerts is not None:
            alerts.stuck_count(message.report.job_id, len(message.report.entries))

    @on(StuckTriageFailed)
    def _on_failed(self, message: StuckTriageFailed) -> None:
        message.stop()
        if message.job_id == self.job_id:
            self.error = message.error
            self._show()

    def show_kind(self, kind: str) -> bool:
        """Post `ShowThings` with exactly the things of `kind` (False: there are none)."""
        report = self.report
        if report is None or report.job_id != self.job_id:
            return False
        entries = report.of(kind)
        if not entries:
            return False
        title = f"{LABELS[kind]}: {len(entries):,} of {report.job_id}"
        known = {entry.thing: entry.known for entry in entries if entry.known is not None}
        self.post_message(ShowThings(report.job_id, title, tuple(e.thing for e in entries), known))
        return True

    # --- rendering --------------------------------------------------------------------------

    def _show(self) -> None:
        report = self.report
        if report is None or report.job_id != self.job_id:
            self.display = False
            return
        now = self._now or report.at
        process = self.job.process if self.job is not None else None
        if process is not None and process.unfinished == 0:
            # Finished since the last scan (or never had any): nothing can be stuck, and a
            # scan's "every ~1 min" would describe a sweep of nothing.
            self.query_one("#stuck-head", Field).set(
                heading("Stuck", "no queued or in-progress executions now")
            )
            self.query_one("#stuck-kinds", Field).set(None)
            self.query_one("#stuck-foot", Field).set(None)
            self.display = True
            return
        self.query_one("#stuck-head", Field).set(self._heading(report, now))
        if not report.entries:
            # A truthful zero, with what was scanned: "none" is an answer, hiding is not.
            self.query_one("#stuck-kinds", Field).set(
                Text("  none of the scanned executions looks stuck", style="dim")
            )
            self.query_one("#stuck-foot", Field).set(None)
            self.display = True
            return
        lines = Text(end="")
        width = max(len(f"{count:,}") for count in report.counts().values())
        for index, kind in enumerate(KINDS):
            if index:
                lines.append("\n")
            lines.append_text(kind_line(report, kind, now, width))
        self.query_one("#stuck-kinds", Field).set(lines)
        self.query_one("#stuck-foot", Field).set(self._foot(report))
        self.display = True

    def _heading(self, report: TriageReport, now: datetime) -> Text:
        process = self.job.process if self.job is not None else None
        # Of the executions unfinished when the scan started, not now: by now the rollout
        # may have finished many of them ("scanned 684 of 257" was a lie).
        of = report.unfinished
        total = "unknown" if of is None else f"{of:,}"
        if self._report_started is not None and self.loop is not None:
            seconds = self.loop.monotonic() - self._report_started
        else:
            seconds = (now - report.at).total_seconds()
        age = format_age(max(0.0, seconds))
        if of is not None and report.scanned > of:
            # The rollout queued more while the pages were read: no "500 of 456".
            note = (
                f"scanned {report.scanned:,} queued/in-progress executions ({total} when the "
                f"scan began), {age}"
            )
        else:
            note = f"scanned {report.scanned:,} of {total} queued/in-progress executions, {age}"
        if not report.complete and process is not None and self.loop is not None:
            # A big list is swept a few pages a cycle (aws.triage): say how long a sweep takes.
            cycles = sweep_cycles((process.count("queued"), process.count("in_progress")))
            note += f"; all of them every ~{span_in_words(cycles * self.loop.policy.interval)}"
        return heading("Stuck", note)

    def _foot(self, report: TriageReport) -> Text:
        total = len(report.entries)
        text = Text(f"  checked {report.checked:,} of {total:,} suspects", style="dim", end="")
        text.append(" · t lists their things", style="dim")
        error = self.error or report.error
        if error:
            text.append("  ⚠ ", style="bold red")
            text.append_text(safe(error))
        return text


def _names(entries: tuple[Entry, ...]) -> Text:
    text = Text(end="")
    for index, entry in enumerate(entries[:NAMES_SHOWN]):
        if index:
            text.append(", ")
        text.append_text(safe(entry.thing))
    if len(entries) > NAMES_SHOWN:
        text.append(", …", style="dim")
    return text


def _detail(report: TriageReport, kind: str, entries: tuple[Entry, ...], now: datetime) -> Text:
    """What explains the kind, before the names (so a narrow pane cuts names, not reasons)."""
    if kind == "blocked":
        blocker = report.main_blocker()
        if blocker is None:
            return Text(end="")
        job, count = blocker
        text = Text("behind ", style="dim", end="")
        text.append_text(safe(job))
        if count < len(entries):
            text.append(f" ({count:,})", style="dim")
        return text
    if kind == "never_picked_up":
        oldest = min(entry.since for entry in entries)
        return Text(f"queued {span_in_words((now - oldest).total_seconds())}", style="dim")
    if kind == "silent":
        deadline = report.next_timeout()
        if deadline is None:
            return Text("no timeout known", style="dim")
        left = (deadline - now).total_seconds()
        style = "bold red" if left < 60 else "yellow"
        return Text(f"next timeout in {span_in_words(left)}", style=style)
    never = sum(1 for entry in entries if entry.offline_since is None)
    if never == len(entries):
        return Text("never connected", style="dim")
    oldest = min(entry.offline_since or now for entry in entries)
    return Text(f"offline up to {span_in_words((now - oldest).total_seconds())}", style="dim")


def kind_line(report: TriageReport, kind: str, now: datetime, width: int = 1) -> Text:
    """'  label  count  reason · names', the counts right-aligned to `width` digits."""
    text = Text(f"  {LABELS[kind]:<{LABEL_WIDTH}}  ", style="dim", end="")
    if kind == "offline" and report.indexing in INDEXING_WORDS:
        text.append(f"{'—':>{width}}  {INDEXING_WORDS[report.indexing]}", style="dim")
        return text
    entries = report.of(kind)
    if not entries:
        text.append(f"{0:>{width}}", style="dim")
        return text
    text.append(f"{len(entries):>{width},}", style="bold")
    text.append("  ")
    detail = _detail(report, kind, entries, now)
    if detail.plain:
        text.append_text(detail)
        text.append(" · ", style="dim")
    text.append_text(_names(entries))
    return text
