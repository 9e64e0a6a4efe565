"""What a demo job is (`JobSpec`), and the pieces its specs are written with: job documents,
device step sets and shared CreateJob settings."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from iotjobs_tui.sim.devices.profiles import Step

BUCKET = "acme-fleet-artifacts"

CERT_STEPS = (
    Step("generate-csr", 4.0),
    Step("install-certificate", 6.0),
    Step("reconnect-mqtt", 5.0),
)
CONFIG_STEPS = (Step("apply-config", 4.0), Step("restart-service", 8.0))
REBOOT_STEPS = (Step("reboot", 40.0), Step("health-check", 15.0))
DIAG_STEPS = (Step("collect-logs", 20.0), Step("upload", 45.0, updates=2))
MODEL_STEPS = (Step("download", 60.0, updates=2), Step("benchmark", 20.0))


@dataclass(frozen=True)
class JobSpec:
    job_id: str
    description: str
    shows: str  # what the job demonstrates (for the docs and the report)
    ago: float  # created this many minutes before the present
    groups: tuple[str, ...] = ()
    # Thing targets: (site code, kind, how many) picked from the fleet in name order.
    things: tuple[tuple[str, str, int], ...] = ()
    document: Mapping[str, Any] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)  # more CreateJob members
    # Scheduling relative to the present: (startTime offset minutes or None, endTime offset
    # minutes or None, endBehavior or None, maintenance windows as (cron, minutes)).
    schedule: tuple[float | None, float | None, str | None, tuple[tuple[str, int], ...]] | None = (
        None
    )
    profile: str | None = None  # simulated devices use this profile for the job
    steps: tuple[Step, ...] | None = None  # ... or their own profile with these steps
    # CancelJob at (minutes before the present, force, reasonCode, comment).
    cancel: tuple[float, bool, str, str] | None = None
    delete_after: float | None = None  # DeleteJob this many seconds after the present
    template: str | None = None  # a custom template id, or a managed "AWS-..." name


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def presigned(key: str) -> str:
    return f"${{aws:iot:s3-presigned-url:https://s3.amazonaws.com/{BUCKET}/{key}}}"


def firmware(component: str, version: str, target: str, size: int) -> dict[str, Any]:
    key = f"firmware/{target}/{component}-{version}.bin"
    return {
        "operation": "ota-update",
        "component": component,
        "version": version,
        "image": {"url": presigned(key), "sha256": _sha(key), "sizeBytes": size},
        "rebootAfterInstall": True,
        "rollbackOnBootFailure": True,
    }


def cert_rotation(period: str) -> dict[str, Any]:
    return {
        "operation": "rotate-certificate",
        "period": period,
        "keyAlgorithm": "ECC_NIST_P256",
        "csrTopic": "fleet/provisioning/csr",
        "keepOldCertificateHours": 72,
    }


def config(name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {"operation": "apply-config", "config": name, "values": dict(values)}


def diagnostics(include: list[str], key: str) -> dict[str, Any]:
    return {
        "operation": "collect-diagnostics",
        "include": include,
        "upload": {"url": presigned(f"diagnostics/{key}.tar.gz"), "maxSizeMb": 50},
    }


TIMEOUT_30 = {"timeoutConfig": {"inProgressTimeoutInMinutes": 30}}
DAY = 24 * 60.0
