"""Importing this package registers every operation handler with `registry.HANDLERS`."""

from iotjobs_tui.sim.handlers import executions, jobs, templates, things

__all__ = ["executions", "jobs", "templates", "things"]
