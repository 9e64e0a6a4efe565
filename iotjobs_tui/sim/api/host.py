"""The handlers' view of the emulator, as a protocol: the API layer sits below the emulator
(the composition root builds it), so it names the emulator only through this."""

from __future__ import annotations

import random
from typing import Protocol

from iotjobs_tui.sim.devices.simulated import SimulationHost


class ApiHost(SimulationHost, Protocol):
    # A stand-in for S3: documentSource URL -> document text, read at CreateJob time.
    s3_objects: dict[str, str]
    rng: random.Random  # seeded by the `seed` switch

    def new_uuid(self) -> str: ...
