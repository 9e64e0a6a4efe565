"""A lost terminal ends the app: SIGHUP, or a closed pseudo-terminal, with nothing left behind.

The app runs as a user starts it, `python -m iotjobs_tui`, on the slave side of a pty, against
a closed endpoint (no AWS, no helper process, no cache). The test plays the terminal emulator:
it reads the master side until the frame is painted, then hangs up.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals only")

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1"]
ARGS += ["--no-prefetch", "--no-cache"]
# Runs in the child after setsid (start_new_session): make the pty its controlling terminal,
# as a terminal emulator or sshd does, then become the app (same pid).
CONTROLLING = (
    "import fcntl, os, sys, termios\n"
    "fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
    "os.execv(sys.executable, [sys.executable, '-m', 'iotjobs_tui', *sys.argv[1:]])\n"
)
PAINT_TIMEOUT = 20.0  # two shared cores: the first frame takes ~0.5 s when idle
EXIT_TIMEOUT = 5.0


class Terminal:
    """A pseudo-terminal with the app on its slave side; a thread drains the master side."""

    def __init__(self, tmp_path: Path, controlling: bool) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("AWS_") and key not in ("NO_COLOR", "TEXTUAL")
        }
        env.update(
            TERM="xterm-256color",
            AWS_ACCESS_KEY_ID="AKIDTERMINALTEST",
            AWS_SECRET_ACCESS_KEY="not-a-secret",
            AWS_CONFIG_FILE=str(tmp_path / "no-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
            AWS_EC2_METADATA_DISABLED="true",
            XDG_CACHE_HOME=str(tmp_path / "cache"),
        )
        if controlling:
            command = [sys.executable, "-c", CONTROLLING, *ARGS]
        else:  # the pty is its stdin/stdout/stderr, but the session has no controlling tty
            command = [sys.executable, "-m", "iotjobs_tui", *ARGS]
        try:
            self.process = subprocess.Popen(
                command,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                start_new_session=True,
                cwd=ROOT,
                env=env,
            )
        finally:
            os.close(slave)
        self.output = bytearray()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._master_open = True
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        # Keep reading: an app writing to a full pty would block and never exit.
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: every slave fd is closed, the app is gone
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk

    def wait_painted(self) -> None:
        deadline = time.monotonic() + PAINT_TIMEOUT
        while time.monotonic() < deadline:
            with self._lock:
                if b"Jobs" in self.output:  # the job list's border title
                    return
            if self.process.poll() is not None:
                raise AssertionError(f"the app ended before painting: {self.text()[-2000:]}")
            time.sleep(0.05)
        raise AssertionError(f"no frame within {PAINT_TIMEOUT} s: {self.text()[-2000:]}")

    def text(self) -> str:
        with self._lock:
            return self.output.decode(errors="replace")

    def read_to_end(self) -> str:
        """Everything the app wrote, once it has closed its side (the reader then ends)."""
        self._reader.join(timeout=5)
        return self.text()

    def hang_up(self) -> None:
        """Close the terminal's side, as a closed window or a dropped SSH connection does."""
        self._stop.set()
        self._reader.join()
        if self._master_open:
            self._master_open = False
            os.close(self.master)

    def wait_exit(self) -> int:
        """The exit code, once the app has ended by itself: SIGHUP's default action (killed,
        a negative code) would leave the terminal in raw mode on the alternate screen."""
        try:
            code = self.process.wait(EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the app still runs {EXIT_TIMEOUT} s later") from None
        assert code >= 0, f"killed by signal {-code}, not ended by the app"
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.hang_up()
        assert_group_gone(self.process.pid)


def assert_group_gone(pid: int) -> None:
    """start_new_session: the app led its own process group; nothing in it may be left."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.killpg(pid, signal.SIGKILL)
    raise AssertionError(f"processes of group {pid} outlived the app")


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    try:
        yield opened
    finally:
        for terminal in opened:
            terminal.close()


def start(terminals: list[Terminal], tmp_path: Path, controlling: bool = True) -> Terminal:
    terminal = Terminal(tmp_path, controlling)
    terminals.append(terminal)
    terminal.wait_painted()
    return terminal


def test_sighup_ends_the_app(terminals: list[Terminal], tmp_path: Path) -> None:
    terminal = start(terminals, tmp_path)
    terminal.process.send_signal(signal.SIGHUP)
    terminal.wait_exit()
    assert "\x1b[?1049l" in terminal.read_to_end()  # it left the alternate screen
    terminal.close()  # asserts no process of its group is left


def test_closed_terminal_ends_the_app(terminals: list[Terminal], tmp_path: Path) -> None:
    """The kernel hangs up the controlling terminal: SIGHUP to the app, as session leader."""
    terminal = start(terminals, tmp_path)
    terminal.hang_up()
    terminal.wait_exit()
    terminal.close()


def test_closed_terminal_without_sighup_ends_the_app(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    """No SIGHUP arrives (the kernel sends it to the session leader only: under `make demo`
    in a killed tmux pane, to make); here the pty is not the session's controlling terminal
    at all. The once-a-second check sees the hung-up tty answer EIO. Before the hang-up the
    app keeps running: a tty that is only not the controlling one (ENOTTY) is still there."""
    terminal = start(terminals, tmp_path, controlling=False)
    time.sleep(2.5)  # two checks
    assert terminal.process.poll() is None, terminal.text()[-2000:]
    terminal.hang_up()
    terminal.wait_exit()
    terminal.close()
