"""The job document (GetJobDocument), pretty-printed, with a before-substitution toggle."""

from __future__ import annotations

import json
import re

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from iotjobs_tui.ui.messages import DocumentFailed, DocumentLoaded
from iotjobs_tui.ui.protocols import DataSource
from iotjobs_tui.ui.text import safe
from iotjobs_tui.ui.widgets.key_footer import KeyFooter

# AWS caps a job document at 32 KB, and a 2 KB one can nest 1,000 levels deep, which is past
# what `json.loads` can recurse. Deeper or bigger documents are shown as stored, with a note.
MAX_DEPTH = 100
MAX_CHARS = 256 * 1024  # 8x the AWS limit; an indented document can grow well past its size
_STRUCTURE = re.compile(r'[\[\]{}"\\]')


def nesting_depth(document: str) -> int:
    """How deep `[`/`{` nest outside JSON strings; a linear scan, no recursion."""
    depth = deepest = 0
    in_string = False
    escaped_at = -1  # the index a backslash inside a string escapes
    for match in _STRUCTURE.finditer(document):
        char = match.group()
        if in_string:
            if match.start() == escaped_at:
                continue
            if char == "\\":
                escaped_at = match.end()
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


def pretty(document: str) -> str:
    """Indented JSON when the document is JSON; otherwise exactly as stored. Never raises.

    A document nested deeper than MAX_DEPTH is shown as stored after a one-line note, and at
    most MAX_CHARS characters are returned (the note says what was left out).
    """
    if len(document) > MAX_CHARS:
        return _cut(document, f"{len(document):,} characters; the first {MAX_CHARS:,} shown")
    depth = nesting_depth(document)
    if depth > MAX_DEPTH:
        return f"(nested {depth:,} levels deep; shown as stored)\n{document}"
    try:
        text = json.dumps(json.loads(document), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return document
    if len(text) > MAX_CHARS:
        return _cut(text, f"{len(text):,} characters indented; the first {MAX_CHARS:,} shown")
    return text


def _cut(text: str, note: str) -> str:
    return f"({note})\n{text[:MAX_CHARS]}\n(… cut at {MAX_CHARS:,} characters)"


class DocumentScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("b", "toggle_substitution", "Before/after substitution", id="toggle_substitution"),
        Binding("escape,q,d", "close", "Close", id="close"),
        Binding("j", "scroll_down", "Down", show=False, id="scroll_down"),
        Binding("k", "scroll_up", "Up", show=False, id="scroll_up"),
    ]

    def __init__(self, data: DataSource, job_id: str) -> None:
        super().__init__()
        self.data = data
        self.job_id = job_id
        self.before_substitution = False

    def compose(self) -> ComposeResult:
        with Vertical(id="document-box"):
            with VerticalScroll(id="document-scroll"):
                yield Static(Text("Loading…", style="dim"), id="document")
            yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#document-scroll").focus()
        self._load()

    def _title(self) -> Text:
        title = Text("Job document · ", end="")
        title.append_text(safe(self.job_id))
        title.append(" · before substitution" if self.before_substitution else " · as sent")
        return title

    def _load(self) -> None:
        self.query_one("#document-box").border_title = self._title()
        self.run_worker(
            self.data.job_document(self, self.job_id, self.before_substitution),
            group="document",
            exclusive=True,
            exit_on_error=False,
        )

    @on(DocumentLoaded)
    def _on_loaded(self, message: DocumentLoaded) -> None:
        if message.before_substitution != self.before_substitution:
            return
        body = pretty(message.document) if message.document else ""
        text = safe(body, keep_newlines=True) if body else Text("(empty document)", style="dim")
        self.query_one("#document", Static).update(text)

    @on(DocumentFailed)
    def _on_failed(self, message: DocumentFailed) -> None:
        text = Text("⚠ ", style="bold red", end="")
        text.append_text(safe(message.error))
        self.query_one("#document", Static).update(text)

    def action_toggle_substitution(self) -> None:
        self.before_substitution = not self.before_substitution
        self.query_one("#document", Static).update(Text("Loading…", style="dim"))
        self._load()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#document-scroll", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#document-scroll", VerticalScroll).scroll_up()
