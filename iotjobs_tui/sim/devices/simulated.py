"""Simulated devices that act through the device plane, each as its `DeviceProfile` says.

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

Which things are simulated: those with a profile (`profiles.resolve_profile`: the thing's
`simProfile` attribute, else its nearest group's). Things without one have no simulated device,
so a real device client, or a test acting as one, drives them alone. A scenario may also give
one job its own profile for the things that are simulated (`DeviceSimulation.override_job`).

Cost: one scheduler event per device action, no scanning; a device holds state only while it
has work (`device_state.Device`). Deterministic for a seed (`draws.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Protocol

from iotjobs_tui.sim.devices import plane as device_plane
from iotjobs_tui.sim.devices.connectivity import OfflineSpells
from iotjobs_tui.sim.devices.device_state import Device, DeviceStats
from iotjobs_tui.sim.devices.draws import Draws, run_seed
from iotjobs_tui.sim.devices.host import PlaneHost
from iotjobs_tui.sim.devices.profiles import (
    BUILTIN_PROFILES,
    PROFILE_ATTRIBUTE,
    DeviceProfile,
    Step,
    plan_run,
    resolve_profile,
)
from iotjobs_tui.sim.engine import transitions as ex
from iotjobs_tui.sim.engine.core import ExecutionChange
from iotjobs_tui.sim.engine.job_engine import JOB_SCHEDULED
from iotjobs_tui.sim.engine.state import RegionState
from iotjobs_tui.sim.wire.errors import ServiceError

# Callers reach profiles through this module (`simulated as devices`); they live in profiles.py.
__all__ = [
    "BUILTIN_PROFILES",
    "PROFILE_ATTRIBUTE",
    "DeviceProfile",
    "DeviceSimulation",
    "DeviceStats",
    "SimulationHost",
    "Step",
    "install",
    "simulation",
]


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
        self._devices: dict[tuple[str, str], Device] = {}

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
        return resolve_profile(self.profiles, state, thing_name)

    def active_devices(self) -> int:
        """Devices holding state right now (working, waiting, offline or polling)."""
        return len(self._devices)

    # --- reacting to the engine --------------------------------------------------------

    def on_execution_change(self, change: ExecutionChange) -> None:
        """An engine observer. The engine delivers changes after all its rules ran and never
        nested, so a device's own report is seen once the rules' consequences (a retry, an
        abort) are in place: it then looks for work like after the service ended its run."""
        state, job, execution, at = change.state, change.job, change.execution, change.at
        key = (state.region, execution.thing_name)
        device = self._devices.get(key)
        if change.old is None:
            if change.new != ex.QUEUED:
                return
            if device is None:
                if self.resolve(state, execution.thing_name) is None:
                    return
                draws = Draws(
                    run_seed(
                        self.seed,
                        state.region,
                        key[1],
                        job.job_id,
                        f"device-{execution.execution_number}",
                    )
                )
                device = self._devices[key] = Device(state.region, execution.thing_name, draws)
            if device.job_id is None and (device.event is None or device.polling):
                device.cancel_event()
                self._wake_later(device, at, self._react_delay(state, device))
            return
        if (
            device is not None
            and device.job_id == job.job_id
            and device.number == execution.execution_number
            and change.new in ex.TERMINAL
        ):
            # The run is over: the device reported its end, or the service ended it under the
            # device (timeout, cancel, removal).
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
            device = self._devices[key] = Device(
                region, thing_name, Draws(run_seed(self.seed, region, thing_name, "", at))
            )
        if device.job_id is None:
            device.cancel_event()
            self._wake_later(device, at, 0.0)

    # --- the device's own actions ------------------------------------------------------

    def _react_delay(self, state: RegionState, device: Device) -> float:
        profile = device.profile or self.resolve(state, device.thing)
        low, high = profile.react_seconds if profile is not None else (1.0, 8.0)
        return device.draws.uniform(low, high)

    def _wake_later(
        self, device: Device, at: float, delay: float, *, polling: bool = False
    ) -> None:
        device.polling = polling
        device.event = self.emulator.scheduler.schedule(
            at + delay, lambda when: self._wake(device, when)
        )

    def _drop(self, device: Device) -> None:
        device.cancel_event()
        if self._devices.get((device.region, device.thing)) is device:
            del self._devices[(device.region, device.thing)]

    def _wake(self, device: Device, at: float) -> None:
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
        run = Draws(
            run_seed(self.seed, device.region, device.thing, job.job_id, execution.execution_number)
        )
        outcome, plan = plan_run(profile, run)
        if execution.status == ex.QUEUED and outcome == ex.REJECTED:
            details = {"reason": run.choice(profile.reject_reasons)}
            device.job_id, device.number = job.job_id, execution.execution_number
            self._update(device, job.job_id, execution.execution_number, at, ex.REJECTED, details)
            return
        if execution.status == ex.QUEUED:
            first = plan.pop()
            try:
                # Our own start is no news to us: `device.job_id` is still None while it is
                # delivered, so `on_execution_change` leaves it alone.
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

    def _next_action(self, device: Device, at: float, profile: DeviceProfile) -> None:
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

    def _act(self, device: Device, at: float, profile: DeviceProfile) -> None:
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
        device: Device,
        job_id: str,
        number: int,
        at: float,
        status: str,
        details: dict[str, str],
    ) -> bool:
        """Report a status; after a final one (or a refusal) look for the next job.

        A final report's own change reaches `on_execution_change`, which ends the run and looks
        for work; a refused one (canceled, timed out or deleted under us) is handled here.
        """
        self.stats.actions += 1
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
        if status == ex.IN_PROGRESS:
            return True
        if status == ex.SUCCEEDED:
            self.stats.succeeded += 1
        elif status == ex.FAILED:
            self.stats.failed += 1
        elif status == ex.REJECTED:
            self.stats.rejected += 1
        if device.job_id is None:
            return False  # the final report was seen: the run is over, the device looked on
        device.job_id, device.plan, device.hung = None, [], False
        device.cancel_event()
        self._look_for_work(device, at)
        return False

    def _look_for_work(self, device: Device, at: float) -> None:
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
