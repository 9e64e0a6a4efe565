"""What the layers above the engine may use of the emulator that owns them, as protocols, so
they never import it (the emulator imports them: that was the sim/ package's import circle).

The engine itself takes its parts as constructor arguments (`JobEngine(config, scheduler,
rules, clock)`); these protocols serve the rules' entry points that devices call and the
device plane (`devices/host.py` extends them).
"""

from __future__ import annotations

from typing import Protocol

from iotjobs_tui.sim.emulator_config import EmulatorConfig
from iotjobs_tui.sim.engine.event_heap import Scheduler


class Clock(Protocol):
    """Virtual epoch seconds (the emulator's `VirtualClock`)."""

    def now(self) -> float: ...


class EngineHost(Clock, Protocol):
    """The emulator as the engine's neighbours see it: its switches and its event scheduler."""

    @property
    def config(self) -> EmulatorConfig: ...

    @property
    def scheduler(self) -> Scheduler: ...
