"""The fault matrix (issue 14, item 2): one emulator fault on one screen, run and measured.

Shared by tests/ui/test_fault_matrix.py (asserts, frozen display clock) and bench/faults.py
(real time, prints the figures). A cell:

1. opens the screen on a small fleet and waits for the first good answer of the loops the
   fault targets (the "affected" loops);
2. switches the fault on for the screen's main operation(s), through `/_sim/faults` as a user
   would (or `SimServer.set_outage`);
3. measures the time until an affected pane is marked failed (stale), then presses `p` twice
   while the fault is on and measures how long each key took to be handled;
4. for a permanent error: every affected loop stops, says what to do, and makes no call over
   two intervals; then the fault ends and `r` recovers;
   otherwise: the fault ends and the loop recovers on its own, by its announced next try;
5. checks toasts: none twice, each error one line, with the AWS code when it was an AWS error.

`Cell.check()` raises AssertionError with every expectation that did not hold.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from iotjobs_tui.sim.server import SimServer
from iotjobs_tui.ui.app import IotJobsApp
from iotjobs_tui.ui.refresh import RefreshLoop

PERMANENT, TRANSIENT, MUTATION, SLOW = "permanent", "transient", "mutation", "slow"

# A key must be answered while a fault is on: within this bound, generous on purpose (a
# loaded CI machine took 0.8 s once). How fast is a figure, printed by bench/faults.py.
KEY_BOUND = 3.0
# What a fetch may take on top of the schedule (2 shared cores, a botocore round trip).
SLACK = 1.5


@dataclass(frozen=True)
class Fault:
    name: str
    rule: dict[str, Any] | None  # a fault rule without `operations`; None: an outage
    kind: str
    code: str | None = None  # the AWS error code the sentence must carry
    remedy: tuple[str, ...] = ()  # words of "what to do" (permanent errors)


FAULTS = (
    Fault(
        "AccessDenied",
        {"fault": "error", "code": "AccessDeniedException"},
        PERMANENT,
        "AccessDeniedException",
        ("Check the IAM policy allows iot:",),
    ),
    Fault(
        "ExpiredToken",
        {"fault": "error", "code": "ExpiredTokenException"},
        PERMANENT,
        "ExpiredTokenException",
        ("Refresh your credentials",),
    ),
    Fault(
        "ResourceNotFound",
        {"fault": "error", "code": "ResourceNotFoundException"},
        PERMANENT,
        "ResourceNotFoundException",
        ("may have been deleted", "change the server filter"),
    ),
    Fault("unknown-enum", {"fault": "unknown-enum", "member": "status"}, MUTATION),
    Fault("drop-member", {"fault": "drop-member", "member": "status"}, MUTATION),
    Fault("wrong-type", {"fault": "wrong-type", "member": "status"}, MUTATION),
    Fault("reset", {"fault": "reset"}, TRANSIENT),
    Fault("truncate", {"fault": "truncate"}, TRANSIENT),
    Fault("html-502", {"fault": "html", "status": 502}, TRANSIENT),
    Fault("drip", {"fault": "drip", "chunk_bytes": 32, "pause_ms": 30}, SLOW),
    Fault("outage", None, TRANSIENT),
    Fault(
        "throttle-50%",
        {"fault": "error", "code": "ThrottlingException", "share": 0.5},
        TRANSIENT,
        "ThrottlingException",
    ),
)


@dataclass(frozen=True)
class Screen:
    name: str
    operations: tuple[str, ...]  # the screen's main operations: what the fault is scoped to
    loops: tuple[str, ...]  # the loops those operations feed


SCREENS = (
    Screen("main", ("ListJobs", "DescribeJob"), ("list", "job")),
    Screen("executions", ("ListJobExecutionsForJob",), ("executions",)),
    Screen("execution", ("iot:DescribeJobExecution",), ("execution",)),
)
JOB, GROUP, THING = "fw", "fleet", "fleet-000"


def seed(iot: Any) -> None:
    """Three things and one job: every execution QUEUED, so no loop is ever final."""
    arn = iot.create_thing_group(thingGroupName=GROUP)["thingGroupArn"]
    for i in range(3):
        iot.create_thing(thingName=f"{GROUP}-{i:03d}")
        iot.add_thing_to_thing_group(thingGroupName=GROUP, thingName=f"{GROUP}-{i:03d}")
    iot.create_job(jobId=JOB, targets=[arn], document='{"op": "reboot"}', description="d")


def app_options(screen: Screen) -> dict[str, Any]:
    """ViewOptions for the cell: 1 s intervals (the floor), the execution opened by name."""
    options: dict[str, Any] = {
        "detail_interval": 1.0,
        "list_interval": 1.0,
        "executions_page_pause": 0,
    }
    if screen.name == "execution":
        options.update(job_id=JOB, thing_name=THING)
    return options


def set_rules(url: str, **rules: Any) -> None:
    request = urllib.request.Request(
        f"{url}/_sim/faults", data=json.dumps({"rules": rules}).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def scoped(fault: Fault, screen: Screen) -> dict[str, Any]:
    assert fault.rule is not None
    return {**fault.rule, "operations": list(screen.operations)}


async def until(
    predicate: Callable[[], bool], timeout: float, what: str, step: float = 0.01
) -> float:
    """Wait (letting the app run) until `predicate()` holds: seconds taken."""
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > timeout:
            raise AssertionError(f"{what}: not within {timeout:.1f}s")
        await asyncio.sleep(step)
    return time.perf_counter() - start


@dataclass
class Cell:
    fault: Fault
    screen: Screen
    app: IotJobsApp
    server: SimServer
    interval: float = 1.0
    stale_s: float | None = None
    recover_s: float | None = None
    keys_ms: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    # --- what the screen shows ----------------------------------------------------------------

    def loops(self) -> list[RefreshLoop]:
        screen: Any = self.app.screen
        found = [loop for loop in screen.loops if loop.name in self.screen.loops]
        assert len(found) == len(self.screen.loops), [loop.name for loop in screen.loops]
        return found

    def healthy(self) -> bool:
        return all(
            loop.policy.last_success is not None
            and loop.policy.failures == 0
            and loop.stopped is None
            for loop in self.loops()
        )

    def calls(self) -> int:
        return sum(
            self.server.stats.count("iot", op.split(":")[-1]) for op in self.screen.operations
        )

    def alive(self) -> None:
        assert self.app.is_running, "the app ended"
        assert self.app._exception is None, f"the app raised {self.app._exception!r}"

    # --- the fault ----------------------------------------------------------------------------

    def fault_on(self) -> None:
        if self.fault.rule is None:
            self.server.set_outage(math.inf)
        else:
            set_rules(self.server.base_url, cell=scoped(self.fault, self.screen))

    def fault_off(self) -> None:
        if self.fault.rule is None:
            self.server.set_outage(None)
        else:
            set_rules(self.server.base_url, cell=None)

    async def key(self, key: str, handled: Callable[[], bool], pilot: Any) -> None:
        start = time.perf_counter()
        await pilot.press(key)
        await until(handled, 5.0, f"`{key}` handled")
        self.keys_ms.append((time.perf_counter() - start) * 1000)

    async def press_p_twice(self, pilot: Any) -> None:
        screen: Any = self.app.screen
        await self.key("p", lambda: all(loop.paused for loop in screen.loops), pilot)
        await self.key("p", lambda: not any(loop.paused for loop in screen.loops), pilot)

    # --- the run ------------------------------------------------------------------------------

    async def run(self, pilot: Any) -> None:
        await until(self.healthy, 20.0, "first answer before the fault")
        for loop in self.loops():  # the floor: sane_interval keeps user input >= 1 s
            loop.policy.interval = self.interval
        self.fault_on()
        started = time.perf_counter()
        try:
            await self._during(pilot, started)
        finally:
            self.fault_off()
        ended = time.perf_counter()
        await self._after(pilot, ended)
        self.alive()
        self._check_toasts()

    def failed(self) -> bool:
        return any(loop.policy.failures > 0 or loop.stopped for loop in self.loops())

    async def _during(self, pilot: Any, started: float) -> None:
        kind = self.fault.kind
        if kind in (PERMANENT, TRANSIENT):
            # Within one interval (plus the fetch); 50 % throttling may need a few draws.
            draws = 6 if self.fault.name.startswith("throttle") else 1
            await until(self.failed, draws * self.interval + SLACK, "pane marked failed")
            self.stale_s = time.perf_counter() - started
            for loop in self.loops():
                if loop.policy.failures:
                    assert loop.state().stale, f"{loop.name}: failed but not shown stale"
        else:
            # Mutations and a slow drip: the app must go on; a failure is allowed, not required.
            fetched = {loop.name: loop.generation for loop in self.loops()}
            await until(
                lambda: all(
                    loop.generation > fetched[loop.name] and not loop.busy for loop in self.loops()
                ),
                2 * self.interval + 10.0,
                "a fetch under the fault",
            )
            if self.failed():
                self.stale_s = time.perf_counter() - started
            self.notes.append("failed" if self.failed() else "accepted")
        self.alive()
        if kind == SLOW:  # press while a dripping answer is in flight
            await until(lambda: any(loop.busy for loop in self.loops()), 5.0, "a drip in flight")
        await self.press_p_twice(pilot)
        if kind == PERMANENT:
            await self._stops()

    async def _stops(self) -> None:
        await until(
            lambda: all(loop.stopped for loop in self.loops()),
            2 * self.interval + SLACK,
            "every affected loop stopped",
        )
        for loop in self.loops():
            sentence = loop.stopped or ""
            assert "\n" not in sentence, sentence
            assert self.fault.code and self.fault.code in sentence, sentence
            assert any(words in sentence for words in self.fault.remedy), (
                f"{loop.name} does not say what to do: {sentence!r}"
            )
            assert not loop.state().backing_off and loop.state().next_in is None
        before = self.calls()
        await asyncio.sleep(2 * self.interval)
        assert self.calls() == before, "a stopped loop kept calling"

    async def _after(self, pilot: Any, ended: float) -> None:
        kind = self.fault.kind
        if kind == PERMANENT:
            await pilot.press("r")
            bound = self.interval + SLACK
        else:
            # The loop tries again when it said it would (backoff), then within one interval.
            delays = [loop.policy.next_delay() for loop in self.loops() if loop.policy.failures]
            bound = max(delays, default=0.0) + self.interval + SLACK
        await until(self.healthy, bound, "recovery after the fault ended")
        self.recover_s = time.perf_counter() - ended

    def _check_toasts(self) -> None:
        toasts = [(n.message, n.title) for n in self.app._notifications]
        duplicates = {t for t in toasts if toasts.count(t) > 1}
        assert not duplicates, f"duplicate toasts: {duplicates}"
        for message, _title in toasts:
            assert "\n" not in message and "Traceback" not in message, message
        errors = [
            m for m, t in toasts if t in ("Job list", "Job detail", "Executions", "Execution")
        ]
        if self.fault.code and self.fault.kind != PERMANENT:
            assert errors, "no toast for the error"
        if self.fault.code:
            for message in errors:
                assert self.fault.code in message, f"no {self.fault.code} in {message!r}"
        assert not [m for m, t in toasts if t == "Bug"], toasts

    @property
    def slowest_key_ms(self) -> float:
        return max(self.keys_ms, default=0.0)


async def open_screen(pilot: Any, app: IotJobsApp, screen: Screen) -> None:
    from iotjobs_tui.ui.screens.execution import ExecutionScreen
    from iotjobs_tui.ui.screens.executions import ExecutionsScreen
    from iotjobs_tui.ui.screens.main import MainScreen

    if screen.name == "execution":
        await until(lambda: isinstance(app.screen, ExecutionScreen), 20.0, "execution screen")
        return
    await until(lambda: isinstance(app.screen, MainScreen), 20.0, "main screen")
    main: Any = app.screen
    await until(lambda: main.table.row_count >= 1 and main.detail.job_id, 20.0, "job list")
    if screen.name == "executions":
        await pilot.press("e")
        await until(lambda: isinstance(app.screen, ExecutionsScreen), 20.0, "executions")
        executions: Any = app.screen
        await until(lambda: executions.loading_done, 20.0, "executions loaded")
