"""The randomness of simulated devices: a small reproducible stream per device and per run.

A device holds no `random.Random` (too heavy at fleet scale): each run draws from a SplitMix64
stream seeded from (seed, region, thing, job, executionNumber), so a seed replays exactly.
"""

from __future__ import annotations

import zlib

_MASK = (1 << 64) - 1


class Draws:
    """A SplitMix64 stream: tiny, fast, and reproducible from a 64-bit seed."""

    __slots__ = ("state",)

    def __init__(self, seed: int) -> None:
        self.state = seed & _MASK

    def random(self) -> float:
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return ((z ^ (z >> 31)) >> 11) / float(1 << 53)

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.random()

    def choice(self, options: tuple[str, ...]) -> str:
        return options[min(int(self.random() * len(options)), len(options) - 1)]


def run_seed(seed: int, region: str, thing: str, job: str, number: object) -> int:
    """The seed of one stream: a device's own (reaction delays, polls) or one run's plan."""
    text = f"{seed}\x1f{region}\x1f{thing}\x1f{job}\x1f{number}".encode()
    return (zlib.crc32(text) << 32) | zlib.adler32(text)
