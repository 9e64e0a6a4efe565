"""The emulator's virtual clock: every timestamp and timer in the emulator reads it."""

from __future__ import annotations

import threading
import time


class VirtualClock:
    """Epoch seconds that run at `speed` times real time and can be stepped.

    speed 0 freezes the clock (tests step it with `advance`); speed 60 runs a minute per second.
    """

    def __init__(self, start: float | None = None, speed: float = 1.0) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self._lock = threading.Lock()
        self._base = time.time() if start is None else float(start)
        self._anchor = time.monotonic()
        self._speed = float(speed)

    def now(self) -> float:
        with self._lock:
            return self._base + (time.monotonic() - self._anchor) * self._speed

    @property
    def speed(self) -> float:
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        if value < 0:
            raise ValueError("speed must be >= 0")
        with self._lock:
            # Re-anchor so the change applies from now on and time never jumps.
            mono = time.monotonic()
            self._base += (mono - self._anchor) * self._speed
            self._anchor = mono
            self._speed = float(value)

    def advance(self, seconds: float) -> None:
        """Step the clock forward (never backward)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._base += seconds

    def set(self, epoch: float) -> None:
        """Move the clock to `epoch` if that is later than now."""
        with self._lock:
            current = self._base + (time.monotonic() - self._anchor) * self._speed
            if epoch > current:
                self._base += epoch - current

    def rebase(self, epoch: float) -> None:
        """Jump to `epoch`, backward or forward.

        Only for building a scenario's history before the server starts: a scenario rewinds,
        replays hours of rollouts, and arrives back at the present. Never call it while serving.
        """
        with self._lock:
            self._base = float(epoch)
            self._anchor = time.monotonic()
