"""The one owner of alerts (issue 12), `app.alerts`: it feeds `aws.alerts`' evaluator and
delivers what fires. Off unless `--alerts` or the config's `[alerts] enabled = true`; off, it
evaluates nothing and sends nothing.

Who calls it: the App with each DescribeJob of the job the main screen shows (the watched job)
and, every few seconds, with the refresh loops of the screen on top (`check_stale`); a section
that counts stuck executions with `alerts_of(self).stuck_count(job_id, n)`.

Each alert is delivered three ways:

- to the terminal, at most once per `SIGNAL_DEBOUNCE` seconds: BEL (the default), or a desktop
  notification as OSC 9 (iTerm2, WezTerm) or OSC 777 (rxvt-unicode, foot, Ghostty, WezTerm,
  Fedora's VTE). Inside tmux (`$TMUX`) an OSC goes out in tmux's passthrough
  (`clipboard.tmux_passthrough`; tmux needs `set -g allow-passthrough on`); a BEL goes out
  plain, as tmux handles bells itself (`monitor-bell`, `bell-action`);
- as a toast;
- to the `--on-alert` command: its argv run without a shell, with the IOTJOBS_* variables
  added to the environment, stdin and stdout on /dev/null, in a session of its own, never
  awaited by the UI. A failure (cannot start, non-zero exit, still running after
  `HOOK_TIMEOUT` s: killed) is logged each time and toasted once.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from iotjobs_tui.aws.alerts import (
    ABORT_NEAR,
    ABORTED,
    COMPLETED,
    STALE,
    STUCK,
    Alert,
    AlertEvaluator,
    AlertSettings,
)
from iotjobs_tui.aws.models import Job
from iotjobs_tui.common import logs
from iotjobs_tui.ui.clipboard import tmux_passthrough, write_raw
from iotjobs_tui.ui.refresh import PaneState
from iotjobs_tui.ui.text import clean

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.notifications import SeverityLevel

SIGNAL_DEBOUNCE = 2.0  # seconds: alerts of one refresh ring once
HOOK_TIMEOUT = 60.0
OSC_TITLE = "iotjobs-tui"
_OSC_MAX = 240  # characters of the message in an OSC notification
_TITLES = {
    ABORT_NEAR: "Abort close",
    ABORTED: "Job aborted",
    COMPLETED: "Job completed",
    STUCK: "Executions stuck",
    STALE: "Data stale",
}
_SEVERITY: dict[str, SeverityLevel] = {
    ABORT_NEAR: "warning",
    ABORTED: "error",
    COMPLETED: "information",
    STUCK: "warning",
    STALE: "warning",
}
_log = logs.get("alerts")


def _osc_text(message: str) -> str:
    """One line with no control character (`clean` escapes them) and no `;`, which OSC 777
    readers split on; prefixed so an OSC 9 reader never takes it for a `9;N;` subcommand."""
    text = clean(f"{OSC_TITLE}: {message}").replace(";", ",")
    return text[:_OSC_MAX]


def signal_sequence(delivery: str, message: str, in_tmux: bool) -> str:
    """What to write to the terminal for one alert (pure, tested byte for byte)."""
    if delivery == "osc9":
        sequence = f"\x1b]9;{_osc_text(message)}\x07"
    elif delivery == "osc777":
        body = _osc_text(message).removeprefix(f"{OSC_TITLE}: ")
        sequence = f"\x1b]777;notify;{OSC_TITLE};{body}\x07"
    else:
        return "\x07"
    return tmux_passthrough(sequence) if in_tmux else sequence


def connection_age(panes: Iterable[PaneState]) -> float | None:
    """Seconds since the newest data of the live panes; 0 while any pane is fresh; None when
    there is nothing to judge (every pane paused, finished, fetching or never answered)."""
    ages: list[float] = []
    for pane in panes:
        if pane.paused or pane.final or pane.busy or pane.age is None:
            continue
        if not pane.stale:
            return 0.0
        ages.append(pane.age)
    return min(ages) if ages else None


class Alerts:
    def __init__(
        self,
        app: App[Any],
        settings: AlertSettings,
        *,
        environ: Mapping[str, str] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.settings = settings
        self.evaluator = AlertEvaluator(settings)
        self.environ = os.environ if environ is None else environ
        self.monotonic = monotonic
        self.watched: str | None = None  # the job of the last DescribeJob fed in
        self.history: deque[Alert] = deque(maxlen=100)
        self._signalled_at = -math.inf
        self._hook_failed = False

    @property
    def enabled(self) -> bool:
        return self.settings.enabled

    # --- what it is told ---------------------------------------------------------------------

    def job_described(self, job: Job) -> None:
        """A DescribeJob of the watched job."""
        if self.enabled:
            self.watched = job.job_id
            self.deliver(self.evaluator.job(job))

    def stuck_count(self, job_id: str, count: int) -> None:
        """The hook for a section that counts stuck executions of `job_id`."""
        if self.enabled:
            self.deliver(self.evaluator.stuck(job_id, count))

    def check_stale(self, panes: Iterable[PaneState]) -> None:
        """The refresh loops of the screen on top: is the data older than `stale_minutes`?"""
        if self.enabled:
            self.deliver(self.evaluator.staleness(connection_age(panes), self.watched))

    def forget(self) -> None:
        """Another region or profile: what was seen of its jobs says nothing of these."""
        self.evaluator = AlertEvaluator(self.settings)
        self.watched = None

    # --- delivery ----------------------------------------------------------------------------

    def deliver(self, alerts: list[Alert]) -> None:
        if not alerts:
            return
        now = self.monotonic()
        if now - self._signalled_at >= SIGNAL_DEBOUNCE:
            self._signalled_at = now
            in_tmux = bool(self.environ.get("TMUX"))
            write_raw(self.app, signal_sequence(self.settings.delivery, alerts[0].message, in_tmux))
        for alert in alerts:
            self.history.append(alert)
            _log.info("alert %s: %s", alert.event, alert.message)
            self.app.notify(
                clean(alert.message),
                title=f"Alert: {_TITLES.get(alert.event, alert.event)}",
                severity=_SEVERITY.get(alert.event, "warning"),
                timeout=30,
                markup=False,
            )
            if self.settings.on_alert:
                self.app.run_worker(self._run_hook(alert), group="alert-hook", exit_on_error=False)

    def hook_environment(self, alert: Alert) -> dict[str, str]:
        env = dict(self.environ)
        env.update({key: clean(value) for key, value in alert.environment().items()})
        return env

    async def _run_hook(self, alert: Alert) -> None:
        argv = self.settings.on_alert
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                env=self.hook_environment(alert),
                start_new_session=True,  # no terminal signals, no reading the terminal
            )
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self._hook_failure(alert, f"could not start {argv[0]!r}: {reason}")
            return
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), HOOK_TIMEOUT)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # its session's group: its children too
            await process.wait()
            self._hook_failure(alert, f"still running after {HOOK_TIMEOUT:g} s: killed")
            return
        if process.returncode != 0:
            said = (stderr or b"").decode("utf-8", "replace").strip().splitlines()
            detail = f": {said[-1][:200]}" if said else ""
            self._hook_failure(alert, f"exited with code {process.returncode}{detail}")
            return
        _log.info("alert hook ran for %s", alert.event)

    def _hook_failure(self, alert: Alert, problem: str) -> None:
        _log.warning("alert hook for %s failed: %s", alert.event, problem)
        if self._hook_failed:
            return  # said once; the log has every one
        self._hook_failed = True
        self.app.notify(
            clean(
                f"The --on-alert command failed ({problem}). Alerts go on; "
                "later failures are only logged."
            ),
            title="Alert hook",
            severity="error",
            markup=False,
        )


def alerts_of(node: DOMNode) -> Alerts | None:
    """The app's alert owner, from any widget or screen (None outside the app)."""
    alerts = getattr(node.app, "alerts", None)
    return alerts if isinstance(alerts, Alerts) else None
