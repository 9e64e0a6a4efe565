"""What GetThingConnectivityData answers: the simulated devices' offline spells.

A simulated device (`sim/devices.py`) goes offline before an action with its profile's
`offline_chance`, for a duration drawn from `offline_seconds`; each spell is recorded here, the
latest per thing. AWS indexes the MQTT connection whose client id is the thing name, so:

- a thing with a simulated device is connected (since its creation: it connected when it was
  provisioned) unless it is inside a spell, which reads `connected: false` with the spell's
  start and `MQTT_KEEP_ALIVE_TIMEOUT` (a device that drops off the network does not say
  goodbye; AWS notices after 1.5 keep-alives);
- a thing without one (driven by a test or a real client over HTTP, which is no MQTT
  connection) has never connected: `connected: false` and nothing else, as AWS documents for
  a device that never connected.
"""

from __future__ import annotations

from dataclasses import dataclass

# A device that vanishes from the network is noticed by its missing keep-alive pings.
DISCONNECT_REASON = "MQTT_KEEP_ALIVE_TIMEOUT"


@dataclass(frozen=True)
class Connectivity:
    connected: bool
    timestamp: float | None  # the last connect or disconnect; None: never connected
    disconnect_reason: str | None = None

    def as_output(self, thing_name: str) -> dict[str, object]:
        out: dict[str, object] = {"thingName": thing_name, "connected": self.connected}
        if self.timestamp is not None:
            out["timestamp"] = self.timestamp
        if self.disconnect_reason is not None:
            out["disconnectReason"] = self.disconnect_reason
        return out


NEVER_CONNECTED = Connectivity(False, None)


class OfflineSpells:
    """(region, thing) -> (went offline at, back at): each device's latest spell only."""

    def __init__(self) -> None:
        self._spells: dict[tuple[str, str], tuple[float, float]] = {}

    def record(self, region: str, thing: str, start: float, end: float) -> None:
        self._spells[(region, thing)] = (start, end)

    def status(self, region: str, thing: str, now: float, online_since: float) -> Connectivity:
        """The device's connectivity at `now`; `online_since` when it never went offline."""
        spell = self._spells.get((region, thing))
        if spell is None or now < spell[0]:
            return Connectivity(True, online_since)
        start, end = spell
        if now < end:
            return Connectivity(False, start, DISCONNECT_REASON)
        return Connectivity(True, end)
