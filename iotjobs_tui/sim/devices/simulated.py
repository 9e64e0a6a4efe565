"""Simulated devices: behaviour profiles, and devices that act through the device plane.

A simulated device is a thing with a `DeviceProfile`. It does what a real device client does,
through the same `device_plane` functions the iot-jobs-data handlers use, so every rule
(visibility of SCHEDULED jobs, versionNumber, timeouts, retries, abort) applies to it:

1. a new QUEUED execution for its thing wakes it after a short reaction delay;
2. it takes the next execution (`start_next`), or rejects it outright (`REJECTED`, with a
   reason) without starting it;
3. it posts progress (`IN_PROGRESS` with `{"step": "download", "progress": "40%"}`) step by
   step, each step taking a randomised duration;
4. it ends SUCCEEDED, FAILED (`{"reason": "CHECKSUM_MISMATCH", "step": ...}`), or never answers
   ("hang"), so the in-progress or step timer ends it as TIMED_OUT;
5. then it looks for the next pending execution. While the only pending work belongs to a
   SCHEDULED job (hidden from devices), it polls every `poll_seconds`.

A device may go offline before any action (`offline_chance`) and come back after
`offline_seconds`; the action waits, and GetThingConnectivityData reports the spell
(`sim/connectivity.py`). A hung device stays stuck on its execution until the
service ends it (timeout, force-cancel, removal), like the stuck device clients in the research
notes (P5).

Which things are simulated: the thing's `simProfile` attribute names its profile; otherwise the
nearest thing group with a `simProfile` attribute does (a group the thing belongs to beats its
parent, and so on up; ties between hierarchies go to the group name that sorts first, which
puts `hw-*` hardware-model groups before `region-*`/`site-*` ones). Things without either have
no simulated device, so a real device client, or a test acting as one, drives them alone. A
scenario may also give one job its own profile for the things that are simulated
(`DeviceSimulation.override_job`), e.g. a job that makes devices hang.

Cost: one scheduler event per device action, no scanning; a device holds state only while it
has work (a few slots, no per-device `random.Random`). Deterministic for a seed: each run draws
from a small SplitMix64 stream derived from (seed, thing, job, executionNumber).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from iotjobs_tui.sim.devices import plane as device_plane
from iotjobs_tui.sim.devices.connectivity import OfflineSpells
from iotjobs_tui.sim.devices.host import PlaneHost
from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.job_engine import JOB_SCHEDULED
from iotjobs_tui.sim.engine.state import Job, JobExecution, RegionState
from iotjobs_tui.sim.wire.errors import ServiceError

if TYPE_CHECKING:
    from iotjobs_tui.sim.engine.event_heap import Event

PROFILE_ATTRIBUTE = "simProfile"

_MASK = (1 << 64) - 1


# --- profiles ---------------------------------------------------------------------------------


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


# --- randomness -------------------------------------------------------------------------------


class _Draws:
    """A SplitMix64 stream: tiny, fast, and reproducible from a 64-bit seed."""

    __slots__ = ("state",)

    def __init__(self, seed: int) -> None:
        self.state = seed & _MASK

    def random(self) -> float:
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return ((z ^ (z >> 31)) >> 11) / float(1 << 53)

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.random()

    def choice(self, options: tuple[str, ...]) -> str:
        return options[min(int(self.random() * len(options)), len(options) - 1)]


def _seed(seed: int, region: str, thing: str, job: str, number: object) -> int:
    text = f"{seed}\x1f{region}\x1f{thing}\x1f{job}\x1f{number}".encode()
    return (zlib.crc32(text) << 32) | zlib.adler32(text)


# --- devices ----------------------------------------------------------------------------------

# An action: (delay after the previous action, status, statusDetails).
_Action = tuple[float, str, dict[str, str]]


class _Device:
    """A simulated thing with work to do (dropped when it is idle)."""

    __slots__ = (
        "draws",
        "event",
        "hung",
        "job_id",
        "number",
        "plan",
        "polling",
        "profile",
        "region",
        "thing",
    )

    def __init__(self, region: str, thing: str, draws: _Draws) -> None:
        self.region = region
        self.thing = thing
        self.draws = draws
        self.event: Event | None = None
        self.job_id: str | None = None  # the execution being worked on, if any
        self.number = 0
        self.plan: list[_Action] = []  # remaining actions, next one last
        self.hung = False
        self.polling = False  # waiting only for work hidden behind a SCHEDULED job
        self.profile: DeviceProfile | None = None  # the thing's own, as of the last wake

    def cancel_event(self) -> None:
        if self.event is not None:
            self.event.cancel()
            self.event = None


@dataclass
class DeviceStats:
    """Counters for benchmarks and tests."""

    actions: int = 0
    started: int = 0
    succeeded: int = 0
    failed: int = 0
    rejected: int = 0
    hung: int = 0
    offline: int = 0
    polls: int = 0
    errors: int = 0
    by_error: dict[str, int] = field(default_factory=dict)


class DeviceSimulation:
    """The simulated devices of one emulator (see the module doc). Install with `install`."""

    def __init__(
        self,
        emulator: SimulationHost,
        profiles: Mapping[str, DeviceProfile] | None = None,
        seed: int | None = None,
    ) -> None:
        self.emulator = emulator
        self.profiles: dict[str, DeviceProfile] = dict(
            BUILTIN_PROFILES if profiles is None else profiles
        )
        self.seed = emulator.config.seed if seed is None else seed
        # (region, job id) -> profile name used instead of the thing's own for that job.
        self.job_overrides: dict[tuple[str, str], tuple[str | None, tuple[Step, ...] | None]] = {}
        self._stepped: dict[tuple[str, str, str], DeviceProfile] = {}
        self.stats = DeviceStats()
        self.spells = OfflineSpells()  # GetThingConnectivityData reads them
        self._devices: dict[tuple[str, str], _Device] = {}
        self._acting: tuple[str, str] | None = None

    # --- configuration -----------------------------------------------------------------

    def add_profile(self, profile: DeviceProfile) -> None:
        self.profiles[profile.name] = profile

    def override_job(
        self,
        region: str,
        job_id: str,
        profile_name: str | None = None,
        *,
        steps: tuple[Step, ...] | None = None,
    ) -> None:
        """Simulated things act differently on this job.

        `profile_name` replaces each thing's own profile for the job; `steps` alone keeps each
        thing's profile (its outcome shares, offline habits) but reports these steps, e.g.
        `generate-csr`/`install-cert` for a certificate rotation instead of firmware steps.
        """
        if profile_name is not None and profile_name not in self.profiles:
            raise KeyError(f"unknown device profile {profile_name!r}")
        self.job_overrides[(region, job_id)] = (profile_name, steps)

    def profile_for_job(self, region: str, job_id: str, base: DeviceProfile) -> DeviceProfile:
        """The profile a simulated thing whose own profile is `base` uses for this job."""
        override = self.job_overrides.get((region, job_id))
        if override is None:
            return base
        name, steps = override
        profile = self.profiles.get(name, base) if name is not None else base
        if steps is None:
            return profile
        key = (profile.name, region, job_id)
        cached = self._stepped.get(key)
        if cached is None or cached.steps is not steps:
            cached = self._stepped[key] = replace(profile, steps=steps)
        return cached

    def resolve(self, state: RegionState, thing_name: str) -> DeviceProfile | None:
        """The thing's profile: its `simProfile` attribute, else the nearest group's, else None.

        Unknown profile names count as none (a typo must not crash the emulator).
        """
        thing = state.things.get(thing_name)
        if thing is None:
            return None
        name = thing.attributes.get(PROFILE_ATTRIBUTE)
        if name is not None:
            return self.profiles.get(name)
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
        return self.profiles.get(best[2]) if best is not None else None

    def active_devices(self) -> int:
        """Devices holding state right now (working, waiting, offline or polling)."""
        return len(self._devices)

    # --- reacting to the engine --------------------------------------------------------

    def on_execution_change(
        self, state: RegionState, job: Job, execution: JobExecution, old: str | None, at: float
    ) -> None:
        key = (state.region, execution.thing_name)
        if self._acting == key:
            return  # our own update (and whatever it set off, e.g. a retry): handled after it
        device = self._devices.get(key)
        if old is None:
            if execution.status != ex.QUEUED:
                return
            if device is None:
                if self.resolve(state, execution.thing_name) is None:
                    return
                draws = _Draws(
                    _seed(
                        self.seed,
                        state.region,
                        key[1],
                        job.job_id,
                        f"device-{execution.execution_number}",
                    )
                )
                device = self._devices[key] = _Device(state.region, execution.thing_name, draws)
            if device.job_id is None and (device.event is None or device.polling):
                device.cancel_event()
                self._wake_later(device, at, self._react_delay(state, device))
            return
        if (
            device is not None
            and device.job_id == job.job_id
            and device.number == execution.execution_number
            and execution.status in ex.TERMINAL
        ):
            # The service ended the execution under the device (timeout, cancel, removal).
            device.cancel_event()
            device.job_id, device.plan, device.hung = None, [], False
            self._look_for_work(device, at)

    def poke(self, region: str, thing_name: str, at: float) -> None:
        """Have a thing's device look for work now (e.g. after it was given a profile)."""
        state = self.emulator.region(region)
        if self.resolve(state, thing_name) is None:
            return
        key = (region, thing_name)
        device = self._devices.get(key)
        if device is None:
            device = self._devices[key] = _Device(
                region, thing_name, _Draws(_seed(self.seed, region, thing_name, "", at))
            )
        if device.job_id is None:
            device.cancel_event()
            self._wake_later(device, at, 0.0)

    # --- the device's own actions ------------------------------------------------------

    def _react_delay(self, state: RegionState, device: _Device) -> float:
        profile = device.profile or self.resolve(state, device.thing)
        low, high = profile.react_seconds if profile is not None else (1.0, 8.0)
        return device.draws.uniform(low, high)

    def _wake_later(
        self, device: _Device, at: float, delay: float, *, polling: bool = False
    ) -> None:
        device.polling = polling
        device.event = self.emulator.scheduler.schedule(
            at + delay, lambda when: self._wake(device, when)
        )

    def _drop(self, device: _Device) -> None:
        device.cancel_event()
        if self._devices.get((device.region, device.thing)) is device:
            del self._devices[(device.region, device.thing)]

    def _wake(self, device: _Device, at: float) -> None:
        """Look for work: take the next execution, or poll later, or go idle."""
        device.event = None
        device.polling = False
        em = self.emulator
        state = em.region(device.region)
        base = device.profile = self.resolve(state, device.thing)
        if base is None:
            self._drop(device)
            return
        draws = device.draws
        if base.offline_chance and draws.random() < base.offline_chance:
            self.stats.offline += 1
            spell = draws.uniform(*base.offline_seconds)
            self.spells.record(device.region, device.thing, at, at + spell)
            self._wake_later(device, at, spell)
            return
        try:
            in_progress, queued = device_plane.pending_executions(em, device.region, device.thing)
        except ServiceError:
            self._drop(device)
            return
        pair = in_progress[0] if in_progress else (queued[0] if queued else None)
        if pair is None:
            if self._has_hidden_work(state, device.thing):
                self.stats.polls += 1
                self._wake_later(
                    device, at, base.poll_seconds * draws.uniform(0.8, 1.2), polling=True
                )
            else:
                self._drop(device)
            return
        job, execution = pair
        profile = self.profile_for_job(device.region, job.job_id, base)
        run = _Draws(
            _seed(self.seed, device.region, device.thing, job.job_id, execution.execution_number)
        )
        outcome, plan = _plan(profile, run)
        if execution.status == ex.QUEUED and outcome == ex.REJECTED:
            details = {"reason": run.choice(profile.reject_reasons)}
            self._update(device, job.job_id, execution.execution_number, at, ex.REJECTED, details)
            return
        if execution.status == ex.QUEUED:
            first = plan.pop()
            self._acting = (device.region, device.thing)
            try:
                got = device_plane.start_next(
                    em,
                    device.region,
                    device.thing,
                    at,
                    status_details=first[2],
                    step_timeout_minutes=profile.step_timeout_minutes,
                )
            except ServiceError as exc:
                self._count_error(exc)
                got = None
            finally:
                self._acting = None
            if got is None:
                self._wake_later(device, at, base.poll_seconds)
                return
            job, execution = got
            self.stats.started += 1
        device.job_id, device.number = job.job_id, execution.execution_number
        device.plan, device.hung = plan, outcome == "HANG"
        if outcome == "HANG":
            self.stats.hung += 1
        self._next_action(device, at, profile)

    def _next_action(self, device: _Device, at: float, profile: DeviceProfile) -> None:
        if not device.plan:
            return  # hung: the service ends the execution (or nothing does)
        delay = device.plan[-1][0]
        if profile.offline_chance and device.draws.random() < profile.offline_chance:
            self.stats.offline += 1
            spell = device.draws.uniform(*profile.offline_seconds)
            self.spells.record(device.region, device.thing, at, at + spell)
            delay += spell
        device.event = self.emulator.scheduler.schedule(
            at + delay, lambda when: self._act(device, when, profile)
        )

    def _act(self, device: _Device, at: float, profile: DeviceProfile) -> None:
        device.event = None
        if device.job_id is None or not device.plan:
            return
        _, status, details = device.plan.pop()
        if status == ex.IN_PROGRESS:
            if self._update(device, device.job_id, device.number, at, status, details):
                self._next_action(device, at, profile)
        else:
            self._update(device, device.job_id, device.number, at, status, details)

    def _update(
        self,
        device: _Device,
        job_id: str,
        number: int,
        at: float,
        status: str,
        details: dict[str, str],
    ) -> bool:
        """Report a status; after a final one (or a refusal) look for the next job."""
        self.stats.actions += 1
        self._acting = (device.region, device.thing)
        try:
            device_plane.update_execution(
                self.emulator,
                device.region,
                device.thing,
                job_id,
                at,
                status=status,
                status_details=details,
                execution_number=number,
            )
        except ServiceError as exc:
            # Cancelled, timed out or deleted under us: drop this run and look again.
            self._count_error(exc)
            status = "ERROR"
        finally:
            self._acting = None
        if status == ex.IN_PROGRESS:
            return True
        if status == ex.SUCCEEDED:
            self.stats.succeeded += 1
        elif status == ex.FAILED:
            self.stats.failed += 1
        elif status == ex.REJECTED:
            self.stats.rejected += 1
        device.job_id, device.plan, device.hung = None, [], False
        device.cancel_event()
        self._look_for_work(device, at)
        return False

    def _look_for_work(self, device: _Device, at: float) -> None:
        """After a run: wake again soon if anything is pending (a retry, the next job), else
        drop the device's state until the next notification."""
        state = self.emulator.region(device.region)
        for execution in state.executions_by_thing.get(device.thing, ()):
            if execution.status in ex.ACTIVE:
                self._wake_later(device, at, self._react_delay(state, device))
                return
        self._drop(device)

    def _count_error(self, exc: ServiceError) -> None:
        self.stats.errors += 1
        self.stats.by_error[exc.code] = self.stats.by_error.get(exc.code, 0) + 1

    def _has_hidden_work(self, state: RegionState, thing_name: str) -> bool:
        """Whether the thing has active executions of SCHEDULED jobs (hidden from devices)."""
        for execution in state.executions_by_thing.get(thing_name, ()):
            if execution.status in ex.ACTIVE:
                job = state.jobs.get(execution.job_id)
                if job is not None and job.status == JOB_SCHEDULED:
                    return True
        return False


def _plan(profile: DeviceProfile, draws: _Draws) -> tuple[str, list[_Action]]:
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
    actions: list[_Action] = []
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


# --- installation -----------------------------------------------------------------------------


class SimulationHost(PlaneHost, Protocol):
    """The emulator as its device simulation sees it: it owns the simulation (no global)."""

    device_simulation: DeviceSimulation | None


def install(
    emulator: SimulationHost,
    *,
    profiles: Iterable[DeviceProfile] = (),
    seed: int | None = None,
) -> DeviceSimulation:
    """The emulator's device simulation, created and hooked into the engine on first call.

    Later calls return the same simulation (extra `profiles` are added to it; `seed` replaces
    the seed for runs that start from then on).
    """
    sim = emulator.device_simulation
    if sim is None:
        sim = DeviceSimulation(emulator, seed=seed)
        emulator.engine.execution_listeners.append(sim.on_execution_change)
        emulator.device_simulation = sim
    elif seed is not None:
        sim.seed = seed
    for profile in profiles:
        sim.add_profile(profile)
    return sim


def simulation(emulator: SimulationHost) -> DeviceSimulation | None:
    """The installed simulation, if any."""
    return emulator.device_simulation
