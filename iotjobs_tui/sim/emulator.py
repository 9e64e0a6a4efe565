"""The emulator's state and engine: one instance serves every region and both planes.

Every request and every time-driven step runs under `lock`, so the HTTP server thread, a test
thread stepping the clock, and simulated devices never see half-applied changes.
"""

from __future__ import annotations

import random
import threading
import uuid

from iotjobs_tui.sim.devices.simulated import DeviceSimulation
from iotjobs_tui.sim.emulator_config import DEFAULT_ACCOUNT_ID as DEFAULT_ACCOUNT_ID
from iotjobs_tui.sim.emulator_config import EmulatorConfig as EmulatorConfig
from iotjobs_tui.sim.engine.clock import VirtualClock
from iotjobs_tui.sim.engine.event_heap import Scheduler
from iotjobs_tui.sim.engine.job_engine import JobEngine, Rule
from iotjobs_tui.sim.engine.rules.abort import AbortRule
from iotjobs_tui.sim.engine.rules.retries import RetryRule
from iotjobs_tui.sim.engine.rules.timeouts import TimeoutRule
from iotjobs_tui.sim.engine.rules.windows import WindowRule
from iotjobs_tui.sim.engine.state import RegionState


class Emulator:
    def __init__(self, clock: VirtualClock | None = None, config: EmulatorConfig | None = None):
        self.clock = clock or VirtualClock()
        self.config = config or EmulatorConfig()
        self.lock = threading.RLock()
        self.rng = random.Random(self.config.seed)
        self.scheduler = Scheduler()
        self.regions: dict[str, RegionState] = {}
        # A stand-in for S3: documentSource URL -> document text, read at CreateJob time.
        self.s3_objects: dict[str, str] = {}
        # Root of URLs handed to devices (presigned placeholders) when no request supplies one.
        self.base_url = "http://127.0.0.1"
        # Set by `devices.simulated.install()`: the emulator owns its device simulation.
        self.device_simulation: DeviceSimulation | None = None
        # The engine's rules, in the order it applies them to every execution change. The
        # order is behaviour: abort runs before retries, so a failure that tips an abort
        # criterion cancels the job first and, retries being made only for a running job, gets
        # no retry (documented: an aborted job attempts no queued retries). Timeouts then arm
        # or clear the timer of the execution that changed, which the others do not read;
        # windows only plans a job's schedule when it is registered. Observers
        # (`engine.execution_listeners`: the simulated devices) see each change after every
        # rule, and a change a rule makes is delivered after the current one, never nested.
        rules: tuple[Rule, ...] = (AbortRule(), RetryRule(), TimeoutRule(), WindowRule())
        self.engine = JobEngine(self.config, self.scheduler, rules, self.clock)

    def region(self, name: str) -> RegionState:
        state = self.regions.get(name)
        if state is None:
            state = self.regions[name] = RegionState(name, self.config.account_id)
        return state

    def now(self) -> float:
        return self.clock.now()

    def advance(self, limit: int | None = None) -> int:
        """Run events due by the virtual clock (at most `limit`); cheap when nothing is due."""
        return self.scheduler.run_due(self.clock.now(), limit)

    def new_uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
