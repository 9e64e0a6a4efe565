"""Demo jobs rolling out now: constant and exponential rates, abort thresholds on the way,
retries, timeouts, executions queued behind another job, and one at fleet scale."""

from __future__ import annotations

from iotjobs_tui.sim.demo.job_specs import (
    MODEL_STEPS,
    TIMEOUT_30,
    JobSpec,
    cert_rotation,
    config,
    diagnostics,
    firmware,
    presigned,
)

ROLLING_OUT: tuple[JobSpec, ...] = (
    JobSpec(
        "fw-2_4_1-rollout-eu",
        "Sensor firmware 2.4.1 for EU-West: socket leak fix, TLS session resumption.",
        "IN_PROGRESS at a constant rate (25/min); counters move",
        8,
        groups=("region-eu-west",),
        document=firmware("sensor-fw", "2.4.1", "esp32-s3", 1_839_104),
        params={**TIMEOUT_30, "jobExecutionsRolloutConfig": {"maximumPerMinute": 25}},
    ),
    JobSpec(
        "fw-2_4_1-rollout-us",
        "Sensor firmware 2.4.1 for US-East and US-West, exponential ramp-up.",
        "IN_PROGRESS, exponential rollout on notified things (10/min x2 per 40)",
        8,
        groups=("region-us-east", "region-us-west"),
        document=firmware("sensor-fw", "2.4.1", "esp32-s3", 1_839_104),
        params={
            **TIMEOUT_30,
            "jobExecutionsRolloutConfig": {
                "maximumPerMinute": 200,
                "exponentialRate": {
                    "baseRatePerMinute": 10,
                    "incrementFactor": 2.0,
                    "rateIncreaseCriteria": {"numberOfNotifiedThings": 40},
                },
            },
        },
    ),
    JobSpec(
        "cam-model-yolov8n-int8",
        "Ship the INT8 YOLOv8n people-counting model to edge cameras.",
        "IN_PROGRESS, exponential rollout on succeeded things",
        12,
        groups=("hw-jetson-orin-nano",),
        document={
            "operation": "deploy-model",
            "model": "yolov8n-people-int8",
            "version": "2026.11.2",
            "artifact": presigned("models/yolov8n-people-int8-2026.11.2.engine"),
        },
        params={
            **TIMEOUT_30,
            "jobExecutionsRolloutConfig": {
                "maximumPerMinute": 60,
                "exponentialRate": {
                    "baseRatePerMinute": 3,
                    "incrementFactor": 1.5,
                    "rateIncreaseCriteria": {"numberOfSucceededThings": 10},
                },
            },
        },
        steps=MODEL_STEPS,
    ),
    JobSpec(
        "fw-2_4_2-rollout-esp32",
        "Sensor firmware 2.4.2 to every ESP32-S3 (lot 2611 included, watch the abort).",
        "IN_PROGRESS, failing towards its abort threshold (FAILED 10% after 100)",
        10,
        groups=("hw-esp32-s3",),
        document=firmware("sensor-fw", "2.4.2", "esp32-s3", 1_843_200),
        params={
            **TIMEOUT_30,
            "jobExecutionsRolloutConfig": {"maximumPerMinute": 12},
            "abortConfig": {
                "criteriaList": [
                    {
                        "failureType": "FAILED",
                        "action": "CANCEL",
                        "thresholdPercentage": 10.0,
                        "minNumberOfExecutedThings": 100,
                    }
                ]
            },
        },
    ),
    JobSpec(
        "cert-rotation-2026-q4",
        "Quarterly device certificate rotation, Q4 2026 (AP-Southeast).",
        "IN_PROGRESS with retries: executionNumber 2 and 3 after FAILED / TIMED_OUT",
        10,
        groups=("region-ap-southeast",),
        document=cert_rotation("2026-Q4"),
        params={
            "timeoutConfig": {"inProgressTimeoutInMinutes": 5},
            "jobExecutionsRolloutConfig": {"maximumPerMinute": 20},
            "jobExecutionsRetryConfig": {
                "criteriaList": [
                    {"failureType": "FAILED", "numberOfRetries": 2},
                    {"failureType": "TIMED_OUT", "numberOfRetries": 1},
                ]
            },
        },
        profile="cert-rotation",
    ),
    JobSpec(
        "diag-upload-coredumps-gw",
        "Upload gateway core dumps for the agent crash (AGENT-301).",
        "IN_PROGRESS with executions TIMED_OUT (3-minute in-progress timeout)",
        15,
        groups=("hw-rpi4-rev-b",),
        document=diagnostics(["coredumps", "journal"], "gw-agent-301"),
        params={
            "timeoutConfig": {"inProgressTimeoutInMinutes": 3},
            "jobExecutionsRolloutConfig": {"maximumPerMinute": 4},
        },
        profile="stuck-diag",
    ),
    JobSpec(
        "gw-agent-1_9_0-us-east",
        "Fleet agent 1.9.0 to US-East gateways, slowly (2/min).",
        "IN_PROGRESS, slow constant rate, thing targets",
        6,
        things=(("nyc-01", "gw", 6), ("atl-01", "gw", 6), ("bos-01", "gw", 6)),
        document=firmware("fleet-agent", "1.9.0", "linux-arm64", 15_204_352),
        params={**TIMEOUT_30, "jobExecutionsRolloutConfig": {"maximumPerMinute": 2}},
    ),
    JobSpec(
        "gw-soak-test-sjc-02",
        "Six-hour soak test of fleet agent 1.9.1 on four San Jose gateways.",
        "IN_PROGRESS for hours: holds its gateways, so the next job waits behind it",
        40,
        things=(("sjc-02", "gw", 4),),
        document={"operation": "soak-test", "agent": "1.9.1", "hours": 6},
        profile="soak-test",
    ),
    JobSpec(
        "gw-agent-1_9_1-sjc-02",
        "Fleet agent 1.9.1 for the San Jose gateways under soak test.",
        "IN_PROGRESS, its QUEUED executions blocked behind another job on the same things",
        25,
        things=(("sjc-02", "gw", 4),),
        document=firmware("fleet-agent", "1.9.1", "linux-arm64", 15_206_400),
        params=TIMEOUT_30,
    ),
    JobSpec(
        "sensor-calibration-dub-01",
        "Humidity calibration offsets for Dublin sensors (batch HUM-0425).",
        "IN_PROGRESS config push at 5/min",
        12,
        things=(("dub-01", "sensor", 90),),
        document=config("calibration", {"humidityOffsetPct": -1.5, "batch": "HUM-0425"}),
        params={**TIMEOUT_30, "jobExecutionsRolloutConfig": {"maximumPerMinute": 5}},
        profile="config-push",
    ),
    JobSpec(
        "fw-2_4_1-rollout-ap",
        "Sensor firmware 2.4.1 for AP-Southeast, from the standard OTA template.",
        "IN_PROGRESS, created from the custom job template fw-ota-standard",
        4,
        groups=("site-syd-01",),
        document=firmware("sensor-fw", "2.4.1", "nrf9160", 1_544_192),
        template="fw-ota-standard",
    ),
    JobSpec(
        "hil-smoke-test-fw-2_5_0-rc1",
        "Smoke test of 2.5.0-rc1 on the HIL bench (driven by CI, not simulated).",
        "IN_PROGRESS with QUEUED executions: no simulated device, drive them yourself",
        7,
        groups=("lab-hil-bench",),
        document=firmware("sensor-fw", "2.5.0-rc1", "esp32-s3", 1_851_392),
        params={"timeoutConfig": {"inProgressTimeoutInMinutes": 20}},
    ),
    JobSpec(
        "meter-fw-5_2_0-us-central",
        "Meter firmware 5.2.0 to all 100,000 us-central smart meters (tariff engine v3).",
        "IN_PROGRESS at scale: 100,000 targets at 1,000/min",
        0.25,
        groups=("region-us-central",),
        document=firmware("meter-fw", "5.2.0", "efr32mg24", 786_432),
        params={
            **TIMEOUT_30,
            "jobExecutionsRolloutConfig": {"maximumPerMinute": 1000},
            # Armed after 2,000 notified; its ~2 % failures stay clear of 5 %: the abort
            # radar has something to say ("not at this rate") without ending the demo.
            "abortConfig": {
                "criteriaList": [
                    {
                        "failureType": "FAILED",
                        "action": "CANCEL",
                        "thresholdPercentage": 5,
                        "minNumberOfExecutedThings": 2000,
                    }
                ]
            },
        },
    ),
)

HVAC_FIRMWARE_EU = JobSpec(
    "hvac-firmware-3_2_0-eu",
    "HVAC controller firmware 3.2.0 for EU sites (new defrost cycle).",
    "IN_PROGRESS, slow constant rate",
    12,
    things=(("ams-01", "hvac", 20), ("dub-01", "hvac", 20), ("par-02", "hvac", 20)),
    document=firmware("hvac-fw", "3.2.0", "stm32h7", 655_360),
    params={**TIMEOUT_30, "jobExecutionsRolloutConfig": {"maximumPerMinute": 3}},
)
