"""Named initial states for the emulator (`iotjobs-tui sim --scenario NAME`).

Every scenario gets the simulated devices (`sim/devices.py`): a thing whose `simProfile`
attribute, or a group's, names a profile acts on its jobs by itself; other things wait for a
real device client.
"""

from __future__ import annotations

from collections.abc import Callable

from iotjobs_tui.sim.demo import lively as demo
from iotjobs_tui.sim.devices import simulated as devices
from iotjobs_tui.sim.emulator import Emulator


def _empty(emulator: Emulator, seed: int) -> None:
    """No things, groups, jobs or templates (the managed templates always exist)."""
    emulator.rng.seed(seed)


_LOADERS: dict[str, Callable[[Emulator, int], None]] = {"empty": _empty, "demo": demo.load}
SCENARIOS: tuple[str, ...] = tuple(_LOADERS)


def load(name: str, emulator: Emulator, seed: int) -> None:
    """Put scenario `name` into `emulator`; KeyError for an unknown name."""
    try:
        loader = _LOADERS[name]
    except KeyError:
        raise KeyError(f"unknown scenario {name!r} (known: {', '.join(SCENARIOS)})") from None
    with emulator.lock:
        devices.install(emulator, seed=seed)
        loader(emulator, seed)
