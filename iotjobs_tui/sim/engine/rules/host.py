"""The emulator as the rules' outside callers see it: the engine's neighbours' view plus the
engine itself (the device plane, through `devices/host.py`, calls `timeouts.set_step_timer`
with it). A module of its own because it names `JobEngine`. The rules themselves get the
engine as an argument of each hook."""

from __future__ import annotations

from typing import Protocol

from iotjobs_tui.sim.engine.host import EngineHost
from iotjobs_tui.sim.engine.job_engine import JobEngine


class RuleHost(EngineHost, Protocol):
    @property
    def engine(self) -> JobEngine: ...
