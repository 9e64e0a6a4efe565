"""`:` jumps: a job by id (fuzzy), a thing's executions, region switching in place, and the
screen's own actions; each against the emulator over HTTP."""

from __future__ import annotations

from typing import Any

import boto3
from textual.command import CommandPalette

from iotjobs_tui.ui.screens.execution import ExecutionScreen
from iotjobs_tui.ui.widgets.job_table import JobTable

from .conftest import wait_for


async def open_palette(pilot: Any, app: Any, query: str) -> None:
    await pilot.press("colon")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*query)
    await pilot.pause(0.3)


def hits(app: Any) -> list[str]:
    from textual.command import CommandList

    options = app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_jump_to_a_job_by_fuzzy_id(make_app: Any, iot: Any) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    for job_id in ("alpha-rollout", "beta-rollout", "gamma-hotfix"):
        iot.create_job(jobId=job_id, targets=[arn], document="{}")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.screen.query_one(JobTable)
        await wait_for(pilot, lambda: table.row_count == 3)
        await open_palette(pilot, app, "gmhf")
        await wait_for(pilot, lambda: any("gamma-hotfix" in hit for hit in hits(app)))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.main_screen.detail.job_id == "gamma-hotfix")
        assert table.selected_job_id == "gamma-hotfix"


async def test_jump_to_a_things_executions(make_app: Any, iot: Any) -> None:
    arn = iot.create_thing(thingName="sensor-7")["thingArn"]
    iot.create_job(jobId="old", targets=[arn], document="{}")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.table.row_count == 1)
        await open_palette(pilot, app, "thing sensor-7")
        await wait_for(pilot, lambda: any("Thing sensor-7" in hit for hit in hits(app)))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExecutionScreen))
        assert (app.screen.job_id, app.screen.thing_name) == ("old", "sensor-7")


async def test_switch_region_in_place(make_app: Any, iot: Any, sim_url: str) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(jobId="east-job", targets=[arn], document="{}")
    west = boto3.client(
        "iot",
        region_name="us-west-2",
        endpoint_url=sim_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    west_arn = west.create_thing(thingName="dev-west")["thingArn"]
    west.create_job(jobId="west-job", targets=[west_arn], document="{}")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.main_screen.table
        await wait_for(pilot, lambda: list(table.rows) == ["east-job"])
        app.switch_connection(None, "us-west-2")
        await wait_for(pilot, lambda: list(table.rows) == ["west-job"])
        await wait_for(pilot, lambda: app.main_screen.detail.job_id == "west-job")
        await wait_for(pilot, lambda: app.connection.phase == "connected")
        assert "us-west-2" in app.connection.label
        assert app.options.region == "us-west-2"


async def test_region_commands_are_offered(make_app: Any, iot: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await open_palette(pilot, app, "region eu-west-1")
        await wait_for(pilot, lambda: any("Region eu-west-1" in hit for hit in hits(app)))


async def test_the_screens_actions_are_commands(make_app: Any, iot: Any) -> None:
    arn = iot.create_thing(thingName="dev")["thingArn"]
    iot.create_job(jobId="j", targets=[arn], document="{}")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.main_screen.detail.job_id == "j")
        await open_palette(pilot, app, "Executions")
        await wait_for(pilot, lambda: any("Executions (e)" in hit for hit in hits(app)))
