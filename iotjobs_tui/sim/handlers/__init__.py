"""Importing this package registers every operation handler with `registry.HANDLERS`."""

from iotjobs_tui.sim.handlers import device, executions, jobs, templates, things

__all__ = ["device", "executions", "jobs", "templates", "things"]
