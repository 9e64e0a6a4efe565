"""The demo fleet: ~2,000 things in nested groups, plus 100,000 smart meters for scale.

Hierarchies (a thing belongs to at most one group of each):
- fleet regions and sites: `region-eu-west` -> `site-ams-01`, ... (10 sites of 200 things:
  6 gateways, 150 sensors, 24 cameras, 20 HVAC controllers);
- hardware models: `hardware` -> `hw-rpi4-rev-b`, `hw-esp32-s3` -> `hw-esp32-s3-lot-2611` (a
  bad manufacturing lot), `hw-nrf9160`, `hw-jetson-orin-nano`, `hw-stm32h7`, `hw-efr32mg24`.
  Hardware groups carry the `simProfile` attribute, so a model's devices behave alike and the
  bad lot (a child group) fails together;
- rollout rings: `rollout-rings` -> `ring-canary` (about 2% of the fleet);
- `lab-hil-bench`: four dev kits with no simulated device, for a person or a test to drive;
- `region-us-central` -> four sites of 25,000 smart meters (`meter-us-central-dal-00042`); a
  third of them, in batches of 50 by serial number, are hardware revision C
  (`hw-efr32mg24-rev-c`, a child of `hw-efr32mg24`).

Failure reasons cluster by hardware, unevenly, so the why panel has something to find
(`FLEET_PROFILES`, which replace the built-in profiles of the same name in the demo): the bad
ESP32 lot fails mostly with FLASH_WRITE_ERROR, revision C meters fail four times as often as
the others and mostly with FLASH_WRITE_ERROR, the other meters mostly with CHECKSUM_MISMATCH.

Names read like a real fleet's: `sensor-eu-west-ams-0042`, `gw-us-east-nyc-0007`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from iotjobs_tui.sim.api.handlers import things as thing_handlers
from iotjobs_tui.sim.api.registry import CONTROL, RequestContext
from iotjobs_tui.sim.devices.simulated import BUILTIN_PROFILES, PROFILE_ATTRIBUTE, DeviceProfile
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.engine.state import RegionState, Thing


@dataclass(frozen=True)
class Site:
    region: str  # fleet region, e.g. "eu-west"
    code: str  # e.g. "ams-01"
    city: str
    timezone: str

    @property
    def group(self) -> str:
        return f"site-{self.code}"

    @property
    def short(self) -> str:
        return self.code.split("-")[0]


SITES: tuple[Site, ...] = (
    Site("eu-west", "ams-01", "Amsterdam", "Europe/Amsterdam"),
    Site("eu-west", "dub-01", "Dublin", "Europe/Dublin"),
    Site("eu-west", "par-02", "Paris", "Europe/Paris"),
    Site("us-east", "nyc-01", "New York", "America/New_York"),
    Site("us-east", "atl-01", "Atlanta", "America/New_York"),
    Site("us-east", "bos-01", "Boston", "America/New_York"),
    Site("us-west", "sea-01", "Seattle", "America/Los_Angeles"),
    Site("us-west", "sjc-02", "San Jose", "America/Los_Angeles"),
    Site("ap-southeast", "sin-01", "Singapore", "Asia/Singapore"),
    Site("ap-southeast", "syd-01", "Sydney", "Australia/Sydney"),
)
FLEET_REGIONS: dict[str, str] = {
    "eu-west": "eu-west-1",
    "us-east": "us-east-1",
    "us-west": "us-west-2",
    "ap-southeast": "ap-southeast-1",
}
CELLULAR_REGIONS = frozenset({"us-west", "ap-southeast"})

# (group, parent, description, attributes incl. the simulated-device profile)
HARDWARE: tuple[tuple[str, str | None, str, dict[str, str]], ...] = (
    ("hardware", None, "Hardware models in the field", {}),
    (
        "hw-rpi4-rev-b",
        "hardware",
        "Site gateways: Raspberry Pi 4 Model B rev 1.5, Debian 12",
        {"vendor": "Raspberry Pi", "arch": "arm64", PROFILE_ATTRIBUTE: "gateway"},
    ),
    (
        "hw-esp32-s3",
        "hardware",
        "Wi-Fi environment sensors (ESP32-S3, 8 MB flash)",
        {"vendor": "Espressif", "arch": "xtensa", PROFILE_ATTRIBUTE: "healthy"},
    ),
    (
        "hw-esp32-s3-lot-2611",
        "hw-esp32-s3",
        "ESP32-S3 boards from manufacturing lot 2611 (flash vendor change, RMA open)",
        {"lot": "2611", "rma": "RMA-2026-0193", PROFILE_ATTRIBUTE: "bad-batch"},
    ),
    (
        "hw-nrf9160",
        "hardware",
        "LTE-M battery sensors (nRF9160)",
        {"vendor": "Nordic", "arch": "cortex-m33", PROFILE_ATTRIBUTE: "flaky-cellular"},
    ),
    (
        "hw-jetson-orin-nano",
        "hardware",
        "Edge vision cameras (Jetson Orin Nano 8GB, JetPack 6)",
        {"vendor": "NVIDIA", "arch": "arm64", PROFILE_ATTRIBUTE: "camera"},
    ),
    (
        "hw-stm32h7",
        "hardware",
        "HVAC controllers (STM32H743, FreeRTOS)",
        {"vendor": "ST", "arch": "cortex-m7", PROFILE_ATTRIBUTE: "healthy"},
    ),
    (
        "hw-efr32mg24",
        "hardware",
        "Smart electricity meters (EFR32MG24 mesh radio)",
        {"vendor": "Silicon Labs", "arch": "cortex-m33", PROFILE_ATTRIBUTE: "meter"},
    ),
)

# (kind, count per site, hardware group, model attribute, firmware attribute)
KINDS: tuple[tuple[str, int, str, str], ...] = (
    ("gw", 6, "hw-rpi4-rev-b", "2.3.0"),
    ("sensor", 150, "hw-esp32-s3", "2.3.0"),
    ("cam", 24, "hw-jetson-orin-nano", "4.1.2"),
    ("hvac", 20, "hw-stm32h7", "3.1.4"),
)
BAD_LOT = "hw-esp32-s3-lot-2611"
BAD_LOT_SHARE = 0.15
CANARY_SHARE = 0.02
DEVKITS = ("devkit-hil-01", "devkit-hil-02", "devkit-hil-03", "devkit-hil-04")

METER_REV_C = "hw-efr32mg24-rev-c"
METER_BATCH = 50  # meters were fitted in batches of 50 serial numbers; every third is rev C


def is_rev_c(number: int) -> bool:
    return (number - 1) // METER_BATCH % 3 == 2


def _weighted(**weights: int) -> tuple[str, ...]:
    """Reasons repeated by weight: a device's uniform choice among them is a weighted one."""
    return tuple(reason for reason, weight in weights.items() for _ in range(weight))


# Outcome shares and steps as the built-in profiles (so every run's timing and outcome draws
# are the same); only which reason a failure reports changes, and rev C fails more.
FLEET_PROFILES: tuple[DeviceProfile, ...] = (
    replace(
        BUILTIN_PROFILES["bad-batch"],
        failure_reasons=_weighted(FLASH_WRITE_ERROR=7, CHECKSUM_MISMATCH=2, BOOTLOOP_ROLLBACK=1),
    ),
    replace(
        BUILTIN_PROFILES["meter"],
        failure_reasons=_weighted(CHECKSUM_MISMATCH=7, MESH_ROUTE_LOST=3),
    ),
    replace(
        BUILTIN_PROFILES["meter"],
        name="meter-rev-c",
        description="Smart meter, hardware revision C: a flash part that wears out early.",
        succeed=0.955,
        fail=0.04,
        failure_reasons=_weighted(FLASH_WRITE_ERROR=8, CHECKSUM_MISMATCH=1, MESH_ROUTE_LOST=1),
    ),
)

METER_REGION = "us-central"
METER_SITES: tuple[tuple[str, str], ...] = (
    ("dal-01", "Dallas"),
    ("hou-02", "Houston"),
    ("aus-01", "Austin"),
    ("okc-01", "Oklahoma City"),
)
METERS_PER_SITE = 25_000


@dataclass
class Fleet:
    """What the job catalogue needs to know about the fleet it was built on."""

    by_site_kind: dict[tuple[str, str], list[str]]
    canary: list[str]
    meters: int = 0

    def things(self, site: str, kind: str) -> list[str]:
        return self.by_site_kind.get((site, kind), [])


def thing_name(kind: str, site: Site, number: int) -> str:
    return f"{kind}-{site.region}-{site.short}-{number:04d}"


def _group(
    ctx: RequestContext,
    name: str,
    parent: str | None,
    description: str,
    attributes: dict[str, str],
) -> None:
    params: dict[str, Any] = {
        "thingGroupName": name,
        "thingGroupProperties": {
            "thingGroupDescription": description,
            "attributePayload": {"attributes": attributes},
        },
    }
    if parent is not None:
        params["parentGroupName"] = parent
    thing_handlers.create_thing_group(ctx, params)


def add_thing(
    ctx: RequestContext, name: str, attributes: dict[str, str], groups: list[str]
) -> None:
    """CreateThing + AddThingToThingGroup, through the API's own handlers."""
    thing_handlers.create_thing(
        ctx, {"thingName": name, "attributePayload": {"attributes": attributes}}
    )
    for group in groups:
        thing_handlers.add_thing_to_thing_group(ctx, {"thingGroupName": group, "thingName": name})


def build_groups(ctx: RequestContext) -> None:
    for region, aws_region in FLEET_REGIONS.items():
        _group(
            ctx,
            f"region-{region}",
            None,
            f"Fleet region {region} (data plane in {aws_region})",
            {"awsRegion": aws_region},
        )
    for site in SITES:
        _group(
            ctx,
            site.group,
            f"region-{site.region}",
            f"{site.city} site {site.code}",
            {"city": site.city, "timezone": site.timezone},
        )
    for name, parent, description, attributes in HARDWARE:
        _group(ctx, name, parent, description, attributes)
    _group(ctx, "rollout-rings", None, "Staged rollout rings", {})
    _group(
        ctx,
        "ring-canary",
        "rollout-rings",
        "Canary ring: ~2% of devices that get every release first",
        {"ring": "0"},
    )
    _group(
        ctx,
        "lab-hil-bench",
        None,
        "Hardware-in-the-loop bench in the Amsterdam lab (driven by CI, not simulated)",
        {"rack": "hil-rack-2"},
    )


def build_things(ctx: RequestContext, draw: Any) -> Fleet:
    """The ~2,000-thing fleet, through CreateThing/AddThingToThingGroup (`draw()` in [0, 1))."""
    fleet = Fleet(by_site_kind={}, canary=[])
    for site in SITES:
        for kind, count, hardware, firmware in KINDS:
            names = fleet.by_site_kind.setdefault((site.code, kind), [])
            for number in range(1, count + 1):
                name = thing_name(kind, site, number)
                hw = hardware
                if kind == "sensor" and site.region in CELLULAR_REGIONS:
                    hw = "hw-nrf9160"
                elif kind == "sensor" and draw() < BAD_LOT_SHARE:
                    hw = BAD_LOT
                groups = [site.group, hw]
                if draw() < CANARY_SHARE:
                    groups.append("ring-canary")
                    fleet.canary.append(name)
                attributes = {"model": hw.removeprefix("hw-"), "fw": firmware, "site": site.code}
                add_thing(ctx, name, attributes, groups)
                names.append(name)
    for name in DEVKITS:
        add_thing(
            ctx,
            name,
            {"model": "esp32-s3-devkitc-1", "fw": "2.5.0-rc1", "bench": "hil-rack-2"},
            ["lab-hil-bench"],
        )
    return fleet


def build_meters(ctx: RequestContext, created_at: float) -> int:
    """100,000 smart meters in four sites of `region-us-central`.

    A fast path equal to CreateThing + AddThingToThingGroup on groups no job targets yet
    (nothing else reacts to these calls then), because 200,000 handler calls would blow the
    demo's startup budget. Thing ids come from the emulator's seeded RNG, like CreateThing's.
    """
    em = ctx.emulator
    state: RegionState = em.region(ctx.region)
    region_group = f"region-{METER_REGION}"
    _group(ctx, region_group, None, "Fleet region us-central (smart meters)", {})
    hw_members = state.groups["hw-efr32mg24"].things
    rev_c_members: set[str] = set()
    # thingIds: a random UUID prefix from the seeded RNG and a scrambled 48-bit counter (an
    # odd multiplier is a bijection mod 2**48, so ids stay unique); a UUID per thing from the
    # RNG would cost a fifth of the startup budget.
    prefix = str(uuid.UUID(int=em.rng.getrandbits(128), version=4))[:24]
    arn_prefix = state.thing_arn("")
    things = state.things
    made = 0
    for code, city in METER_SITES:
        site_group = f"site-{code}"
        _group(
            ctx,
            site_group,
            region_group,
            f"{city} meter network {code}",
            {"city": city, "utility": "NTX-Power"},
        )
        name_prefix = f"meter-{METER_REGION}-{code.split('-')[0]}-"
        names = [f"{name_prefix}{number:05d}" for number in range(1, METERS_PER_SITE + 1)]
        things.update(
            (
                name,
                Thing(
                    name,
                    f"{prefix}{((made + i) * 0x9E3779B97F4B) & 0xFFFFFFFFFFFF:012x}",
                    arn_prefix + name,
                    {},
                    None,
                    created_at,
                    1,
                    {site_group, METER_REV_C if is_rev_c(i) else "hw-efr32mg24"},
                ),
            )
            for i, name in enumerate(names, 1)
        )
        state.groups[site_group].things.update(names)
        rev_c_members.update(name for i, name in enumerate(names, 1) if is_rev_c(i))
        hw_members.update(name for i, name in enumerate(names, 1) if not is_rev_c(i))
        made += len(names)
    # Made last, so the RNG draws before it (every thing id above) are as they were.
    _group(
        ctx,
        METER_REV_C,
        "hw-efr32mg24",
        "Smart meters, hardware revision C (flash part from a second source)",
        {"revision": "C", PROFILE_ATTRIBUTE: "meter-rev-c"},
    )
    state.groups[METER_REV_C].things.update(rev_c_members)
    return made


def control_context(emulator: Emulator, region: str) -> RequestContext:
    """A context for calling control-plane handlers directly, as the scenario does."""
    return RequestContext(
        emulator=emulator,
        service=CONTROL,
        region=region,
        account_id=emulator.config.account_id,
        operation="DemoScenario",
        base_url=emulator.base_url,
    )
