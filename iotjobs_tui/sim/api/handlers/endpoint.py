"""DescribeEndpoint: the first call of most device and job clients.

AWS answers an account-specific hostname per endpoint type (`<prefix>-ats.iot.<region>...`,
`<prefix>.jobs.iot.<region>...`), without a scheme. This emulator serves the control plane
and the jobs device plane on one port, so every type answers the emulator's own address, as
the client reached it (its Host header): the switch `EmulatorConfig.endpoint_address` says
whether with a scheme. It is this emulator's URL, not an AWS-shaped hostname.
"""

from __future__ import annotations

from typing import Any

from iotjobs_tui.sim.api.registry import CONTROL, Operations, RequestContext
from iotjobs_tui.sim.wire.errors import invalid_request

ops = Operations()

# The endpoint types the API reference lists; no type is the legacy (VeriSign) data endpoint.
ENDPOINT_TYPES = frozenset({"iot:Data", "iot:Data-ATS", "iot:CredentialProvider", "iot:Jobs"})
LEGACY_ENDPOINT_TYPE = "iot:Data"


def own_address(ctx: RequestContext) -> str:
    """host:port as the client addressed this emulator (the server's own URL otherwise)."""
    if ctx.host:
        return ctx.host
    _, _, rest = ctx.base_url.partition("://")
    return rest or ctx.base_url


@ops.operation(CONTROL, "DescribeEndpoint")
def describe_endpoint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    config = ctx.emulator.config
    kind = params.get("endpointType") or LEGACY_ENDPOINT_TYPE
    if kind not in ENDPOINT_TYPES and config.unknown_endpoint_type_error:
        raise invalid_request(
            f"Endpoint type {kind} is not valid: use one of {', '.join(sorted(ENDPOINT_TYPES))}."
        )
    address = own_address(ctx)
    if config.endpoint_address == "url":
        address = f"http://{address}"
    return {"endpointAddress": address}
