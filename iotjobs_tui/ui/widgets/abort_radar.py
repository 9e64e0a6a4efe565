"""The job detail's how close each abort criterion is (issue 12)."""

from __future__ import annotations

from iotjobs_tui.ui.widgets.insight import InsightSection


class AbortRadar(InsightSection):
    pass
