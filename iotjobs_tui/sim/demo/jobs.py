"""The demo's job catalogue: ~40 jobs that together show every job status and configuration.

Each `JobSpec` says when (minutes before the present) the job was created, what it targets,
its CreateJob configuration, how the simulated devices behave on it, and what it shows. The
scenario (`sim/demo/lively.py`) replays them in time order through the API's own handlers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from iotjobs_tui.sim.demo.fleet import FLEET_PROFILES
from iotjobs_tui.sim.devices.simulated import DeviceProfile, Step

ACCOUNT_ROLE = "arn:aws:iam::{account}:role/iot-jobs-presign-artifacts"
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

CATALOGUE: tuple[JobSpec, ...] = (
    # --- finished (COMPLETED) -----------------------------------------------------------
    JobSpec(
        "fw-2_2_7-rollout-canary",
        "Sensor firmware 2.2.7 to the canary ring (BLE advertising interval fix).",
        "COMPLETED, canary ring",
        4 * DAY,
        groups=("ring-canary",),
        document=firmware("sensor-fw", "2.2.7", "esp32-s3", 1_802_240),
        params={**TIMEOUT_30, "jobExecutionsRolloutConfig": {"maximumPerMinute": 50}},
        profile="canary",
    ),
    JobSpec(
        "fw-2_3_1-rollout-sin-01",
        "Sensor firmware 2.3.1 for Singapore: LTE-M PSM timer fix (SUP-4471).",
        "COMPLETED with failures and timeouts (cellular)",
        2 * DAY,
        things=(("sin-01", "sensor", 80),),
        document=firmware("sensor-fw", "2.3.1", "nrf9160", 1_540_096),
        params={**TIMEOUT_30, "jobExecutionsRolloutConfig": {"maximumPerMinute": 40}},
    ),
    JobSpec(
        "cam-firmware-jetpack-6_1",
        "JetPack 6.1 base image for edge cameras (CUDA 12.6, kernel 5.15.148).",
        "COMPLETED, large downloads, rejections by busy cameras",
        2 * DAY + 300,
        things=(("sjc-02", "cam", 24), ("sea-01", "cam", 24), ("syd-01", "cam", 24)),
        document=firmware("jetpack", "6.1", "jetson-orin-nano", 1_288_490_188),
        params={
            "timeoutConfig": {"inProgressTimeoutInMinutes": 60},
            "jobExecutionsRolloutConfig": {"maximumPerMinute": 20},
        },
    ),
    JobSpec(
        "cert-rotation-2026-q3",
        "Quarterly device certificate rotation, Q3 2026 (Sydney).",
        "COMPLETED certificate rotation, thing targets",
        3 * DAY,
        things=(("syd-01", "gw", 6), ("syd-01", "cam", 24), ("syd-01", "hvac", 20)),
        document=cert_rotation("2026-Q3"),
        params={"timeoutConfig": {"inProgressTimeoutInMinutes": 15}},
        steps=CERT_STEPS,
    ),
    JobSpec(
        "config-ntp-pool-ap-southeast",
        "Point Singapore devices at the regional NTP pool (sg.pool.ntp.org).",
        "COMPLETED config push",
        20 * 60,
        things=(("sin-01", "gw", 6), ("sin-01", "cam", 24), ("sin-01", "hvac", 20)),
        document=config("ntp", {"servers": ["0.sg.pool.ntp.org", "1.sg.pool.ntp.org"]}),
        params=TIMEOUT_30,
        profile="config-push",
    ),
    JobSpec(
        "remove-legacy-agent-1x",
        "Uninstall the 1.x fleet agent from gateways now that 1.8 runs everywhere.",
        "COMPLETED, from the AWS managed template AWS-Remove-Application",
        30 * 60,
        groups=("hw-rpi4-rev-b",),
        template="AWS-Remove-Application",
        params={"documentParameters": {"packages": "acme-fleet-agent-legacy"}, **TIMEOUT_30},
        steps=CONFIG_STEPS,
    ),
    JobSpec(
        "gw-wireguard-key-rotation",
        "Rotate gateway WireGuard keys (tunnel to the site VPN concentrator).",
        "COMPLETED with retries (retry ALL once, 10-minute timeout)",
        8 * 60,
        groups=("hw-rpi4-rev-b",),
        document=config("wireguard", {"rotateKeys": True, "peer": "vpn-gw.acme.internal"}),
        params={
            "timeoutConfig": {"inProgressTimeoutInMinutes": 10},
            "jobExecutionsRetryConfig": {
                "criteriaList": [{"failureType": "ALL", "numberOfRetries": 1}]
            },
        },
        profile="cert-rotation",
    ),
    JobSpec(
        "gw-agent-1_8_2-hotfix",
        "Fleet agent 1.8.2: fixes the MQTT reconnect storm after broker failover.",
        "COMPLETED gateway agent update",
        6 * 60,
        groups=("hw-rpi4-rev-b",),
        document=firmware("fleet-agent", "1.8.2", "linux-arm64", 14_680_064),
        params={**TIMEOUT_30, "jobExecutionsRolloutConfig": {"maximumPerMinute": 20}},
    ),
    JobSpec(
        "esp32-lot-2611-quarantine-config",
        "Lot 2611: disable OTA dual-bank writes until the flash RMA is resolved.",
        "COMPLETED config push to the bad-batch child group",
        5 * 60,
        groups=("hw-esp32-s3-lot-2611",),
        document=config("ota", {"dualBankWrites": False, "ticket": "RMA-2026-0193"}),
        params=TIMEOUT_30,
        profile="config-push",
    ),
    JobSpec(
        "tmp-debug-logging-nyc-01",
        "Temporary: debug logging on NYC gateways for INC-20388.",
        "COMPLETED, then deleted 25 s into the demo (DELETION_IN_PROGRESS, then gone)",
        4 * 60,
        things=(("nyc-01", "gw", 6),),
        document=config("logging", {"level": "debug", "expiresInHours": 4}),
        params=TIMEOUT_30,
        profile="config-push",
        delete_after=25.0,
    ),
    JobSpec(
        "reboot-after-kernel-patch",
        "Reboot gateways onto the patched kernel (6.6.51, CVE-2026-1133).",
        "COMPLETED, from the AWS managed template AWS-Reboot",
        3 * 60,
        groups=("hw-rpi4-rev-b",),
        template="AWS-Reboot",
        params={"documentParameters": {"runAsUser": "root"}, **TIMEOUT_30},
        steps=REBOOT_STEPS,
    ),
    JobSpec(
        "diag-collect-logs-cam-sin-01",
        "Collect camera logs in Singapore for the frame-drop investigation (CAM-912).",
        "COMPLETED with REJECTED executions (busy cameras)",
        2 * 60,
        things=(("sin-01", "cam", 24),),
        document=diagnostics(["syslog", "deepstream"], "cam-sin-01-cam-912"),
        params=TIMEOUT_30,
        steps=DIAG_STEPS,
    ),
    JobSpec(
        "hvac-pid-tuning-atl-01",
        "New PID gains for Atlanta HVAC controllers (overshoot in zone 3).",
        "COMPLETED, thing targets",
        90,
        things=(("atl-01", "hvac", 20),),
        document=config("pid", {"kp": 1.8, "ki": 0.22, "kd": 0.05, "zones": [3]}),
        params=TIMEOUT_30,
        profile="config-push",
    ),
    JobSpec(
        "log-rotation-bos-01",
        "Tighten log rotation on Boston gateways (fleetops namespace).",
        "COMPLETED, namespaced job (namespaceId fleetops)",
        50,
        things=(("bos-01", "gw", 6),),
        document=config("logrotate", {"maxSizeMb": 20, "keep": 5}),
        params={**TIMEOUT_30, "namespaceId": "fleetops"},
        profile="config-push",
    ),
    JobSpec(
        "restart-telemetry-agent-sea-01",
        "Restart the telemetry agent on Seattle gateways after the collector move.",
        "COMPLETED, from the AWS managed template AWS-Restart-Application",
        25,
        things=(("sea-01", "gw", 6),),
        template="AWS-Restart-Application",
        params={"documentParameters": {"services": "telemetry-agent"}, **TIMEOUT_30},
        steps=CONFIG_STEPS,
    ),
    JobSpec(
        "hvac-modbus-point-map-us-west",
        "Download the new Modbus point map to US-West HVAC controllers (BMS migration).",
        "COMPLETED, from the AWS managed template AWS-Download-File (documentParameters)",
        70,
        things=(("sea-01", "hvac", 20), ("sjc-02", "hvac", 20)),
        template="AWS-Download-File",
        params={
            "documentParameters": {
                "downloadUrl": "https://bms.acme.example/pointmaps/us-west-2026-11.json",
                "filePath": "/etc/hvac/pointmap.json",
            },
            **TIMEOUT_30,
        },
        steps=(Step("download", 6.0), Step("validate", 2.0)),
    ),
    JobSpec(
        "fw-2_3_0-lot-2611-reflash",
        "Re-flash 2.3.0 on lot 2611 boards after the RMA triage (expected to be rough).",
        "COMPLETED with ~40% FAILED: the bad batch fails together (child group profile)",
        16 * 60,
        groups=("hw-esp32-s3-lot-2611",),
        document=firmware("sensor-fw", "2.3.0", "esp32-s3", 1_798_144),
        params={**TIMEOUT_30, "jobExecutionsRolloutConfig": {"maximumPerMinute": 30}},
        steps=(Step("download", 30.0), Step("flash", 20.0)),
    ),
    # --- canceled and aborted ---------------------------------------------------------------
    JobSpec(
        "fw-2_4_0-rollout-eu",
        "Sensor firmware 2.4.0 for EU-West (superseded by 2.4.1).",
        "CANCELED with a reason (plain cancel: IN_PROGRESS executions finish)",
        26 * 60,
        groups=("region-eu-west",),
        document=firmware("sensor-fw", "2.4.0", "esp32-s3", 1_835_008),
        params={**TIMEOUT_30, "jobExecutionsRolloutConfig": {"maximumPerMinute": 5}},
        cancel=(
            25.7 * 60,
            False,
            "SUPERSEDED_BY_2_4_1",
            "2.4.0 leaks a socket per reconnect; replaced by fw-2_4_1-rollout-eu.",
        ),
    ),
    JobSpec(
        "sensor-sampling-5s-debug-ams-01",
        "Temporary 5 s sampling on Amsterdam sensors for the HVAC vendor's study.",
        "CANCELED by an operator",
        3 * 60,
        groups=("site-ams-01",),
        things=(),
        document=config("sampling", {"intervalSeconds": 5, "expiresInHours": 24}),
        params={**TIMEOUT_30, "jobExecutionsRolloutConfig": {"maximumPerMinute": 1}},
        profile="config-push",
        cancel=(150, False, "DEBUG_SESSION_ENDED", "Vendor has enough data (VEND-118)."),
    ),
    JobSpec(
        "hvac-setpoint-winter-2026",
        "Winter setpoints for US-West HVAC (pilot for San Jose only!).",
        "CANCELED with force=true and a reasonCode (IN_PROGRESS executions canceled too)",
        35,
        groups=("region-us-west",),
        document=config("setpoints", {"heatC": 20.5, "coolC": 24.0, "season": "winter"}),
        params={**TIMEOUT_30, "jobExecutionsRolloutConfig": {"maximumPerMinute": 40}},
        profile="config-push",
        cancel=(
            32,
            True,
            "WRONG_TARGET_GROUP",
            "Targeted all of region-us-west instead of site-sjc-02; force-cancelled by on-call "
            "(INC-20417).",
        ),
    ),
    JobSpec(
        "modem-fw-nrf9160-1_3_2",
        "nRF9160 modem firmware 1.3.2 (LTE-M band 66 support).",
        "CANCELED by abortConfig (FAILED >= 20% after 25): auto reasonCode and comment",
        45,
        groups=("hw-nrf9160",),
        document=firmware("modem-fw", "1.3.2", "nrf9160", 2_097_152),
        params={
            "timeoutConfig": {"inProgressTimeoutInMinutes": 10},
            "jobExecutionsRolloutConfig": {"maximumPerMinute": 20},
            "abortConfig": {
                "criteriaList": [
                    {
                        "failureType": "FAILED",
                        "action": "CANCEL",
                        "thresholdPercentage": 20.0,
                        "minNumberOfExecutedThings": 25,
                    }
                ]
            },
        },
        profile="modem-regression",
    ),
    # --- rolling out now ----------------------------------------------------------------
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
    # --- continuous -----------------------------------------------------------------------
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
    # --- scheduled ------------------------------------------------------------------------
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
    JobSpec(
        "hvac-firmware-3_2_0-eu",
        "HVAC controller firmware 3.2.0 for EU sites (new defrost cycle).",
        "IN_PROGRESS, slow constant rate",
        12,
        things=(("ams-01", "hvac", 20), ("dub-01", "hvac", 20), ("par-02", "hvac", 20)),
        document=firmware("hvac-fw", "3.2.0", "stm32h7", 655_360),
        params={**TIMEOUT_30, "jobExecutionsRolloutConfig": {"maximumPerMinute": 3}},
    ),
    JobSpec(
        "sensor-tx-power-tuning-par-02",
        "Lower Wi-Fi TX power on Paris sensors (co-channel interference, NET-77).",
        "COMPLETED config push",
        50,
        things=(("par-02", "sensor", 60),),
        document=config("wifi", {"txPowerDbm": 11}),
        params=TIMEOUT_30,
        profile="config-push",
    ),
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
