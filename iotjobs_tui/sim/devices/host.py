"""The device plane's view of the emulator, as a protocol, so devices never import the emulator
that owns them (the emulator, the composition root, imports them)."""

from __future__ import annotations

from typing import Protocol

from iotjobs_tui.sim.engine.rules.host import RuleHost
from iotjobs_tui.sim.engine.state import RegionState


class PlaneHost(RuleHost, Protocol):
    """What `devices/plane.py` uses: the engine and its switches, regions, and the URL root
    handed to devices in presigned-URL placeholders."""

    base_url: str

    def region(self, name: str) -> RegionState: ...
