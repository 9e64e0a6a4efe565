"""The demo's job catalogue: ~40 jobs that together show every job status and configuration.

Each `JobSpec` says when (minutes before the present) the job was created, what it targets,
its CreateJob configuration, how the simulated devices behave on it, and what it shows. The
scenario (`sim/demo/lively.py`) replays them in time order through the API's own handlers.

The specs live by what they show (`jobs_history.py`, `jobs_rollouts.py`, `jobs_scheduled.py`,
written with `job_specs.py`); CATALOGUE joins them in a fixed order, which decides the replay
order of jobs created at the same minute.
"""

from __future__ import annotations

import json
from typing import Any

from iotjobs_tui.sim.demo import jobs_history, jobs_rollouts, jobs_scheduled
from iotjobs_tui.sim.demo.fleet import FLEET_PROFILES
from iotjobs_tui.sim.demo.job_specs import (
    CERT_STEPS,
    CONFIG_STEPS,
    DIAG_STEPS,
    JobSpec,
    firmware,
)
from iotjobs_tui.sim.devices.profiles import DeviceProfile, Step

__all__ = ["ACCOUNT_ROLE", "CATALOGUE", "DEMO_PROFILES", "TEMPLATES", "JobSpec"]

ACCOUNT_ROLE = "arn:aws:iam::{account}:role/iot-jobs-presign-artifacts"

# Profiles only the demo uses (given to a job with `profile=`), and the fleet's own (failure
# reasons that cluster by hardware, for the why panel: `demo_fleet.FLEET_PROFILES`).
DEMO_PROFILES: tuple[DeviceProfile, ...] = (
    *FLEET_PROFILES,
    DeviceProfile(
        "modem-regression",
        "nRF9160 modem firmware 1.3.2 bricks the DFU path on a third of the devices.",
        succeed=0.60,
        fail=0.37,
        hang=0.03,
        steps=(Step("download", 30.0), Step("dfu-apply", 20.0), Step("modem-reboot", 10.0)),
        failure_reasons=("MODEM_DFU_VERIFY_FAILED", "DFU_TIMEOUT"),
    ),
    DeviceProfile(
        "cert-rotation",
        "Certificate rotation: CSRs are sometimes rejected and reconnects flap.",
        succeed=0.74,
        fail=0.20,
        hang=0.06,
        steps=CERT_STEPS,
        failure_reasons=("CSR_REJECTED", "MQTT_RECONNECT_FAILED", "KEYSTORE_LOCKED"),
        offline_chance=0.05,
        offline_seconds=(20.0, 120.0),
    ),
    DeviceProfile(
        "stuck-diag",
        "The diagnostics handler hangs on gateways with a full /var (a third never answer).",
        succeed=0.62,
        fail=0.05,
        hang=0.33,
        steps=DIAG_STEPS,
        failure_reasons=("HANDLER_EXIT_CODE_1",),
    ),
    DeviceProfile(
        "canary",
        "Canary-ring devices: fast, watched closely, poll often.",
        succeed=0.96,
        fail=0.04,
        steps=(Step("download", 8.0), Step("install", 8.0), Step("reboot", 6.0)),
        failure_reasons=("BOOT_VALIDATION_FAILED",),
        react_seconds=(1.0, 4.0),
        poll_seconds=15.0,
    ),
    DeviceProfile(
        "soak-test",
        "A six-hour soak test: the gateway stays IN_PROGRESS, reporting every 10 minutes.",
        steps=(Step("soak-test", 6 * 3600.0, jitter=0.05, updates=36),),
        react_seconds=(1.0, 4.0),
    ),
    DeviceProfile(
        "config-push",
        "Configuration changes: quick and almost always fine.",
        succeed=0.99,
        fail=0.01,
        steps=CONFIG_STEPS,
        failure_reasons=("CONFIG_SCHEMA_INVALID",),
    ),
)


CATALOGUE: tuple[JobSpec, ...] = (
    *jobs_history.FINISHED,
    *jobs_history.CANCELED,
    *jobs_rollouts.ROLLING_OUT,
    *jobs_scheduled.CONTINUOUS,
    *jobs_scheduled.SCHEDULED,
    # Last, where they were first written: moving them would reorder same-minute creations.
    jobs_rollouts.HVAC_FIRMWARE_EU,
    jobs_history.SENSOR_TX_POWER_PAR_02,
)

# The custom template the catalogue uses (`template="fw-ota-standard"`).
TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "jobTemplateId": "fw-ota-standard",
        "description": "Standard sensor OTA: 20/min, abort at 10% failures, 30-minute timeout.",
        "document": json.dumps(firmware("sensor-fw", "x.y.z", "esp32-s3", 0)),
        "jobExecutionsRolloutConfig": {"maximumPerMinute": 20},
        "abortConfig": {
            "criteriaList": [
                {
                    "failureType": "FAILED",
                    "action": "CANCEL",
                    "thresholdPercentage": 10.0,
                    "minNumberOfExecutedThings": 50,
                }
            ]
        },
        "timeoutConfig": {"inProgressTimeoutInMinutes": 30},
        "jobExecutionsRetryConfig": {
            "criteriaList": [{"failureType": "FAILED", "numberOfRetries": 1}]
        },
    },
)
