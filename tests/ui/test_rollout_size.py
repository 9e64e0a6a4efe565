"""Progress against the whole target set: a group of 10 things, 3 of them notified."""

from __future__ import annotations

from typing import Any

from .conftest import seed_group, wait_for
from .test_main_screen import detail, table


async def test_three_of_ten_targets_notified(make_app: Any, iot: Any, emulator: Any) -> None:
    group = seed_group(iot, "fleet", 10)
    iot.create_job(
        jobId="rollout",
        targets=[group],
        document="{}",
        jobExecutionsRolloutConfig={"maximumPerMinute": 3},
    )
    emulator.clock.advance(30)  # the first minute's 3 notifications, no more
    with emulator.lock:
        while emulator.advance():
            pass
    created = iot.describe_job(jobId="rollout")["job"]["jobProcessDetails"]
    assert sum(v for k, v in created.items() if k.startswith("numberOf")) == 3
    app = make_app(job_id="rollout", list_interval=3600, detail_interval=3600)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: detail(app).job is not None)
        await wait_for(pilot, lambda: detail(app).targets("rollout")[0] is not None)
        count = detail(app).targets("rollout")[0]
        assert count is not None and count.things == 10 and count.complete
        text = "".join(str(w.render()) for w in detail(app).query("Field"))
        assert "3 of 10 targets notified (30.0 %)" in text, text[:400]
        # The list's progress column means the same: succeeded of the 10 targets.
        await wait_for(pilot, lambda: table(app).progress.get("rollout") == (0, 10))
        assert table(app).measured["rollout"].of_targets


async def test_with_the_fleet_index_every_row_is_counted(
    make_app: Any, iot: Any, emulator: Any
) -> None:
    """With fleet indexing on, the list's rows (not only the detail's job) are counted, with
    one GetStatistics each, and the detail says where its count came from."""
    iot.update_indexing_configuration(thingIndexingConfiguration={"thingIndexingMode": "REGISTRY"})
    for name, size in (("alpha", 10), ("beta", 4)):
        group = seed_group(iot, name, size)
        iot.create_job(jobId=name, targets=[group], document="{}")
    with emulator.lock:
        while emulator.advance():
            pass
    app = make_app(job_id="alpha", list_interval=3600, detail_interval=3600)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: detail(app).targets("alpha")[0] is not None)
        await wait_for(pilot, lambda: detail(app).targets("beta")[0] is not None)
        alpha, beta = detail(app).targets("alpha")[0], detail(app).targets("beta")[0]
        assert alpha is not None and (alpha.things, alpha.source) == (10, "fleet index")
        assert beta is not None and (beta.things, beta.source) == (4, "fleet index")
        await wait_for(pilot, lambda: table(app).progress.get("beta") == (0, 4))
        assert table(app).measured["beta"].of_targets
        text = "".join(str(w.render()) for w in detail(app).query("Field"))
        assert "10 of 10 targets notified" in text and "targets from the fleet index" in text
        assert emulator_calls(app, "ListThingsInThingGroup") == 0


def emulator_calls(app: Any, operation: str) -> int:
    return int(app.data.stats.calls[operation])
