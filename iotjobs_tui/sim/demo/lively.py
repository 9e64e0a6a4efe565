"""Scenario `demo` (the default of `--demo`): a lively fleet with a believable history.

~2,000 things in nested groups (`demo_fleet`), 100,000 smart meters for scale, and ~40 jobs
(`demo_jobs.CATALOGUE`) that together show every job status and configuration. Simulated
devices (`devices`) work through the jobs by the device plane's rules.

History: the clock is rewound (frozen) to the oldest job's creation, every job is created at
its own past time through the CreateJob handler, cancels happen when the catalogue says, and
the scheduler replays rollouts, devices, timeouts, retries, aborts and maintenance windows in
between. The clock then lands back on the present (plus the time the load itself took at the
requested speed) and runs at the requested speed again. The 100,000-meter job starts 30 s
before the present, so only its first batch has a history.

Live from the first minute: counters move on several rollouts, a maintenance window opens or
closes every minute, a new device is provisioned every ~45 s (the CONTINUOUS onboarding job
picks it up), and a finished job is deleted 25 s in. Fleet indexing is on, with one dynamic
group (`sensors-fw-2-4-1`) that grows as those devices come online.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from iotjobs_tui.common import gc_pause
from iotjobs_tui.sim.api import managed_templates as managed
from iotjobs_tui.sim.api.handlers import dynamic_groups as dynamic_handlers
from iotjobs_tui.sim.api.handlers import fleet_index as index_handlers
from iotjobs_tui.sim.api.handlers import jobs as job_handlers
from iotjobs_tui.sim.api.handlers import templates as template_handlers
from iotjobs_tui.sim.api.handlers import things as thing_handlers
from iotjobs_tui.sim.api.registry import RequestContext
from iotjobs_tui.sim.demo.fleet import (
    SITES,
    Fleet,
    add_thing,
    build_groups,
    build_meters,
    build_things,
    control_context,
    thing_name,
)
from iotjobs_tui.sim.demo.jobs import ACCOUNT_ROLE, CATALOGUE, DEMO_PROFILES, TEMPLATES, JobSpec
from iotjobs_tui.sim.devices import simulated as devices
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.wire.errors import ServiceError

REGION = "us-east-1"
# New devices join the onboarding group (and their site and hardware groups) this often.
PROVISION_EVERY_SECONDS = 45.0
PROVISION_SINCE_MINUTES = 20.0
PROVISION_MAX = 2_000


def load(emulator: Emulator, seed: int) -> None:
    """Build the demo into `emulator` (the caller holds `emulator.lock`)."""
    clock = emulator.clock
    started = time.monotonic()
    present = clock.now()
    emulator.rng.seed(seed)
    # The demo account has fleet indexing with connectivity: GetThingConnectivityData answers.
    emulator.config.connectivity_indexing = True
    sim = devices.install(emulator, profiles=DEMO_PROFILES, seed=seed)
    ctx = control_context(emulator, REGION)
    # ~200,000 long-lived objects: collecting while building them is wasted time.
    with gc_pause.collections_off():
        _build(emulator, ctx, sim, present, started)


def _build(emulator: Emulator, ctx: Any, sim: Any, present: float, started: float) -> None:
    clock = emulator.clock
    speed = clock.speed
    clock.speed = 0.0
    try:
        oldest = max(spec.ago for spec in CATALOGUE) * 60.0
        _at(emulator, present - oldest - 3600.0)
        build_groups(ctx)
        thing_handlers.create_thing_group(
            ctx,
            {
                "thingGroupName": "onboarding",
                "thingGroupProperties": {
                    "thingGroupDescription": "Devices provisioned in the last days: they get "
                    "the baseline config (continuous job onboarding-baseline-config)",
                },
            },
        )
        fleet = build_things(ctx, emulator.rng.random)
        fleet.meters = build_meters(ctx, clock.now())
        _index_fleet(ctx)
        for template in TEMPLATES:
            template_handlers.create_job_template(ctx, dict(template))
        for when, action in _timeline(emulator, ctx, sim, fleet, present):
            _replay_until(emulator, when)
            action(when)
        target = present + (time.monotonic() - started) * speed
        _replay_until(emulator, target)
        clock.rebase(target)
    finally:
        clock.speed = speed


def _index_fleet(ctx: RequestContext) -> None:
    """Fleet indexing on (registry and connectivity), as a fleet this size would have it, and
    a dynamic group that grows as sensors are provisioned on the factory image. After the
    meters: their fast path bypasses the handlers, so the index is built from the registry."""
    index_handlers.update_indexing_configuration(
        ctx,
        {
            "thingIndexingConfiguration": {
                "thingIndexingMode": "REGISTRY",
                "thingConnectivityIndexingMode": "STATUS",
            }
        },
    )
    dynamic_handlers.create_dynamic_thing_group(
        ctx,
        {
            "thingGroupName": "sensors-fw-2-4-1",
            "queryString": "thingName:sensor-* AND attributes.fw:2.4.1",
            "thingGroupProperties": {
                "thingGroupDescription": "Dynamic: sensors on firmware 2.4.1, the factory image "
                "of newly provisioned devices (grows as they come online)",
            },
        },
    )


def _at(emulator: Emulator, when: float) -> None:
    emulator.clock.rebase(when)


def _replay_until(emulator: Emulator, when: float) -> None:
    """Run every scheduled event up to `when`, each with the clock at its own time."""
    scheduler = emulator.scheduler
    while True:
        due = scheduler.next_due()
        if due is None or due > when:
            break
        _at(emulator, max(due, emulator.clock.now()))
        scheduler.run_due(due)
    if when > emulator.clock.now():
        _at(emulator, when)


Action = Callable[[float], None]


def _timeline(
    emulator: Emulator,
    ctx: RequestContext,
    sim: devices.DeviceSimulation,
    fleet: Fleet,
    present: float,
) -> list[tuple[float, Action]]:
    """(time, action) pairs in time order: job creations, cancels, provisioning."""
    events: list[tuple[float, int, Action]] = []
    order = 0

    def add(when: float, action: Action) -> None:
        nonlocal order
        events.append((when, order, action))
        order += 1

    for spec in CATALOGUE:
        add(present - spec.ago * 60.0, _creator(emulator, ctx, sim, fleet, spec, present))
        if spec.cancel is not None:
            ago, force, reason, comment = spec.cancel
            add(present - ago * 60.0, _canceller(ctx, spec.job_id, force, reason, comment))
        if spec.delete_after is not None:
            _schedule_delete(emulator, ctx, spec.job_id, present + spec.delete_after)
    first = present - PROVISION_SINCE_MINUTES * 60.0
    add(first, lambda when: _provision(emulator, ctx, when, 0))
    events.sort(key=lambda e: (e[0], e[1]))
    return [(when, action) for when, _, action in events]


def _creator(
    emulator: Emulator,
    ctx: RequestContext,
    sim: devices.DeviceSimulation,
    fleet: Fleet,
    spec: JobSpec,
    present: float,
) -> Action:
    def create(when: float) -> None:
        state = emulator.region(ctx.region)
        targets = [state.group_arn(g) for g in spec.groups]
        for site, kind, count in spec.things:
            targets += [state.thing_arn(n) for n in fleet.things(site, kind)[:count]]
        params: dict[str, Any] = {
            "jobId": spec.job_id,
            "targets": targets,
            "description": spec.description,
            **spec.params,
        }
        if spec.document is not None:
            params["document"] = json.dumps(spec.document, indent=2)
            if "s3-presigned-url" in params["document"]:
                params["presignedUrlConfig"] = {
                    "roleArn": ACCOUNT_ROLE.format(account=emulator.config.account_id),
                    "expiresInSec": 3600,
                }
        if spec.template is not None:
            if spec.template.startswith("AWS-"):
                found = managed.find(spec.template)
                assert found is not None, spec.template
                params["jobTemplateArn"] = found.arn(ctx.region)
            else:
                params["jobTemplateArn"] = state.template_arn(spec.template)
        if spec.schedule is not None:
            start, end, behaviour, windows = spec.schedule
            scheduling: dict[str, Any] = {}
            if start is not None:
                scheduling["startTime"] = _string_time(present + start * 60.0)
            if end is not None:
                scheduling["endTime"] = _string_time(present + end * 60.0)
            if behaviour is not None:
                scheduling["endBehavior"] = behaviour
            if windows:
                scheduling["maintenanceWindows"] = [
                    {"startTime": expr, "durationInMinutes": minutes} for expr, minutes in windows
                ]
            params["schedulingConfig"] = scheduling
        if spec.profile is not None or spec.steps is not None:
            sim.override_job(ctx.region, spec.job_id, spec.profile, steps=spec.steps)
        job_handlers.create_job(ctx, params)

    return create


def _string_time(epoch: float) -> str:
    """StringDateTime on a whole minute (AWS accepts minute precision)."""
    moment = datetime.fromtimestamp(epoch - epoch % 60, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _canceller(ctx: RequestContext, job_id: str, force: bool, reason: str, comment: str) -> Action:
    def cancel(when: float) -> None:
        try:
            job_handlers.cancel_job(
                ctx, {"jobId": job_id, "force": force, "reasonCode": reason, "comment": comment}
            )
        except ServiceError:
            pass  # it finished (or aborted) before the operator got to it

    return cancel


def _schedule_delete(emulator: Emulator, ctx: RequestContext, job_id: str, when: float) -> None:
    def delete(_at: float) -> None:
        try:
            job_handlers.delete_job(ctx, {"jobId": job_id, "force": False})
        except ServiceError:
            pass  # still running (or gone): leave it

    emulator.scheduler.schedule(when, delete)


def _provision(emulator: Emulator, ctx: RequestContext, when: float, count: int) -> None:
    """A factory-provisioned sensor comes online: it joins its site, hardware model and the
    onboarding group (so the CONTINUOUS baseline job reaches it), through the API handlers."""
    site = SITES[count % len(SITES)]
    state = emulator.region(ctx.region)
    number = 151 + count // len(SITES)
    name = thing_name("sensor", site, number)
    if name not in state.things:
        hardware = "hw-nrf9160" if site.region in ("us-west", "ap-southeast") else "hw-esp32-s3"
        add_thing(
            ctx,
            name,
            {"model": hardware.removeprefix("hw-"), "fw": "2.4.1", "site": site.code},
            [site.group, hardware, "onboarding"],
        )
    if count + 1 < PROVISION_MAX:
        emulator.scheduler.schedule(
            when + PROVISION_EVERY_SECONDS,
            lambda at: _provision(emulator, ctx, at, count + 1),
        )
