"""`--demo`'s emulator as a child process (`iotjobs-tui sim --scenario demo`). No Textual here.

It used to run in the app's process, on a thread. Its ~1M objects and its churn (a
100,000-thing rollout, 60x faster at `--speed 60`) then shared the UI's heap, collector and
GIL: full collections of 550-800 ms every few seconds, or, with the emulator's periodic
freezes, 100-250 ms every 2 s plus frozen garbage that grew the process by 28 % in a
30-minute soak (bench/soak.py). As a child it runs on another core with its own collector,
and the app reaches it over HTTP exactly as it reaches AWS.

The child ends when its standard input closes (`--until-stdin-closes`): when the app stops
it, and also when the app is killed, since the kernel closes the pipe then.
"""

from __future__ import annotations

import json
import selectors
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from typing import IO

# Python's start, the imports and the 100,000-meter fleet take 1-2 s on a quiet machine.
START_TIMEOUT = 60.0
_READY = "listening on "


class DemoStartError(RuntimeError):
    """The child did not come up; the message is one sentence for the user."""


class DemoProcess:
    """One child emulator serving the demo scenario on a free loopback port."""

    def __init__(self, seed: int, speed: float) -> None:
        self.seed, self.speed = seed, speed
        self.url: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        # The child's virtual clock, mirrored: its reading at `_anchor` (monotonic seconds,
        # which every process on the machine shares) and its speed.
        self._clock: tuple[float, float, float] | None = None
        self.pid: int | None = None

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "iotjobs_tui", "sim", "--scenario", "demo",
            "--seed", str(self.seed), "--speed", repr(self.speed), "--port", "0",
            # As the in-process demo always was: AWS's rates are the app's limiter's business.
            "--no-throttle", "--until-stdin-closes",
        ]  # fmt: skip

    def start(self) -> str:
        """Start the child and wait for its address (blocking: call it off the UI thread)."""
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop)
        process = subprocess.Popen(
            self.command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            start_new_session=True,  # the terminal's signals are the app's to handle
        )
        self._process, self.pid = process, process.pid
        assert process.stdout is not None
        line = _read_line(process.stdout, START_TIMEOUT)
        if not line.startswith(_READY):
            reason = self._why(line)
            self.stop()
            raise DemoStartError(reason)
        self.url = line[len(_READY) :].strip()
        # Anything the child prints later is drained, so a full pipe can never block it.
        threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
        self._sync_clock()
        return self.url

    def _sync_clock(self) -> None:
        assert self.url is not None
        before = time.monotonic()
        with urllib.request.urlopen(f"{self.url}/_sim/clock", timeout=10) as response:
            state = json.load(response)
        after = time.monotonic()
        self._clock = (float(state["now"]), (before + after) / 2, float(state["speed"]))

    def now(self) -> float:
        """The child's virtual clock (wall time until it runs). Set once at start: a clock
        changed later through `/_sim/clock` is not followed."""
        if self._clock is None:
            return time.time()
        base, anchor, speed = self._clock
        return base + (time.monotonic() - anchor) * speed

    def _why(self, line: str) -> str:
        process = self._process
        code = None
        if process is not None:
            try:  # its output ended: it is exiting, so its exit code is a moment away
                code = process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        detail = ""
        if self._stderr is not None:
            self._stderr.seek(0)
            lines = self._stderr.read().decode(errors="replace").strip().splitlines()
            detail = lines[-1] if lines else ""
        if code is None and not line:
            return f"it did not answer within {START_TIMEOUT:.0f} s"
        return detail or line.strip() or f"it exited with code {code}"

    def stop(self) -> None:
        """End the child: close its input, then terminate it if it lingers."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            try:
                process.stdin.close()
            except OSError:
                pass
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


def _read_line(stream: IO[bytes], timeout: float) -> str:
    """One line from the child's output, or "" at its end or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while b"\n" not in buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                return ""
            chunk = stream.read1(4096)  # type: ignore[attr-defined]
            if not chunk:
                break
            buffer += chunk
    return buffer.split(b"\n", 1)[0].decode(errors="replace")


def _drain(stream: IO[bytes]) -> None:
    try:
        while stream.read(65536):
            pass
    except (OSError, ValueError):  # closed at stop
        pass
