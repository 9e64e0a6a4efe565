"""The job detail's why executions fail, from a sample of DescribeJobExecution (issue 12)."""

from __future__ import annotations

from iotjobs_tui.ui.widgets.insight import InsightSection


class WhyPanel(InsightSection):
    pass
