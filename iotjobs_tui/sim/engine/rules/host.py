"""The rules' view of the emulator (abort, retries, timeouts, windows): the engine's, plus the
engine itself, which they drive. A module of its own because it names `JobEngine`."""

from __future__ import annotations

from typing import Protocol

from iotjobs_tui.sim.engine.host import EngineHost
from iotjobs_tui.sim.engine.job_engine import JobEngine


class RuleHost(EngineHost, Protocol):
    @property
    def engine(self) -> JobEngine: ...
