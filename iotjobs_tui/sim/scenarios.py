"""Named initial states for the emulator (`iotjobs-tui sim --scenario NAME`)."""

from __future__ import annotations

from collections.abc import Callable

from iotjobs_tui.sim.emulator import Emulator


def _empty(emulator: Emulator, seed: int) -> None:
    """No things, groups, jobs or templates (the managed templates always exist)."""
    emulator.rng.seed(seed)


_LOADERS: dict[str, Callable[[Emulator, int], None]] = {"empty": _empty}
SCENARIOS: tuple[str, ...] = tuple(_LOADERS)


def load(name: str, emulator: Emulator, seed: int) -> None:
    """Put scenario `name` into `emulator`; KeyError for an unknown name."""
    try:
        loader = _LOADERS[name]
    except KeyError:
        raise KeyError(f"unknown scenario {name!r} (known: {', '.join(SCENARIOS)})") from None
    with emulator.lock:
        loader(emulator, seed)
