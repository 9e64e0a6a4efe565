"""The emulator's operation handlers, joined explicitly into one table by `collect()`."""

from iotjobs_tui.sim.api.handlers import (
    device,
    dynamic_groups,
    endpoint,
    executions,
    fleet_index,
    jobs,
    registry_updates,
    templates,
    things,
)
from iotjobs_tui.sim.api.registry import HandlerTable, join


def collect() -> HandlerTable:
    """Every operation the emulator answers; the rest route, validate and answer 501."""
    return join(
        device.ops,
        dynamic_groups.ops,
        endpoint.ops,
        executions.ops,
        fleet_index.ops,
        jobs.ops,
        registry_updates.ops,
        templates.ops,
        things.ops,
    )
