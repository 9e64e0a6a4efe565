"""Importing this package registers every operation handler with `registry.HANDLERS`."""

from iotjobs_tui.sim.handlers import (
    device,
    endpoint,
    executions,
    jobs,
    registry_updates,
    templates,
    things,
)

__all__ = [
    "device",
    "endpoint",
    "executions",
    "jobs",
    "registry_updates",
    "templates",
    "things",
]
