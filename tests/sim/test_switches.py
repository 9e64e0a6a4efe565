"""Every switch from outside: `sim --set`, `sim --config FILE`, `sim --list-switches`, and
`GET`/`POST /_sim/config`."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui import cli
from iotjobs_tui.sim import switches
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.emulator_config import EmulatorConfig
from iotjobs_tui.sim.runner import run_foreground

SIM = (sys.executable, "-m", "iotjobs_tui", "sim")
NAMES = [f.name for f in dataclasses.fields(EmulatorConfig)]


def config_call(url: str, body: Any = None) -> tuple[int, Any]:
    """GET /_sim/config, or POST `body` (a JSON value, or bytes as they are)."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{url}/_sim/config", data=data, method="GET" if body is None else "POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def run(*flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SIM, *flags], capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start `iotjobs-tui sim` with flags; yields a function returning its URL."""
    processes: list[subprocess.Popen[str]] = []

    def start(*flags: str) -> str:
        process = subprocess.Popen(
            [*SIM, "--port", "0", "--speed", "0", *flags],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        processes.append(process)
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("listening on "), (line, process.stderr and process.stderr.read())
        return line.split()[-1]

    yield start
    for process in processes:
        process.send_signal(signal.SIGTERM)
        try:
            stdout, stderr = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
        assert (process.returncode, stdout, stderr) == (0, "", "")


# --- the switches' declarations ---------------------------------------------------------------


def test_every_switch_has_a_source_and_a_parsable_type() -> None:
    found = switches.switches()
    assert list(found) == NAMES
    for sw in found.values():
        assert len(sw.source) > 20 and sw.source.endswith((".", '."')), sw.name
        assert sw.kinds, sw.name
    assert found["max_concurrent_jobs"].kinds == (int, None)
    assert found["endpoint_address"].kinds == (("host", "url"),)
    assert {n for n, sw in found.items() if sw.at_start} == {"account_id", "seed"}


def test_text_values_are_parsed_by_type() -> None:
    assert switches.parse_setting("list_newest_first=off") == ("list_newest_first", False)
    assert switches.parse_setting("list_newest_first=TRUE") == ("list_newest_first", True)
    assert switches.parse_setting("max_targets=7") == ("max_targets", 7)
    assert switches.parse_setting("max_concurrent_jobs=none") == ("max_concurrent_jobs", None)
    assert switches.parse_setting("rollout_step_seconds=0.5") == ("rollout_step_seconds", 0.5)
    assert switches.parse_setting("abort_reason_code=A=B") == ("abort_reason_code", "A=B")
    assert switches.parse_setting("endpoint_address=url") == ("endpoint_address", "url")
    for bad, says in [
        ("max_targets", "expected NAME=VALUE"),
        ("max_targets=none", "must be a whole number, not 'none'"),
        ("list_newest_first=maybe", "must be true or false"),
        ("rollout_step_seconds=nan", "must be a number"),
        ("endpoint_address=URL", "must be one of host, url"),
        ("max_target=1", "did you mean max_targets?"),
    ]:
        with pytest.raises(ValueError, match=says):
            switches.parse_setting(bad)


# --- the command line ---------------------------------------------------------------------------


def test_list_switches_prints_every_switch_with_its_default_and_source() -> None:
    done = run("--list-switches")
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    listed = [line.split(" = ")[0] for line in lines if not line.startswith(" ")]
    assert listed == NAMES
    assert "max_active_snapshot_jobs = 100  (int or none)" in lines
    assert "endpoint_address = 'host'  (host|url)" in lines
    text = " ".join(line.strip() for line in lines)
    assert "Service Quotas 'Active snapshot jobs', L-D80B05DB" in text
    assert "inProgressTimeoutInMinutes is InvalidRequestException" in text


def test_set_and_config_file_reach_the_running_emulator(
    serve: Any, make_client: Any, tmp_path: Path
) -> None:
    path = tmp_path / "switches.toml"
    path.write_text('max_targets = 3\nendpoint_address = "url"\nmax_concurrent_jobs = 7\n')
    url = serve(
        "--config",
        str(path),
        "--set",
        "max_targets=1",
        "--set",
        "list_newest_first=false",
        "--set",
        "max_active_snapshot_jobs=none",
    )
    status, values = config_call(url)
    assert status == 200 and list(values) == NAMES
    # --set wins over the file; the file's other values stay; the rest keep their defaults.
    assert (values["max_targets"], values["endpoint_address"]) == (1, "url")
    assert (values["list_newest_first"], values["max_active_snapshot_jobs"]) == (False, None)
    assert (values["max_concurrent_jobs"], values["default_page_size"]) == (7, 50)
    iot = make_client("iot", url)
    things = [iot.create_thing(thingName=f"t{i}")["thingArn"] for i in range(2)]
    with pytest.raises(ClientError) as exc:
        iot.create_job(jobId="j", targets=things, document="{}")
    assert exc.value.response["Error"]["Code"] == "LimitExceededException"
    assert iot.describe_endpoint(endpointType="iot:Jobs")["endpointAddress"].startswith("http://")


@pytest.mark.parametrize(
    ("flags", "file_text", "says"),
    [
        (["--set", "max_targets=lots"], None, "argument --set: max_targets must be a whole number"),
        (["--set", "no_such_switch=1"], None, "argument --set: unknown switch 'no_such_switch'"),
        (["--set", "max_targets"], None, "argument --set: expected NAME=VALUE"),
        ([], "max_targets = 'three'\n", "switches.toml: max_targets must be a whole number"),
        ([], "max_targets = true\n", "switches.toml: max_targets must be a whole number"),
        ([], "nope = 1\n", "switches.toml: unknown switch 'nope'"),
        ([], "max_targets = \n", "switches.toml is not valid TOML"),
    ],
)
def test_a_bad_switch_is_one_line_and_exit_2(
    tmp_path: Path, flags: list[str], file_text: str | None, says: str
) -> None:
    if file_text is not None:
        path = tmp_path / "switches.toml"
        path.write_text(file_text)
        flags = [*flags, "--config", str(path)]
    done = run("--port", "0", *flags)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("iotjobs-tui sim: error: ")
    assert says in done.stderr
    assert done.stderr.count("\n") == 1


def test_set_parses_in_the_parser_and_a_missing_file_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = cli.build_parser().parse_args(["sim", "--set", "seed=9", "--set", "seed=10"])
    assert args.switches == [("seed", 9), ("seed", 10)]
    assert args.sim_config is None
    missing = str(tmp_path / "missing.toml")
    assert run_foreground("127.0.0.1", 0, "empty", 1, 0.0, config_file=missing) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"iotjobs-tui sim: error: cannot read {missing}: " + (
        "No such file or directory\n"
    )


# --- /_sim/config ------------------------------------------------------------------------------


def test_get_lists_every_switch_and_post_changes_them(
    sim_url: str, emulator: Emulator, iot: Any
) -> None:
    status, values = config_call(sim_url)
    assert status == 200
    assert values == dataclasses.asdict(EmulatorConfig())
    status, values = config_call(sim_url, {"max_targets": 1, "max_concurrent_jobs": None})
    assert status == 200
    assert (values["max_targets"], values["max_concurrent_jobs"]) == (1, None)
    assert emulator.config.max_targets == 1
    things = [iot.create_thing(thingName=f"t{i}")["thingArn"] for i in range(2)]
    with pytest.raises(ClientError) as exc:
        iot.create_job(jobId="j", targets=things, document="{}")
    assert exc.value.response["Error"]["Code"] == "LimitExceededException"
    # A float switch takes a whole JSON number.
    assert config_call(sim_url, {"rollout_step_seconds": 2})[1]["rollout_step_seconds"] == 2.0


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"max_targets": "5"}, "max_targets must be a whole number, not '5'."),
        ({"max_targets": True}, "max_targets must be a whole number, not True."),
        ({"max_targets": 1.5}, "max_targets must be a whole number, not 1.5."),
        ({"list_newest_first": 1}, "list_newest_first must be true or false, not 1."),
        ({"endpoint_address": "dns"}, "endpoint_address must be one of host, url, not 'dns'."),
        ({"nope": 1}, "unknown switch 'nope'; --list-switches lists them."),
        ({"seed": 3}, "seed only takes effect at start (use --set or --config)."),
        ({}, "expected a JSON object of one or more switches and their values."),
        ([1], "expected a JSON object of one or more switches and their values."),
        (b"{not json", "the body is not JSON; send an object of switches and their values."),
    ],
)
def test_post_refuses_unknown_names_and_bad_types(
    sim_url: str, emulator: Emulator, body: Any, says: str
) -> None:
    status, answer = config_call(sim_url, body)
    assert (status, answer) == (400, {"message": says})
    assert emulator.config == EmulatorConfig()  # nothing half-applied
