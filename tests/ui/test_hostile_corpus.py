"""The hostile-input corpus (issue 14, item 3) through `safe`/`clean` and through every screen.

The whole corpus goes through the choke point in a fast unit test. A few hundred of its strings
go into the emulator's untrusted fields: through the API where AWS's patterns allow them
(descriptions, comments, statusDetails, documents), and straight into the emulator's state
where they would not (target selection, execution status, thing names, reason codes, document
parameters), as a broken proxy would send them. Every screen is then opened at 100x30 and each
frame is rendered exactly as the driver would write it to the terminal, and checked: no markup
applied, no escape or invisible character from the data in the byte stream, every line exactly
the terminal's width, and invisible characters shown with the one spelling `clean` gives them.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from textual.strip import Strip

from iotjobs_tui.aws import api as aws_api
from iotjobs_tui.aws.pacer import Pacer
from iotjobs_tui.sim.wire.patterns import compile_java
from iotjobs_tui.ui.screens.document import DocumentScreen
from iotjobs_tui.ui.screens.execution import ExecutionScreen
from iotjobs_tui.ui.screens.executions import ExecutionsScreen
from iotjobs_tui.ui.screens.help import HelpScreen
from iotjobs_tui.ui.screens.main import MainScreen
from iotjobs_tui.ui.screens.why import WhyScreen
from iotjobs_tui.ui.text import ESCAPE_STYLE, _escape, clean, needs_escape, safe
from iotjobs_tui.ui.widgets import why_panel

from .conftest import REGION, seed_group, wait_for
from .hostile_corpus import big, corpus, deep_json, small

SIZE = (100, 30)
AWS_TEXT = compile_java("[^\\p{C}]+")  # description, comment, statusDetails values
# One short string per screen, so the whole of it is on screen: markup and invisible
# characters of each class; every screen must show it as `clean` spells it.
SENTINEL = "ZQ[@click=app.quit]Q[/]\u200bZ\u202eZ\U000e0041\u3164\x1b]0;T\x07\x9bZQ"
SHOWN = clean(SENTINEL)
# In the document view the sentinel is a JSON string: C0 controls keep JSON's `\u001b` form.
SHOWN_IN_JSON = clean(json.dumps(SENTINEL, ensure_ascii=False)[1:-1])
TOKEN = re.compile(r"\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|\\U[0-9a-f]{8}")
JSON_C0 = re.compile(r"\\u00[01][0-9a-f]")
# What Textual itself writes: SGR colours and cursor moves. Anything else is from the data.
OWN_SEQUENCES = re.compile(r"\x1b\[[0-9;]*m|\x1b\[[0-9]+;[0-9]+H")


# --- the choke point, the whole corpus -------------------------------------------------------


def naive_width(text: str) -> int:
    """An independent cell count (east-asian width), as a terminal's wcwidth would give."""
    width = 0
    for char in text:
        if unicodedata.category(char) in ("Mn", "Me"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def terminal_bytes(text: Any, width: int = 400) -> str:
    console = Console(
        width=width, file=io.StringIO(), force_terminal=True, color_system="truecolor",
        legacy_windows=False, safe_box=False, emoji=False, highlight=False, markup=False,
    )  # fmt: skip
    console.print(text, end="", soft_wrap=True)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return str(out)


def test_corpus_is_large_and_deterministic() -> None:
    strings = corpus()
    assert len(strings) >= 1000
    assert len(set(strings)) == len(strings)
    assert sum(len(s) >= 10 * 1024 for s in strings) >= 5
    assert any("[@click=app.quit]" in s for s in strings)
    assert corpus.__wrapped__() == strings


def test_every_corpus_string_through_the_choke_point() -> None:
    for text in corpus():
        cleaned = clean(text)
        shown = safe(text)
        assert shown.plain == cleaned, repr(text[:60])
        # Nothing left to escape: no control, bidi, zero-width, format or ambiguous character.
        assert not needs_escape(cleaned), repr(text[:60])
        assert all(_escape(char) is None for char in cleaned)
        # Only the escape style, never a link, an action or markup's styles.
        for span in shown.spans:
            assert str(span.style) == ESCAPE_STYLE
            assert TOKEN.fullmatch(cleaned[span.start : span.end])
        # What reaches the terminal: only Rich's own SGR, nothing from the data.
        out = OWN_SEQUENCES.sub("", terminal_bytes(shown))
        assert out == cleaned, repr(text[:60])
        # Rich's width and a terminal's agree, so no row is wider than measured.
        assert cell_len(cleaned) == naive_width(cleaned), repr(text[:60])
        # `clean` is stable: the escaped form is shown as is.
        assert clean(cleaned) == cleaned


def test_every_escape_is_one_spelling() -> None:
    """The same character always gets the same visible form, wherever it occurs."""
    seen: dict[str, str] = {}
    for text in corpus():
        for char in set(text):
            escaped = _escape(char)
            if escaped is not None:
                assert seen.setdefault(char, escaped) == escaped
                assert clean(f"a{char}b") == f"a{escaped}b"
    assert len(seen) > 120


# --- every screen, through the emulator -------------------------------------------------------


@pytest.fixture(autouse=True)
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aws_api, "Pacer", lambda: Pacer(1000, 1000, 1000))
    monkeypatch.setattr(why_panel, "DESCRIBES_PER_CYCLE", 100)


def frame(app: Any) -> tuple[str, list[list[Segment]]]:
    """The full frame as the driver would write it, and its lines of segments."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", legacy_windows=False, safe_box=False,
    )  # fmt: skip
    stream = update.render_segments(console)
    lines = [list(Strip.join(list(line))) for line in update.strips]
    return stream, lines


class Frames:
    """Every frame checked, with what each screen showed."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.count = 0
        self.escapes = 0

    def check(self, where: str, *, sentinel: bool = True) -> str:
        app = self.app
        assert app.is_running and app.return_code is None, f"{where}: the app quit"
        stream, lines = frame(app)
        self.count += 1
        # 1. The byte stream: only Textual's own SGR and cursor moves.
        rest = OWN_SEQUENCES.sub("", stream)
        bad = sorted({c for c in rest if c != "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0)})
        assert not bad, f"{where}: control characters reach the terminal: {bad!r}"
        leaked = sorted({c for c in rest if _escape(c) is not None and c != "\n"})
        assert not leaked, f"{where}: invisible characters reach the terminal raw: {leaked!r}"
        # 2. No line wider (or narrower) than the terminal, by Rich and by east-asian width.
        width = app.size.width
        assert len(lines) == app.size.height
        for y, line in enumerate(lines):
            text = "".join(segment.text for segment in line)
            assert cell_len(text) == width, f"{where}: line {y} is {cell_len(text)} cells"
            assert naive_width(text) == width, f"{where}: line {y} is {naive_width(text)} wide"
        # 3. Nothing interpreted: no link, no action from the data.
        for line in lines:
            for segment in line:
                style = segment.style
                if style is None:
                    continue
                assert not style.link, f"{where}: a link {style.link!r} on {segment.text!r}"
                meta = style.meta or {}
                if "@click" in meta:
                    assert "ZQ" not in segment.text and "QUIT" not in segment.text, where
        # 4. Invisible characters made visible, one spelling, highlighted.
        for line in lines:
            for segment in line:
                for token in TOKEN.findall(segment.text):
                    code = int(token[2:], 16)
                    if where.startswith("document") and JSON_C0.fullmatch(token):
                        # JSON's own escape of a C0 control inside a string (json.dumps
                        # writes it so; the stored document had it so): document syntax.
                        assert not (segment.style and segment.style.reverse), where
                        continue
                    assert _escape(chr(code)) == token, f"{where}: {token} is not clean's form"
                    if segment.text == token:
                        self.escapes += 1
                        assert segment.style is not None and segment.style.reverse, where
        screen_text = "\n".join("".join(s.text for s in line) for line in lines)
        if sentinel:
            assert SHOWN in screen_text, f"{where}: the sentinel is not shown:\n{screen_text}"
            assert "[@click=app.quit]" in screen_text
        return screen_text

    async def scroll(
        self,
        pilot: Any,
        where: str,
        pages: int | list[str],
        *,
        sentinel: bool = False,
        shown: str = SHOWN,
    ) -> None:
        """Press each key (or `pages` times pagedown), checking every frame; with `sentinel`,
        the sentinel must be on one of them."""
        keys = ["pagedown"] * pages if isinstance(pages, int) else pages
        texts = [self.check(where, sentinel=False)]
        for n, key in enumerate(keys):
            await pilot.press(key)
            await pilot.pause()
            texts.append(self.check(f"{where} {key} {n + 1}", sentinel=False))
        if sentinel:
            assert any(shown in text for text in texts), f"{where}: no sentinel:\n{texts[0]}"


def showing(app: Any, job_id: str) -> Callable[[], bool]:
    return lambda: getattr(app.screen.detail.job, "job_id", "") == job_id


def joined(strings: list[str]) -> str:
    return " | ".join(strings)


def plant(iot: Any, jobs_data: Any, emulator: Any) -> dict[str, Any]:
    """Jobs, executions and documents full of corpus strings; returns what went where."""
    strings = small(300)
    valid = [s for s in corpus() if len(s) < 300 and AWS_TEXT.fullmatch(s)]
    group = seed_group(iot, "fleet", 6)  # fleet-000 .. fleet-005
    iot.create_thing(thingName="a:b_c-d")  # the odd characters AWS allows in a thing name
    iot.add_thing_to_thing_group(thingGroupName="fleet", thingName="a:b_c-d")
    state = emulator.region(REGION)

    # hx-0: the job every screen visits. Document: the sentinel first, then 150 strings
    # (JSON escapes, so the document view decodes them).
    document = {"a-sentinel": SENTINEL} | {f"s{i:03d}": s for i, s in enumerate(strings[:150])}
    iot.create_job(
        jobId="hx-0", targets=[group], document=json.dumps(document),
        description=joined(valid[:40])[:2028],
    )  # fmt: skip
    job = state.jobs["hx-0"]
    job.description = SENTINEL + " " + joined(strings[150:])  # as a broken proxy sends it
    job.target_selection = "SNAPSHOT\x1b]52;c;cHduZWQ=\x07\u202e[b]x[/b]"
    job.document_parameters = {"p\x1b[2J": SENTINEL, "q": strings[0]}

    # Executions: each thing takes hx-0 and fails with statusDetails (valid ones via the
    # device plane), then the stored details are replaced by hostile ones.
    things = [f"fleet-{i:03d}" for i in range(6)] + ["a:b_c-d"]
    for n, thing in enumerate(things):
        jobs_data.start_next_pending_job_execution(thingName=thing)
        details = {f"k{i}": v for i, v in enumerate(valid[n * 8 : n * 8 + 8]) if len(v) < 1024}
        try:
            jobs_data.update_job_execution(
                jobId="hx-0", thingName=thing, status="FAILED",
                statusDetails={"reason": "CHECKSUM", **details},
            )  # fmt: skip
        except ClientError:
            jobs_data.update_job_execution(jobId="hx-0", thingName=thing, status="FAILED")
    for n, execution in enumerate(job.executions):
        reason = SENTINEL if n == 0 else strings[n * 37 % len(strings)]
        execution.status_details = {"reason": reason} | {
            f"k{i:03d}": s for i, s in enumerate(strings[n * 40 : n * 40 + 80])
        }
    # One execution with an impossible status and one with an impossible thing name (ARN).
    job.executions[-2].status = "FAILED\x1b[2J\u2066"
    last = job.executions[-1]
    last.status = "QUEUED"  # not sampled by the why loop, which would stop on its name
    last.thing_arn = state.thing_arn("zz\x1b]0;T\x07\u200b[b]")

    # hx-1: valid strings through the API (CreateJob / CancelJob with a comment).
    iot.create_job(
        jobId="hx-1", targets=[group], document=json.dumps({"v": valid[:50]}),
        description=joined(valid[50:90])[:2028],
    )  # fmt: skip
    iot.cancel_job(jobId="hx-1", reasonCode="HX_1", comment=joined(valid[90:130])[:2028])
    # hx-2: canceled with a comment AWS would refuse; 10 KB values; a deep document.
    iot.create_job(jobId="hx-2", targets=[group], document="{}")
    iot.cancel_job(jobId="hx-2", comment="ok")
    other = state.jobs["hx-2"]
    other.comment = SENTINEL + joined(strings[:100])
    other.reason_code = "R\x1b[31m\u200f"
    other.description = big()[3]  # "\x1b[31m" * 2048: 10 KB of SGR
    other.document = deep_json(600)
    emulator.clock.advance(60)
    return {"strings": strings, "valid": valid}


async def test_every_screen_shows_the_corpus_literally(
    make_app: Any, iot: Any, jobs_data: Any, emulator: Any
) -> None:
    planted = plant(iot, jobs_data, emulator)
    assert len(planted["strings"]) == 300 and len(planted["valid"]) >= 130
    app = make_app(job_id="hx-0", list_interval=3600, progress_every=3600)
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await wait_for(pilot, lambda: app.screen.detail.job is not None)
        await wait_for(pilot, lambda: app.screen.query_one("JobTable").row_count == 3)
        await pilot.pause(0.3)
        frames.check("main", sentinel=False)
        # The detail pane, scrolled through.
        await pilot.press("tab")
        await frames.scroll(pilot, "detail", 6, sentinel=True)

        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentScreen))
        await wait_for(pilot, lambda: "a-sentinel" in frames.check("document", sentinel=False))
        await frames.scroll(pilot, "document", 8, sentinel=True, shown=SHOWN_IN_JSON)
        await pilot.press("b")
        await pilot.pause(0.2)
        frames.check("document before substitution", sentinel=False)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))

        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WhyScreen))
        why = app.screen
        await wait_for(pilot, lambda: why.table.row_count >= 5)
        await pilot.pause(0.2)
        # The bucket's value column cuts the sentinel: its start, as `clean` spells it.
        await frames.scroll(pilot, "why", 2, sentinel=True, shown=SHOWN[:29])
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))

        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExecutionsScreen))
        executions = app.screen
        await wait_for(pilot, lambda: executions.loading_done)
        await pilot.pause(0.2)
        frames.check("executions", sentinel=False)
        await pilot.press("home")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExecutionScreen))
        execution = app.screen
        await wait_for(pilot, lambda: "ZQ" in frames.check("execution", sentinel=False))
        await pilot.pause(0.3)
        await frames.scroll(pilot, "execution", 6, sentinel=True)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is executions)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))

        # The canceled jobs: comment and reason code in the detail, the deep document.
        for key, job_id in (("home", "hx-2"), ("down", "hx-1"), ("up", "hx-2")):
            app.screen.query_one("JobTable").focus()  # newest first: hx-2 is the top row
            await pilot.press(key)
            await wait_for(pilot, showing(app, job_id))
            await pilot.pause(0.2)
            app.screen.detail.focus()
            # hx-2's comment (the sentinel) is after its 10 KB description: from the end up.
            keys = ["pagedown", "end", *["pageup"] * 5] if job_id == "hx-2" else 4
            await frames.scroll(pilot, f"main, {job_id}", keys, sentinel=job_id == "hx-2")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentScreen))
        await wait_for(pilot, lambda: "nested" in frames.check("document", sentinel=False))
        frames.check("document, nested 600 deep", sentinel=False)
        await pilot.press("escape")

        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        frames.check("help", sentinel=False)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert frames.count >= 30
        assert frames.escapes >= 20
    del execution
