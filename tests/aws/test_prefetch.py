"""The launch-time helper process (`aws.prefetch`): a real child against the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iotjobs_tui.aws import prefetch
from iotjobs_tui.aws.models import parse_job_summary
from iotjobs_tui.aws.prefetch import Prefetch, may_prompt
from iotjobs_tui.sim.server import SimServer
from iotjobs_tui.sim.wire.faults.injector import FaultConfig


def _jobs(iot: Any, count: int) -> None:
    arn = iot.create_thing_group(thingGroupName="fleet")["thingGroupArn"]
    for i in range(count):
        iot.create_job(jobId=f"job-{i:03d}", targets=[arn], document="{}")


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child inherits the environment: keys there, as a user's would be."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setattr(prefetch, "_usable_cpus", lambda: 2)


async def test_the_helper_returns_the_first_page(keys: None, iot: Any, sim_url: str) -> None:
    _jobs(iot, 60)
    helper = Prefetch.start(None, "us-east-1", sim_url)
    assert helper is not None
    page = await helper.first_page(30)
    expected = [parse_job_summary(job) for job in iot.list_jobs(maxResults=50)["jobs"]]
    assert page == expected and len(page) == 50


async def test_a_slow_helper_can_be_asked_again(
    keys: None, iot: Any, sim_server: SimServer
) -> None:
    _jobs(iot, 3)
    sim_server.faults.configure(FaultConfig(latency_ms=1500))
    helper = Prefetch.start(None, "us-east-1", sim_server.base_url)
    assert helper is not None
    with pytest.raises(TimeoutError):
        await helper.first_page(0.05)
    page = await helper.first_page(30)  # it kept running: nothing was lost
    assert page is not None and [job.job_id for job in page] == ["job-002", "job-001", "job-000"]


async def test_a_failing_helper_gives_no_page(keys: None) -> None:
    helper = Prefetch.start(None, "us-east-1", "http://127.0.0.1:9")  # nothing listens
    assert helper is not None
    assert await helper.first_page(30) is None


async def test_cancel_stops_the_helper(keys: None, sim_server: SimServer) -> None:
    sim_server.faults.configure(FaultConfig(latency_ms=5000))
    helper = Prefetch.start(None, "us-east-1", sim_server.base_url)
    assert helper is not None
    helper.cancel()
    assert helper._process.returncode is not None


def test_skipped_on_one_cpu(keys: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefetch, "_usable_cpus", lambda: 1)
    assert Prefetch.start(None, "us-east-1", "http://127.0.0.1:9") is None


def _config(tmp_path: Path, text: str) -> dict[str, str]:
    config = tmp_path / "config"
    config.write_text(text)
    return {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}


def test_keys_in_the_environment_never_prompt(tmp_path: Path) -> None:
    env = _config(tmp_path, "[default]\ncredential_process = op read x\n")
    env |= {"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}
    assert not may_prompt(None, env)
    assert may_prompt("default", env)  # a named profile wins over the environment


def test_profiles_that_may_prompt_or_run_a_program(tmp_path: Path) -> None:
    env = _config(
        tmp_path,
        "[default]\nregion = us-east-1\n"
        "[profile tool]\ncredential_process = op read x\n"
        "[profile base]\nmfa_serial = arn:aws:iam::1:mfa/me\n"
        "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n"
        "[profile sso]\nsso_session = corp\n"
        "[sso-session corp]\nsso_start_url = https://x\n",
    )
    assert not may_prompt(None, env)
    assert may_prompt("tool", env)
    assert may_prompt("role", env)  # through its source profile
    assert not may_prompt("sso", env)  # reads a cached token, never prompts
    assert may_prompt("tool", env | {"AWS_PROFILE": "sso"})  # --profile beats AWS_PROFILE
    assert not may_prompt(None, env | {"AWS_PROFILE": "sso"})


def test_a_broken_config_counts_as_may_prompt(tmp_path: Path) -> None:
    assert may_prompt(None, _config(tmp_path, "not an ini file\n"))
