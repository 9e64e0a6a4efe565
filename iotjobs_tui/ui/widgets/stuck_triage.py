"""The job detail's which executions are stuck, and why (issue 12)."""

from __future__ import annotations

from iotjobs_tui.ui.widgets.insight import InsightSection


class StuckTriage(InsightSection):
    pass
