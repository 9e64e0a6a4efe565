"""What the engine and its rules may use of the emulator that owns them, as protocols, so
they never import it (the emulator imports them: that was the sim/ package's import circle).
"""

from __future__ import annotations

from typing import Protocol

from iotjobs_tui.sim.emulator_config import EmulatorConfig
from iotjobs_tui.sim.engine.event_heap import Scheduler


class EngineHost(Protocol):
    """The job engine's view of the emulator: its switches and its event scheduler."""

    @property
    def config(self) -> EmulatorConfig: ...

    @property
    def scheduler(self) -> Scheduler: ...

    def now(self) -> float: ...
