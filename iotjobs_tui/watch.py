"""`iotjobs-tui watch JOB_ID`: poll one job headless until it is done, for CI gates.

It uses the TUI's data layer (`AwsConnection`, `JobsApi.describe_job`, `TargetCounter`) and
none of its UI: no Textual, no Rich. One DescribeJob a poll, every `--interval` seconds (10
by default, never under 1: DescribeJob's ~10 TPS quota is shared with every other tool of
the account), and slower after throttling. The conditions themselves are in `aws.gate`.

stdout gets one line per change (nothing when nothing changed) and, last, a JSON summary;
with `--json` the change lines are JSON too. stderr gets the transient errors and the one
line of a permanent one. Exit codes: 0 done, 1 a gate failed (or the job was canceled, or
deleted), 2 misuse (argparse), 3 `--timeout`, 4 cannot watch (a permanent AWS error such as
AccessDenied or an unknown job), 130 Ctrl-C and 143 SIGTERM (both after the summary).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NoReturn

from iotjobs_tui.aws.api import JobsApi
from iotjobs_tui.aws.errors import AwsSetupError, explain, is_permanent
from iotjobs_tui.aws.gate import (
    ABORTED,
    DONE,
    EXIT_DONE,
    UNTIL_ABORTED,
    Gate,
    Until,
    Verdict,
    counts,
    finished_share,
    judge,
)
from iotjobs_tui.aws.models import Job
from iotjobs_tui.aws.session import AwsConnection, ConnectionSettings
from iotjobs_tui.aws.targets import TargetCounter
from iotjobs_tui.common.statuses import TargetSelection

PROG = "iotjobs-tui watch"
EXIT_TIMEOUT = 3
EXIT_CANNOT_WATCH = 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM

DEFAULT_INTERVAL = 10.0
# Backing off doubles the wait per throttled or failed poll, up to this (or the interval,
# if longer): slow enough to let a shared quota recover, quick enough to notice the end.
MAX_BACKOFF = 120.0
# A call in flight at --timeout gets this long to answer before the watch gives up on it.
DEADLINE_GRACE = 5.0

# (DescribeJob counter attribute, words), in the order a rollout is read: outcomes first.
COUNT_ORDER = (
    ("succeeded", "succeeded"),
    ("failed", "failed"),
    ("rejected", "rejected"),
    ("timed_out", "timed out"),
    ("removed", "removed"),
    ("canceled", "canceled"),
    ("in_progress", "in progress"),
    ("queued", "queued"),
)


@dataclass(frozen=True)
class WatchOptions:
    job_id: str
    until: Until = DONE
    gates: tuple[Gate, ...] = ()
    interval: float = DEFAULT_INTERVAL
    timeout: float | None = None
    json_lines: bool = False


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _out(line: str) -> None:
    # sys.stdout looked up per line (tests swap it); flushed so a CI log shows it at once.
    with contextlib.suppress(BrokenPipeError):  # `| head` closed the pipe: nothing to say
        print(line, file=sys.stdout, flush=True)


def _err(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


class _Permanent(Exception):
    """A failure no retry can fix; str() is the sentence."""


class Watcher:
    """One watch: its state is kept here so a Ctrl-C can still print the summary."""

    def __init__(
        self,
        settings: ConnectionSettings,
        options: WatchOptions,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.options = options
        self._clock = clock
        self._now = now
        self._started = clock()
        self._connection = AwsConnection(settings)
        self._api: JobsApi | None = None
        self.job: Job | None = None  # the last DescribeJob answer
        self.targets: int | None = None  # the rollout's size, for --until N%
        self._count_task: asyncio.Task[None] | None = None
        self._counted = asyncio.Event()
        self._seen: tuple[Any, ...] | None = None
        self._level = 0  # backoff: the wait is interval * 2**level
        self.polls = 0
        self.finished = False

    # --- the loop ---------------------------------------------------------------------------

    async def run(self) -> int:
        # A CI runner cancels a job with SIGTERM: end as Ctrl-C does, with the summary.
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        terminated = False

        def terminate() -> None:
            nonlocal terminated
            terminated = True
            if task is not None:
                task.cancel()

        handled = False
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGTERM, terminate)  # main thread only
            handled = True
        try:
            return await self._loop()
        except asyncio.CancelledError:
            if terminated:
                return self.finish(EXIT_TERMINATED, "terminated")
            raise
        finally:
            if handled:
                loop.remove_signal_handler(signal.SIGTERM)
            if self._count_task is not None:
                self._count_task.cancel()
            with contextlib.suppress(Exception):
                await self._connection.close()

    async def _loop(self) -> int:
        options = self.options
        deadline = None if options.timeout is None else self._started + options.timeout
        while True:
            try:
                job = await self._poll(deadline)
            except _Permanent as exc:
                _err(f"cannot watch job {options.job_id}: {exc}")
                return self.finish(EXIT_CANNOT_WATCH, f"cannot watch: {exc}")
            except Exception as exc:  # throttled after retries, 5xx, network: try again later
                self._level += 1
                wait = self._wait()
                _err(f"{_sentence(exc)} Next try in {wait:g} s.")
            else:
                self._observe(job)
                verdict = self._judge()
                if verdict is not None:
                    return self.finish(verdict.code, verdict.reason)
            if deadline is not None and self._clock() >= deadline:
                return self.finish(EXIT_TIMEOUT, f"timed out after {options.timeout:g} s")
            delay = self._wait()
            if deadline is not None:
                delay = min(delay, max(deadline - self._clock(), 0.0))
            wake_at = self._clock() + delay
            if await self._count_arrives(delay):
                verdict = self._judge()  # judge the last answer again, without a call
                if verdict is not None:
                    return self.finish(verdict.code, verdict.reason)
                await asyncio.sleep(max(wake_at - self._clock(), 0.0))

    async def _poll(self, deadline: float | None) -> Job:
        call = self._describe()
        if deadline is None:
            return await call
        remaining = max(deadline - self._clock(), 0.0) + DEADLINE_GRACE
        try:
            return await asyncio.wait_for(call, remaining)
        except TimeoutError:
            raise TimeoutError("DescribeJob did not answer before --timeout.") from None

    async def _describe(self) -> Job:
        try:
            if self._api is None:
                self._api = JobsApi(await self._connection.open())
            api = self._api
            before = api.stats.throttled
            job = await api.describe_job(self.options.job_id)
        except AwsSetupError as exc:
            raise _Permanent(str(exc)) from exc
        except Exception as exc:
            if is_permanent(exc) or _is_param_error(exc):
                raise _Permanent(explain(exc)) from exc
            raise
        self.polls += 1
        # botocore retried a throttled call and it went through: slow down all the same.
        throttled = api.stats.throttled - before
        if throttled:
            self._level += 1
            _err(f"AWS throttled {throttled} DescribeJob call(s); next poll in {self._wait():g} s.")
        else:
            self._level = 0
        self._start_count(api, job)
        return job

    def _wait(self) -> float:
        interval = self.options.interval
        return min(interval * 2.0**self._level, max(interval, MAX_BACKOFF))

    async def _count_arrives(self, seconds: float) -> bool:
        """Sleep `seconds`, or less when the target count arrives meanwhile (then True)."""
        if self._count_task is None or self._counted.is_set():
            await asyncio.sleep(seconds)
            return False
        try:
            await asyncio.wait_for(self._counted.wait(), seconds)
        except TimeoutError:
            return False
        return self.job is not None

    def _judge(self) -> Verdict | None:
        if self.job is None:
            return None
        options = self.options
        return judge(options.until, options.gates, self.job, self._targets_for_until())

    def _targets_for_until(self) -> int | None:
        """The rollout's size for `--until N%` (None while counting; 0 when unknowable)."""
        return self.targets if self._counted.is_set() else None

    # --- the rollout's size, for --until N% -------------------------------------------------

    def _start_count(self, api: JobsApi, job: Job) -> None:
        if self.options.until.kind != "percent" or self._count_task is not None:
            return
        self._count_task = asyncio.create_task(self._count(api, job))

    async def _count(self, api: JobsApi, job: Job) -> None:
        """Count the job's targets once, at the TUI's pace (`aws.targets`)."""
        try:
            if not job.targets:
                self.targets = 0
                return
            counted = await TargetCounter().count(
                api, job.targets, continuous=job.target_selection == TargetSelection.CONTINUOUS
            )
            self.targets = counted.things
            for error in counted.errors:
                _err(f"{error} --until counts the executions so far instead of that group.")
        except Exception as exc:  # the count is a refinement: fall back to the executions
            self.targets = 0
            _err(f"the targets could not be counted ({_sentence(exc)}) --until uses executions.")
        finally:
            self._counted.set()

    # --- output -----------------------------------------------------------------------------

    def _observe(self, job: Job) -> None:
        """Print a line when the status, a counter or the reason moved."""
        self.job = job
        details = counts(job)
        key = (job.status, job.reason_code, *(details.count(attr) for attr, _ in COUNT_ORDER))
        if key == self._seen:
            return
        self._seen = key
        at = _utc(self._now())
        finished = self._finished()
        if self.options.json_lines:
            line = {
                "event": "change",
                "time": at,
                "job_id": job.job_id,
                "status": job.status,
                "reason_code": job.reason_code,
                "executions": _counts(job),
                "finished_percent": finished,
            }
            _out(json.dumps(line))
            return
        words = ", ".join(f"{details.count(attr)} {label}" for attr, label in COUNT_ORDER)
        reason = f" ({job.reason_code})" if job.reason_code else ""
        if finished is not None:
            words += f" · {finished:.1f}% of the rollout finished"
        _out(f"{at} {job.status}{reason} executions: {words}")

    def _finished(self) -> float | None:
        """The share of the rollout finished, once its targets are counted (--until N%)."""
        if self.job is None or self._targets_for_until() is None:
            return None
        return round(finished_share(self.job, self.targets), 1)

    def finish(self, code: int, reason: str) -> int:
        """Print the JSON summary (once) and return the exit code."""
        if self.finished:
            return code
        self.finished = True
        job = self.job
        api = self._api
        summary: dict[str, Any] = {
            "event": "summary",
            "job_id": self.options.job_id,
            "status": None if job is None else job.status,
            "exit_code": code,
            "ok": code == EXIT_DONE,
            "reason": reason,
            "reason_code": None if job is None else job.reason_code,
            "comment": None if job is None else job.comment,
            "executions": None if job is None else _counts(job),
            "finished_percent": self._finished(),
            "targets": self.targets,
            "until": str(self.options.until),
            "fail_on": [str(gate) for gate in self.options.gates],
            "elapsed_seconds": round(self._clock() - self._started, 1),
            "polls": self.polls,
            "calls": 0 if api is None else api.stats.total,
            "throttled": 0 if api is None else api.stats.throttled,
        }
        _out(json.dumps(summary))
        return code


def _counts(job: Job) -> dict[str, int]:
    details = counts(job)
    values = {attr: details.count(attr) for attr, _ in COUNT_ORDER}
    values["total"] = details.total
    return values


def _sentence(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError) and str(exc):
        return str(exc)
    return explain(exc)


def _is_param_error(exc: BaseException) -> bool:
    """botocore refused the request before sending it: sending it again cannot help."""
    return type(exc).__name__ == "ParamValidationError"


def _misuse(message: str) -> NoReturn:
    """As argparse's one line (the subcommand's, not the TUI's prefix), and exit code 2."""
    print(f"{PROG}: error: {message} (see --help)", file=sys.stderr, flush=True)
    raise SystemExit(2)


def main(args: argparse.Namespace, error: Callable[[str], NoReturn] = _misuse) -> int:
    """`iotjobs-tui watch`, from the parsed command line; `error` is misuse (exit 2)."""
    demo = bool(getattr(args, "demo", False))
    if not demo and (args.speed is not None or args.seed is not None):
        error("--speed and --seed only apply to --demo")
    if demo and (args.endpoint_url or args.profile):
        error("--demo runs against the built-in emulator; drop --endpoint-url/--profile")
    if args.until.kind == UNTIL_ABORTED and any(gate.kind == ABORTED for gate in args.fail_on):
        error("--fail-on aborted contradicts --until aborted")
    options = WatchOptions(
        job_id=args.job_id,
        until=args.until,
        gates=args.fail_on,
        interval=args.interval,
        timeout=args.timeout,
        json_lines=args.json,
    )
    # Without the TUI's log file, a warning from the AWS layer would reach Python's
    # last-resort handler and add a line to stderr; the lines here already say it.
    app_logger = logging.getLogger("iotjobs_tui")
    if not app_logger.handlers:
        app_logger.addHandler(logging.NullHandler())
    if not demo:
        settings = ConnectionSettings(
            profile=args.profile, region=args.region, endpoint_url=args.endpoint_url
        )
        return run(settings, options)
    from iotjobs_tui.demo import demo_settings, start_demo  # the emulator, no Textual

    speed = 1.0 if args.speed is None else args.speed
    _emulator, server, url = start_demo(1 if args.seed is None else args.seed, speed)
    try:
        return run(demo_settings(url), options)
    finally:
        server.stop_thread()


def run(settings: ConnectionSettings, options: WatchOptions) -> int:
    """Watch until a verdict; Ctrl-C ends it with the summary and exit code 130."""
    watcher = Watcher(settings, options)
    try:
        return asyncio.run(watcher.run())
    except KeyboardInterrupt:
        # asyncio.run cancelled the loop's task (closing the connection) before raising this.
        return watcher.finish(EXIT_INTERRUPTED, "interrupted")
