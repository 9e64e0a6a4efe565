"""Device behaviour profiles, which profile a thing has, and one run's plan drawn from it.

A thing's `simProfile` attribute names its profile; otherwise the nearest thing group with a
`simProfile` attribute does (a group the thing belongs to beats its parent, and so on up; ties
between hierarchies go to the group name that sorts first, which puts `hw-*` hardware-model
groups before `region-*`/`site-*` ones). A scenario may also give one job its own profile
(`DeviceSimulation.override_job`), e.g. a job that makes devices hang.

A run's plan is drawn from the profile: its outcome, then the progress reports leading to it,
each step taking a randomised duration.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from iotjobs_tui.sim.devices.draws import Draws
from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.state import RegionState

PROFILE_ATTRIBUTE = "simProfile"

# An action: (delay after the previous action, status, statusDetails).
Action = tuple[float, str, dict[str, str]]


@dataclass(frozen=True)
class Step:
    """One stage of the device's work, reported as `{"step": name, "progress": "NN%"}`.

    `seconds` is the mean duration; each run draws uniformly within ±`jitter` of it.
    `updates` progress reports are spread evenly over the step (0%, 100/updates %, ...).
    """

    name: str
    seconds: float
    jitter: float = 0.5
    updates: int = 1

    def __post_init__(self) -> None:
        if self.seconds < 0 or not 0 <= self.jitter <= 1 or self.updates < 1:
            raise ValueError(f"invalid step {self!r}")


FIRMWARE_STEPS = (
    Step("download", 40.0, updates=2),
    Step("verify", 6.0),
    Step("install", 30.0, updates=2),
    Step("reboot", 20.0),
)


@dataclass(frozen=True)
class DeviceProfile:
    """How a kind of device behaves; the four outcome shares add up to 1."""

    name: str
    description: str = ""
    succeed: float = 1.0
    fail: float = 0.0
    reject: float = 0.0
    hang: float = 0.0  # never answers again: the timeout rule (if any) ends the execution
    steps: tuple[Step, ...] = FIRMWARE_STEPS
    failure_reasons: tuple[str, ...] = ("CHECKSUM_MISMATCH",)
    reject_reasons: tuple[str, ...] = ("UNSUPPORTED_HARDWARE_REVISION",)
    # Chance, before each action, that the device is offline; it comes back after a duration
    # drawn uniformly from `offline_seconds` and then does what it was about to do.
    offline_chance: float = 0.0
    offline_seconds: tuple[float, float] = (60.0, 300.0)
    # Delay between a notification (or the end of the previous job) and the device acting.
    react_seconds: tuple[float, float] = (1.0, 8.0)
    # Poll interval while the only pending work is hidden (its job is SCHEDULED).
    poll_seconds: float = 30.0
    # stepTimeoutInMinutes the device passes to StartNext, if any.
    step_timeout_minutes: int | None = None

    def __post_init__(self) -> None:
        shares = (self.succeed, self.fail, self.reject, self.hang)
        if any(s < 0 for s in shares) or not math.isclose(sum(shares), 1.0, abs_tol=1e-6):
            raise ValueError(f"profile {self.name}: outcome shares must be >= 0 and add up to 1")
        if not self.steps:
            raise ValueError(f"profile {self.name}: at least one step")
        if (self.fail > 0 and not self.failure_reasons) or (
            self.reject > 0 and not self.reject_reasons
        ):
            raise ValueError(f"profile {self.name}: failing or rejecting needs reasons")
        if not 0 <= self.offline_chance < 1 or self.poll_seconds <= 0:
            raise ValueError(f"profile {self.name}: invalid offline chance or poll interval")


def _profiles(*profiles: DeviceProfile) -> dict[str, DeviceProfile]:
    return {p.name: p for p in profiles}


# Built-in profiles (scenarios and `simProfile` attributes name them).
BUILTIN_PROFILES: Mapping[str, DeviceProfile] = _profiles(
    DeviceProfile(
        "healthy",
        "Mains-powered device on a good network: almost everything succeeds.",
        succeed=0.97,
        fail=0.02,
        reject=0.01,
        failure_reasons=("DOWNLOAD_TIMEOUT", "INSUFFICIENT_STORAGE"),
        offline_chance=0.01,
    ),
    DeviceProfile(
        "gateway",
        "Linux gateway (Raspberry Pi class): slow installs and a long reboot.",
        succeed=0.95,
        fail=0.03,
        reject=0.01,
        hang=0.01,
        steps=(
            Step("download", 60.0, updates=2),
            Step("verify", 8.0),
            Step("install", 90.0, updates=2),
            Step("reboot", 45.0),
        ),
        failure_reasons=("APT_LOCK_HELD", "DISK_FULL", "SERVICE_FAILED_TO_START"),
        reject_reasons=("UNSUPPORTED_OS_RELEASE",),
        offline_chance=0.02,
    ),
    DeviceProfile(
        "flaky-cellular",
        "Battery sensor on LTE-M: drops off the network and often fails downloads.",
        succeed=0.80,
        fail=0.13,
        reject=0.02,
        hang=0.05,
        failure_reasons=("DOWNLOAD_INTERRUPTED", "TLS_HANDSHAKE_FAILED", "LOW_BATTERY"),
        reject_reasons=("LOW_BATTERY",),
        offline_chance=0.12,
        offline_seconds=(30.0, 240.0),
    ),
    DeviceProfile(
        "bad-batch",
        "A manufacturing lot with a flash defect: firmware updates fail together.",
        succeed=0.55,
        fail=0.42,
        hang=0.03,
        failure_reasons=("CHECKSUM_MISMATCH", "FLASH_WRITE_ERROR", "BOOTLOOP_ROLLBACK"),
    ),
    DeviceProfile(
        "camera",
        "Edge camera with an accelerator: large downloads, busy devices reject work.",
        succeed=0.90,
        fail=0.04,
        reject=0.05,
        hang=0.01,
        steps=(
            Step("download", 90.0, updates=2),
            Step("verify", 10.0),
            Step("install", 60.0, updates=2),
            Step("restart-pipeline", 20.0),
        ),
        failure_reasons=("MODEL_LOAD_FAILED", "GPU_OUT_OF_MEMORY"),
        reject_reasons=("INFERENCE_BUSY", "UNSUPPORTED_HARDWARE_REVISION"),
        offline_chance=0.02,
    ),
    DeviceProfile(
        "stuck-agent",
        "Device client that gets stuck mid-job (aws-iot-device-client#519): needs a timeout.",
        succeed=0.62,
        fail=0.05,
        hang=0.33,
        failure_reasons=("HANDLER_EXIT_CODE_1",),
        offline_chance=0.03,
    ),
    DeviceProfile(
        "meter",
        "Smart meter on a mesh network: quick, small updates at fleet scale.",
        succeed=0.985,
        fail=0.01,
        reject=0.005,
        steps=(Step("download", 25.0, jitter=0.6), Step("install", 15.0, jitter=0.6)),
        failure_reasons=("MESH_ROUTE_LOST", "CHECKSUM_MISMATCH"),
        reject_reasons=("TARIFF_PERIOD_LOCKED",),
        react_seconds=(1.0, 20.0),
    ),
    DeviceProfile(
        "quick",
        "Lab device on a bench: short steps, always succeeds (handy in tests).",
        steps=(Step("download", 4.0, updates=2), Step("install", 3.0)),
        react_seconds=(1.0, 2.0),
        poll_seconds=10.0,
    ),
)


def resolve_profile(
    profiles: Mapping[str, DeviceProfile], state: RegionState, thing_name: str
) -> DeviceProfile | None:
    """The thing's profile: its `simProfile` attribute, else the nearest group's, else None.

    Unknown profile names count as none (a typo must not crash the emulator).
    """
    thing = state.things.get(thing_name)
    if thing is None:
        return None
    name = thing.attributes.get(PROFILE_ATTRIBUTE)
    if name is not None:
        return profiles.get(name)
    best: tuple[int, str, str] | None = None
    groups = state.groups
    for start in thing.groups:
        distance = 0
        current: str | None = start
        while current is not None:
            group = groups.get(current)
            if group is None:
                break
            found = group.attributes.get(PROFILE_ATTRIBUTE)
            if found is not None:
                candidate = (distance, current, found)
                if best is None or candidate < best:
                    best = candidate
                break
            current = group.parent
            distance += 1
    return profiles.get(best[2]) if best is not None else None


def plan_run(profile: DeviceProfile, draws: Draws) -> tuple[str, list[Action]]:
    """(outcome, actions in reverse order) for one execution.

    The first action is the StartNext report at delay 0. Outcomes: SUCCEEDED, FAILED (at a
    random step), REJECTED (before starting), HANG (stops reporting at a random point).
    """
    roll = draws.random()
    if roll < profile.succeed:
        outcome = ex.SUCCEEDED
    elif roll < profile.succeed + profile.fail:
        outcome = ex.FAILED
    elif roll < profile.succeed + profile.fail + profile.reject:
        outcome = ex.REJECTED
    else:
        outcome = "HANG"
    actions: list[Action] = []
    delay = 0.0
    steps = profile.steps
    stop_at = len(steps)
    if outcome in (ex.FAILED, "HANG"):
        stop_at = min(int(draws.random() * len(steps)), len(steps) - 1)
    for index, step in enumerate(steps):
        duration = step.seconds * draws.uniform(1.0 - step.jitter, 1.0 + step.jitter)
        slice_ = duration / step.updates
        for k in range(step.updates):
            progress = f"{k * 100 // step.updates}%"
            actions.append((delay, ex.IN_PROGRESS, {"step": step.name, "progress": progress}))
            delay = slice_
        if index == stop_at:
            if outcome == ex.FAILED:
                reason = draws.choice(profile.failure_reasons)
                actions.append((delay, ex.FAILED, {"reason": reason, "step": step.name}))
            break
    else:
        last = steps[-1].name
        actions.append((delay, ex.SUCCEEDED, {"step": last, "progress": "100%"}))
    actions.reverse()
    return outcome, actions
