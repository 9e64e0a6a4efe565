"""Which service and region a request is for: its SigV4 credential scope, else its Host.

The two services share paths (`GET /things/{t}/jobs` is ListJobExecutionsForThing on `iot` and
GetPendingJobExecutions on `iot-jobs-data`), so the path alone cannot tell them apart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from iotjobs_tui.sim.api.registry import CONTROL, DEVICE

DEFAULT_REGION = "us-east-1"
_SCOPE = re.compile(r"Credential=[^/\s,]+/\d{8}/([^/\s,]+)/([^/\s,]+)/aws4_request")
_QUERY_SCOPE = re.compile(r"^[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request$")
# e.g. data.jobs.iot.eu-west-1.amazonaws.com, iot.eu-west-1.amazonaws.com (port optional).
_HOST_REGION = re.compile(r"(?:^|\.)iot\.([a-z0-9-]+)\.amazonaws\.com(?::\d+)?$")


def detect_service(headers: Mapping[str, str], query: Mapping[str, list[str]]) -> tuple[str, str]:
    """(service, region) from the SigV4 credential scope, else from the Host header."""
    match = _SCOPE.search(headers.get("Authorization", ""))
    if match is None and "X-Amz-Credential" in query:  # presigned URL
        match = _QUERY_SCOPE.match(query["X-Amz-Credential"][0])
    if match is not None:
        return match.group(2), match.group(1)
    host = headers.get("Host", "").lower()
    region = _HOST_REGION.search(host)
    service = DEVICE if host.startswith("data.jobs.iot") else CONTROL
    return service, region.group(1) if region else DEFAULT_REGION
