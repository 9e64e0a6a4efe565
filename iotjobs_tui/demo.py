"""The built-in emulator's demo fleet, started in this process and served on a free port:
for `watch --demo`, the screenshots and the tests, which step its clock. The TUI's `--demo`
runs the same scenario as a child process instead (`demo_process`). No Textual here."""

from __future__ import annotations

from typing import Any

from iotjobs_tui.common import gc_pause

DEMO_REGION = "us-east-1"
# Fixed dummy keys: the emulator accepts any signature, and real credentials must never be
# sent to it (nor picked up from the environment by accident).
DEMO_ACCESS_KEY = "AKIAIOTJOBSTUIDEMO00"
DEMO_SECRET_KEY = "iotjobs-tui-demo-secret-key-not-a-real-one"


def start_demo(seed: int, speed: float, start: float | None = None) -> tuple[Any, Any, str]:
    """(emulator, server, base_url) with the demo scenario loaded, served on a free port."""
    from iotjobs_tui.sim.demo import scenarios
    from iotjobs_tui.sim.emulator import Emulator
    from iotjobs_tui.sim.engine.clock import VirtualClock
    from iotjobs_tui.sim.server import SimServer

    emulator = Emulator(VirtualClock(start=start, speed=speed))
    scenarios.load("demo", emulator, seed)
    # The fleet's ~100k long-lived objects would otherwise be re-scanned by every full
    # collection: 100-200 ms pauses, on the UI's thread too where one runs in this process.
    gc_pause.freeze_long_lived()
    server = SimServer(emulator)
    url = server.start_in_thread(host="127.0.0.1", port=0)
    return emulator, server, url


def demo_settings(url: str) -> Any:
    from iotjobs_tui.aws.session import ConnectionSettings

    return ConnectionSettings(
        region=DEMO_REGION,
        endpoint_url=url,
        access_key_id=DEMO_ACCESS_KEY,
        secret_access_key=DEMO_SECRET_KEY,
        demo=True,
    )
