"""What a simulated device holds while it has work, and the simulation's counters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from iotjobs_tui.sim.devices.draws import Draws
from iotjobs_tui.sim.devices.profiles import Action, DeviceProfile

if TYPE_CHECKING:
    from iotjobs_tui.sim.engine.event_heap import Event


class Device:
    """A simulated thing with work to do (dropped when it is idle)."""

    __slots__ = (
        "draws",
        "event",
        "hung",
        "job_id",
        "number",
        "plan",
        "polling",
        "profile",
        "region",
        "thing",
    )

    def __init__(self, region: str, thing: str, draws: Draws) -> None:
        self.region = region
        self.thing = thing
        self.draws = draws
        self.event: Event | None = None
        self.job_id: str | None = None  # the execution being worked on, if any
        self.number = 0
        self.plan: list[Action] = []  # remaining actions, next one last
        self.hung = False
        self.polling = False  # waiting only for work hidden behind a SCHEDULED job
        self.profile: DeviceProfile | None = None  # the thing's own, as of the last wake

    def cancel_event(self) -> None:
        if self.event is not None:
            self.event.cancel()
            self.event = None


@dataclass
class DeviceStats:
    """Counters for benchmarks and tests."""

    actions: int = 0
    started: int = 0
    succeeded: int = 0
    failed: int = 0
    rejected: int = 0
    hung: int = 0
    offline: int = 0
    polls: int = 0
    errors: int = 0
    by_error: dict[str, int] = field(default_factory=dict)
