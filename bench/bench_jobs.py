"""The job list at 10,000 jobs.

Headless (Pilot), against an in-process emulator over HTTP on loopback. The 10,000 jobs are
created through the emulator's own CreateJob/CancelJob handlers (as the demo scenario does),
not over HTTP: seeding takes under a second. Prints four figures and their targets:
  1. first rows: app launched (built and started) -> first job rows painted;
  2. a key at 10,000 rows: `j` (cursor down) action + every visible line rendered through
     `render_line`, median and p90 over 100 presses from the top; also the real key path
     (Pilot.press, then 0.6 s for the debounced detail load): the UI thread's busy time and
     the loop's longest stall per key;
  3. a filter keystroke: "meter-012" typed one character at a time into the table's filter,
     each step set + repaint; also filters typed from scratch and clearing;
  4. UI frozen while the rows load: the largest gap between ticks of an asyncio callback that
     asks to run every 10 ms, from the app's start until the frame after the last page, and
     how many gaps exceeded 100 ms (also: the same counted from the first rows on).
Plus the ListJobs calls the app made (its `data.stats`), and the same stall figures for a
refresh (`r`) of the unchanged 10,000 jobs (the list's timer runs one every 15 s by default).
The app is started as `iotjobs-tui` starts it (`launch.build_app`, collections held until the
first rows, as cli.main does), with long refresh intervals so only the load is measured. The
emulator shares the process: its server thread answers ListJobs (~10 ms each) under the GIL,
and its imports (botocore) are already loaded, so the app's SDK import is a little cheaper
than in a real launch (bench_launch measures that).

Written against the job list's interface (MainScreen.table; the table's `action_cursor_down`,
`set_filter`, `render_line`, `row_count`, `jobs`): any figure the current table cannot give is
printed as "n/a".
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

JOBS = 10_000
THINGS = 3
KINDS = ("meter", "sensor", "gateway", "camera")
REGION = "us-east-1"
T0 = 1_767_225_600.0
SIZE = (160, 48)
FRAME_MS = 1000 / 60
KEY_TARGET_MS = 16.0
FILTER_TARGET_MS = 50.0
FIRST_ROWS_TARGET_S = 1.0
TICK_S = 0.010
FROZEN_S = 0.100
PRESSES = 100
KEY_PATH_PRESSES = 10
KEY_PATH_SETTLE_S = 0.6  # past the app's 0.2 s highlight debounce and the detail load
NEEDLE = "meter-012"
# A filter step slower than this stops the filter figure (today's DataTable can take many
# seconds a keystroke; the rest would only repeat it).
FILTER_GIVE_UP_S = 10.0


def job_id(i: int) -> str:
    return f"{KINDS[i % len(KINDS)]}-{i:05d}-fw"


def seed(jobs: int = JOBS) -> tuple[Any, Any, str]:
    """(emulator, server, url): `jobs` jobs on a small group, one in ten cancelled, one in
    four CONTINUOUS, created through the handlers with the clock frozen."""
    from iotjobs_tui.sim.api.handlers import jobs as job_handlers
    from iotjobs_tui.sim.api.handlers import things as thing_handlers
    from iotjobs_tui.sim.demo.fleet import control_context
    from iotjobs_tui.sim.emulator import Emulator
    from iotjobs_tui.sim.emulator_config import NO_JOB_LIMITS
    from iotjobs_tui.sim.engine.clock import VirtualClock
    from iotjobs_tui.sim.server import SimServer

    emulator = Emulator(VirtualClock(start=T0, speed=0.0), NO_JOB_LIMITS)
    ctx = control_context(emulator, REGION)
    with emulator.lock:
        group = thing_handlers.create_thing_group(ctx, {"thingGroupName": "bench"})
        assert group is not None
        for n in range(THINGS):
            name = f"bench-{n:02d}"
            thing_handlers.create_thing(ctx, {"thingName": name})
            thing_handlers.add_thing_to_thing_group(
                ctx, {"thingGroupName": "bench", "thingName": name}
            )
        for i in range(jobs):
            job_handlers.create_job(
                ctx,
                {
                    "jobId": job_id(i),
                    "targets": [group["thingGroupArn"]],
                    "document": "{}",
                    "targetSelection": "CONTINUOUS" if i % 4 == 3 else "SNAPSHOT",
                },
            )
            if i % 10 == 9:
                job_handlers.cancel_job(ctx, {"jobId": job_id(i)})
            emulator.clock.advance(1.0)  # distinct creation times: a stable newest-first order
    gc.freeze()  # as the demo does: the emulator's objects stay out of the app's collections
    server = SimServer(emulator)
    url = server.start_in_thread("127.0.0.1", 0)
    return emulator, server, url


class LoopWatch:
    """A callback that asks to run every TICK_S; the gaps between its runs are the stalls."""

    def __init__(self) -> None:
        self.ticks: list[tuple[float, float]] = []  # (when, gap since the previous tick)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(TICK_S)
            now = time.perf_counter()
            self.ticks.append((now, now - last))
            last = now

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def gaps(self, start: float, end: float) -> list[tuple[float, float]]:
        """(when it ended, gap) for the gaps that began within [start, end]."""
        return [(when, gap) for when, gap in self.ticks if start <= when - gap <= end]

    def worst(self, start: float, end: float) -> float:
        return max((gap for _, gap in self.gaps(start, end)), default=0.0)

    def busy(self, start: float, end: float) -> float:
        """Seconds the loop was busy (late beyond the tick) in [start, end]: an estimate of
        the work done on the UI's thread."""
        return sum(max(0.0, gap - TICK_S) for _, gap in self.gaps(start, end))


def _repaint_ms(widget: Any, action: Callable[[], object]) -> float:
    """An action, then every visible line rendered through `render_line` (the Line API call
    the compositor makes; Textual's own line cache bypassed), as bench_executions does."""
    start = time.perf_counter()
    action()
    for y in range(widget.size.height):
        widget.render_line(y)
    return (time.perf_counter() - start) * 1000


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def _has(obj: Any, *names: str) -> bool:
    return all(callable(getattr(obj, name, None)) for name in names)


async def _wait(pilot: Any, predicate: Callable[[], bool], timeout: float, step: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        await pilot.pause(step)


async def _painted(widget: Any) -> None:
    done = asyncio.Event()
    widget.call_after_refresh(done.set)
    await done.wait()


def _list_busy(screen: Any) -> bool:
    """A ListJobs load is in flight (the list loop's flag; MainScreen's own before it)."""
    loop = getattr(screen, "list_loop", None)
    if loop is not None:
        return bool(getattr(loop, "busy", False))
    return bool(getattr(screen, "_list_busy", False))


def _table_of(app: Any) -> Any:
    try:
        return app.screen.table
    except Exception:
        return None


async def run(url: str, emulator: Any) -> dict[str, Any]:
    watch = LoopWatch()
    watch.start()
    out: dict[str, Any] = {}
    marks: dict[str, float] = {}

    async def first_rows_probe(app: Any) -> None:
        """Marks the first paint with job rows on it (polled at 1 ms until the table has a
        first-paint hook registered, then exact)."""
        hooked = False
        while "first_rows" not in marks:
            table = _table_of(app)
            if table is not None and not hooked:
                if callable(getattr(table, "when_rows_painted", None)):
                    table.when_rows_painted(
                        lambda: marks.setdefault("first_rows", time.perf_counter())
                    )
                    hooked = True
                elif getattr(table, "row_count", 0):
                    marks.setdefault("first_data", time.perf_counter())
                    await _painted(table)
                    marks.setdefault("first_rows", time.perf_counter())
            await asyncio.sleep(0.001)

    from iotjobs_tui.aws.session import ConnectionSettings
    from iotjobs_tui.launch import build_app

    settings = ConnectionSettings(
        region=REGION,
        endpoint_url=url,
        access_key_id="bench",
        secret_access_key="bench",
    )
    # As `iotjobs-tui` does (cli.main): no collections until the first rows are painted.
    from iotjobs_tui.common import gc_pause

    marks["launch"] = time.perf_counter()
    gc_pause.hold()
    app = build_app(
        settings,
        connection_label="bench",
        clock=emulator.clock.now,
        detail_interval=3600,
        list_interval=3600,
        progress_every=3600,
    )
    marks["built"] = time.perf_counter()
    probe = asyncio.get_running_loop().create_task(first_rows_probe(app))
    async with app.run_test(size=SIZE) as pilot:
        marks["running"] = time.perf_counter()
        screen = app.screen
        await _wait(pilot, lambda: "first_rows" in marks, timeout=60, step=0.001)
        table = screen.table

        def loaded() -> bool:
            jobs = getattr(table, "jobs", None)
            return (
                getattr(table, "row_count", 0) >= JOBS
                and (jobs is None or len(jobs) >= JOBS)
                and not _list_busy(screen)
            )

        await _wait(pilot, loaded, timeout=600, step=0.005)
        marks["loaded"] = time.perf_counter()
        await _painted(table)
        marks["loaded_painted"] = time.perf_counter()
        await pilot.pause(0.3)  # anything the last page scheduled (sort, titles) runs here
        marks["settled"] = time.perf_counter()
        out["rows"] = table.row_count
        stats = app.data.stats
        out["list_calls"] = stats.calls.get("ListJobs", 0) if stats else None
        out["all_calls"] = dict(stats.calls) if stats else {}

        # 5. A refresh of the same 10,000 jobs (the list's timer, every 15 s by default; `r`
        # here, which refreshes the detail pane too).
        if stats and callable(getattr(screen, "action_refresh", None)):
            listed = stats.calls.get("ListJobs", 0)
            marks["refresh"] = time.perf_counter()
            screen.action_refresh()

            def refreshed() -> bool:
                return stats.calls.get("ListJobs", 0) >= 2 * listed and not _list_busy(screen)

            await _wait(pilot, refreshed, timeout=600, step=0.005)
            await _painted(table)
            marks["refreshed"] = time.perf_counter()
            await pilot.pause(0.3)

        # 2. Keys: `j` from the top, 100 presses; then the real key path.
        table.focus()
        await pilot.pause(0.05)
        if _has(table, "action_cursor_down", "action_cursor_up", "render_line"):
            try:
                down = [_repaint_ms(table, table.action_cursor_down) for _ in range(PRESSES)]
                out["up_ms"] = [_repaint_ms(table, table.action_cursor_up) for _ in range(20)]
                out["down_ms"] = down
            except Exception as exc:  # a table mid-rewrite: report, don't crash
                out["key_error"] = f"{type(exc).__name__}: {exc}"
        # The real key path: the key event, its messages and handlers, the frame, and the
        # debounced detail load (DescribeJob + detail pane) that follows a pause on a row.
        presses = []
        for _ in range(KEY_PATH_PRESSES):
            before = time.perf_counter()
            await pilot.press("j")
            await asyncio.sleep(KEY_PATH_SETTLE_S)
            after = time.perf_counter()
            presses.append((watch.busy(before, after) * 1000, watch.worst(before, after) * 1000))
        out["pilot_press"] = presses

        # 3. Filter: typed one key at a time, then from scratch, then cleared.
        if _has(table, "set_filter", "render_line"):
            try:
                _filters(table, out)
            except Exception as exc:
                out["filter_error"] = f"{type(exc).__name__}: {exc}"
        await pilot.pause(0.05)
        stats = app.data.stats
        out["calls_end"] = dict(stats.calls) if stats else {}
    gc_pause.release()  # a no-op once the first rows released it, as they should
    probe.cancel()
    watch.stop()
    out["marks"] = marks
    out["watch"] = watch
    return out


def _filters(table: Any, out: dict[str, Any]) -> None:
    """Typed one key at a time, then from scratch, then cleared."""
    typed: list[float] = []
    for i in range(1, len(NEEDLE) + 1):
        typed.append(_repaint_ms(table, partial(table.set_filter, NEEDLE[:i])))
        if typed[-1] > FILTER_GIVE_UP_S * 1000:
            break
    out["filter_typed_ms"] = typed
    out["filter_matches"] = table.row_count
    if max(typed) <= FILTER_GIVE_UP_S * 1000:
        scratch: dict[str, float] = {}
        for candidate in ("0", "camera", "zzz"):
            table.set_filter("")
            scratch[candidate] = _repaint_ms(table, partial(table.set_filter, candidate))
            if scratch[candidate] > FILTER_GIVE_UP_S * 1000:
                break
        out["filter_scratch_ms"] = scratch
    out["filter_clear_ms"] = _repaint_ms(table, partial(table.set_filter, ""))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _verdict(ok: bool) -> str:
    return "OK" if ok else "OVER"


def report(result: dict[str, Any], seeded_s: float) -> bool:
    marks, watch = result["marks"], result["watch"]
    rows = result["rows"]
    ok: bool = True
    print(f"{JOBS:,} jobs seeded through the emulator's handlers in {seeded_s:.1f} s")
    calls = ", ".join(f"{op} {n}" for op, n in sorted(result["all_calls"].items()))
    print(
        f"all {rows:,} rows loaded {marks['loaded'] - marks['launch']:.1f} s after launch; "
        f"ListJobs calls: {result['list_calls']} (all calls: {calls})"
    )
    print()

    first = marks["first_rows"] - marks["launch"]
    ok &= first <= FIRST_ROWS_TARGET_S
    print(
        f"1. first rows (launch -> first job rows painted): {_ms(first)} "
        f"(build_app {_ms(marks['built'] - marks['launch'])})  "
        f"(target <= {FIRST_ROWS_TARGET_S:.0f} s) -> {_verdict(first <= FIRST_ROWS_TARGET_S)}"
    )

    down = result.get("down_ms")
    if down:
        median, p90 = statistics.median(down), _p90(down)
        ok &= bool(median <= KEY_TARGET_MS)
        up = result["up_ms"]
        print(
            f"2. key `j` at {rows:,} rows (action + render_line of all {SIZE[1]}-row screen's "
            f"visible lines), {len(down)} presses: median {median:.1f} ms, p90 {p90:.1f} ms, "
            f"max {max(down):.1f} ms; `k` median {statistics.median(up):.1f} ms  "
            f"(target <= {KEY_TARGET_MS:.0f} ms median) -> {_verdict(median <= KEY_TARGET_MS)}"
        )
    else:
        why = result.get("key_error", "the table has no such methods")
        print(f"2. key `j` (action + render_line): n/a ({why})")
    presses = result["pilot_press"]
    busy = [b for b, _ in presses]
    stall = [s for _, s in presses]
    print(
        f"   real key path, Pilot.press('j') x{len(presses)}, each followed by "
        f"{KEY_PATH_SETTLE_S} s (debounced detail load included): UI-thread busy per key "
        f"median {statistics.median(busy):.0f} ms, max {max(busy):.0f}; longest stall per key "
        f"median {statistics.median(stall):.0f} ms, max {max(stall):.0f}"
    )
    print(f"   (busy ms per key, in order: {' '.join(f'{b:.0f}' for b in busy)})")

    typed = result.get("filter_typed_ms")
    if typed:
        worst = max(typed)
        ok &= worst <= FILTER_TARGET_MS
        steps = " ".join(f"{NEEDLE[i]}:{ms:.0f}" for i, ms in enumerate(typed))
        gave_up = len(typed) < len(NEEDLE)
        print(
            f"3. filter keystroke at {rows:,} rows, typing {NEEDLE!r} (set_filter + repaint, "
            f"ms per key): {steps}{' (gave up: too slow)' if gave_up else ''}; max {worst:.0f} "
            f"ms, {result['filter_matches']:,} rows match  (target <= {FILTER_TARGET_MS:.0f} "
            f"ms) -> {_verdict(worst <= FILTER_TARGET_MS)}"
        )
        scratch = result.get("filter_scratch_ms")
        if scratch:
            print(
                "   from scratch: "
                + ", ".join(f"{c!r} {ms:.0f} ms" for c, ms in scratch.items())
                + f"; clear {result['filter_clear_ms']:.0f} ms"
            )
        else:
            print(f"   clear {result['filter_clear_ms']:.0f} ms")
    else:
        why = result.get("filter_error", "the table has no set_filter/render_line")
        print(f"3. filter keystroke: n/a ({why})")

    end = marks["loaded_painted"]
    # From the app's start: build_app's imports came before any UI existed.
    gaps = watch.gaps(marks["built"], end)
    frozen = [(when, gap) for when, gap in gaps if gap > FROZEN_S]
    worst_gap = max((gap for _, gap in gaps), default=0.0)
    ok &= not frozen
    print(
        f"4. UI frozen while the {rows:,} rows load (app start -> frame after the last page, "
        f"{end - marks['built']:.1f} s; a {TICK_S * 1000:.0f} ms asyncio tick): largest gap "
        f"{_ms(worst_gap)}, {len(frozen)} gaps > {FROZEN_S * 1000:.0f} ms  (target: never) -> "
        f"{_verdict(not frozen)}"
    )
    after = watch.gaps(marks["first_rows"], end)
    after_frozen = [gap for _, gap in after if gap > FROZEN_S]
    print(
        f"   after the first rows were painted: largest gap "
        f"{_ms(max((g for _, g in after), default=0.0))}, {len(after_frozen)} gaps > "
        f"{FROZEN_S * 1000:.0f} ms, {sum(after_frozen):.1f} s in them"
    )
    if frozen:
        top = sorted(frozen, key=lambda g: g[1], reverse=True)[:6]
        listed = ", ".join(
            f"{_ms(gap)} ending at +{when - marks['launch']:.2f} s" for when, gap in top
        )
        print(f"   longest: {listed}")
    print(
        f"   (first rows at +{first:.2f} s; last page merged at "
        f"+{marks['loaded'] - marks['launch']:.2f} s)"
    )
    if "refreshed" in marks:
        gaps = watch.gaps(marks["refresh"], marks["refreshed"])
        stalls = [gap for _, gap in gaps if gap > FROZEN_S]
        print(
            f"5. a refresh (`r`) of the same {rows:,} jobs (the list timer runs one every 15 s "
            f"by default): "
            f"{marks['refreshed'] - marks['refresh']:.1f} s, largest gap "
            f"{_ms(max((g for _, g in gaps), default=0.0))}, {len(stalls)} gaps > "
            f"{FROZEN_S * 1000:.0f} ms, {sum(stalls):.1f} s in them  (not a target; the same "
            f"'never' applies)"
        )
    else:
        print("5. a refresh of the same jobs: n/a (the screen has no action_refresh)")
    calls = ", ".join(f"{op} {n}" for op, n in sorted(result["calls_end"].items()))
    print(f"calls at the end (keys and filters included): {calls}")
    return ok


def main() -> int:
    started = time.perf_counter()
    emulator, server, url = seed()
    seeded_s = time.perf_counter() - started
    try:
        result = asyncio.run(run(url, emulator))
    finally:
        server.stop_thread()
    return 0 if report(result, seeded_s) else 1


if __name__ == "__main__":
    sys.exit(main())
