"""Demo jobs that never finish or wait for their time: CONTINUOUS jobs, maintenance windows,
and startTime/endTime with an endBehavior."""

from __future__ import annotations

from iotjobs_tui.sim.demo.job_specs import (
    CERT_STEPS,
    CONFIG_STEPS,
    DAY,
    TIMEOUT_30,
    JobSpec,
    cert_rotation,
    config,
    firmware,
)
from iotjobs_tui.sim.devices.profiles import Step

CONTINUOUS: tuple[JobSpec, ...] = (
    JobSpec(
        "onboarding-baseline-config",
        "Baseline config for newly provisioned devices (telemetry, NTP, log levels).",
        "CONTINUOUS: new devices join the onboarding group every ~45 s and get it",
        3 * DAY,
        groups=("onboarding",),
        document=config("baseline", {"telemetryIntervalSeconds": 60, "ntp": "pool.ntp.org"}),
        params={"targetSelection": "CONTINUOUS", **TIMEOUT_30},
        profile="config-push",
    ),
    JobSpec(
        "security-agent-enroll-cameras",
        "Enroll every edge camera in the runtime security agent (continuous).",
        "CONTINUOUS over a hardware group: never COMPLETED",
        2 * DAY,
        groups=("hw-jetson-orin-nano",),
        document={"operation": "enroll", "agent": "falco-edge", "policy": "cam-baseline-v2"},
        params={"targetSelection": "CONTINUOUS", **TIMEOUT_30},
        steps=CONFIG_STEPS,
    ),
)

SCHEDULED: tuple[JobSpec, ...] = (
    JobSpec(
        "fw-2_5_0-beta-canary",
        "Sensor firmware 2.5.0-beta.3 to the canary ring, only in the lab's test windows.",
        "CONTINUOUS, SCHEDULED <-> IN_PROGRESS every minute (cron(0/2 * * * ? *), 1 minute)",
        12,
        groups=("ring-canary",),
        document=firmware("sensor-fw", "2.5.0-beta.3", "esp32-s3", 1_851_392),
        params={
            **TIMEOUT_30,
            "targetSelection": "CONTINUOUS",
            "jobExecutionsRolloutConfig": {"maximumPerMinute": 4},
        },
        schedule=(None, None, None, (("cron(0/2 * * * ? *)", 1),)),
        profile="canary",
    ),
    JobSpec(
        "gw-os-upgrade-debian-12_9",
        "Debian 12.9 point upgrade on gateways, only Tue-Thu 02:00-05:00 UTC.",
        "SCHEDULED with a nightly maintenance window (seven scheduledJobRollouts)",
        2 * 60,
        groups=("hw-rpi4-rev-b",),
        document={"operation": "os-upgrade", "distribution": "debian", "release": "12.9"},
        params={
            "timeoutConfig": {"inProgressTimeoutInMinutes": 120},
            "jobExecutionsRolloutConfig": {"maximumPerMinute": 10},
        },
        schedule=(None, None, None, (("cron(0 2 ? * TUE-THU *)", 180),)),
        steps=(Step("download", 120.0), Step("upgrade", 300.0, updates=3), Step("reboot", 60.0)),
    ),
    JobSpec(
        "fw-2_5_0-rollout-eu",
        "Sensor firmware 2.5.0 for EU-West, scheduled for the weekend change window.",
        "SCHEDULED with startTime, endTime and endBehavior CANCEL",
        60,
        groups=("region-eu-west",),
        document=firmware("sensor-fw", "2.5.0", "esp32-s3", 1_851_392),
        params={**TIMEOUT_30, "jobExecutionsRolloutConfig": {"maximumPerMinute": 50}},
        schedule=(2 * DAY, 9 * DAY, "CANCEL", ()),
    ),
    JobSpec(
        "cert-rotation-2026-q4-us-east",
        "Q4 certificate rotation for US-East, Sunday nights only, until the end of the year.",
        "SCHEDULED with startTime, a weekly window and endBehavior STOP_ROLLOUT",
        90,
        groups=("region-us-east",),
        document=cert_rotation("2026-Q4"),
        params={"timeoutConfig": {"inProgressTimeoutInMinutes": 15}},
        schedule=(1 * DAY, 40 * DAY, "STOP_ROLLOUT", (("cron(30 1 ? * SUN *)", 240),)),
        steps=CERT_STEPS,
    ),
)
