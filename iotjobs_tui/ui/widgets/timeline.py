"""The job detail's rollout timeline: sparklines per minute, kept across restarts (issue 12)."""

from __future__ import annotations

from iotjobs_tui.ui.widgets.insight import InsightSection


class Timeline(InsightSection):
    pass
