"""Fault rules from the command line (`iotjobs-tui sim --fault ...`) and over /_sim/faults."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import pytest

from iotjobs_tui import cli
from iotjobs_tui.sim.runner import fault_config, run_foreground
from iotjobs_tui.sim.server import SimServer
from iotjobs_tui.sim.wire.faults.injector import FaultConfig
from iotjobs_tui.sim.wire.faults.rules import FaultRule, name_rules, parse_fault_tokens, parse_rule
from iotjobs_tui.sim.wire.faults.scope import Scope, parse_scope
from tests.sim.fault_kit import admin, outcome


def test_tokens_become_rules() -> None:
    name, rule = parse_fault_tokens(["error", "AccessDenied", "ops=DescribeJob,list-jobs"])
    assert name is None
    assert rule == parse_rule(
        {
            "fault": "error",
            "code": "AccessDeniedException",
            "operations": ["iot:DescribeJob", "iot:ListJobs"],
        }
    )
    name, rule = parse_fault_tokens(["latency", "200:50", "share=0.5", "name=slow"])
    assert name == "slow"
    assert (rule.params, rule.share, rule.operations) == (
        {"ms": 200.0, "jitter_ms": 50.0},
        0.5,
        Scope(),
    )
    assert parse_fault_tokens(["credentials", "AKID1,AKID2", "expires-at=0"])[1].params == {
        "access_keys": ["AKID1", "AKID2"],
        "expires_at": 0.0,
        "expire_long_term_keys": False,
    }
    assert parse_fault_tokens(["replace", "status", "value=42"])[1].params["value"] == 42
    assert parse_fault_tokens(["replace", "status", "value=X"])[1].params["value"] == "X"
    assert parse_fault_tokens(["html", "503"])[1].params == {"status": 503}
    assert parse_fault_tokens(["drip", "chunk_bytes=4", "pause_ms=10"])[1].params == {
        "chunk_bytes": 4,
        "pause_ms": 10.0,
    }
    assert parse_fault_tokens(["unknown_enum", "ops=iot-jobs-data:*"])[1].operations == Scope(
        frozenset({"iot-jobs-data:*"})
    )


def test_scopes() -> None:
    assert parse_scope(None) == parse_scope("*") == parse_scope(["ListJobs", "all"]) == Scope()
    assert parse_scope("iot-jobs-data:read").entries == {
        "iot-jobs-data:DescribeJobExecution",
        "iot-jobs-data:GetPendingJobExecutions",
    }
    scope = parse_scope(["iot:*"])
    assert scope.matches("iot", "DescribeJobExecution")
    assert not scope.matches("iot-jobs-data", "DescribeJobExecution")
    for bad, message in [
        ("DescribeJobExecution", "in both iot and iot-jobs-data"),
        (["Nope"], "unknown operation 'Nope'"),
        ([], "operations is empty"),
        (5, "must be a list of operation names"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_scope(bad)


def test_unnamed_rules_are_named_after_their_kind() -> None:
    reset = FaultRule("reset")
    html = FaultRule("html", params={"status": 502})
    assert list(name_rules([(None, reset), ("reset", html), (None, reset), (None, html)])) == [
        "reset-2",
        "reset",
        "reset-3",
        "html",
    ]
    with pytest.raises(ValueError, match="--fault names 'x' twice"):
        name_rules([("x", reset), ("x", html)])


def test_sim_flags_parse() -> None:
    args = cli.build_parser().parse_args(
        ["sim", "--fault", "reset", "ops=DescribeJob", "--fault", "html", "--port", "0"]
    )
    assert [(name, rule.kind) for name, rule in args.fault] == [(None, "reset"), (None, "html")]
    assert cli.build_parser().parse_args(["sim"]).fault == []
    config = fault_config(faults=args.fault)
    assert list(config.rules) == ["reset", "html"]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--fault"], "argument --fault: expected at least one argument"),
        (["--fault", "explode"], "unknown fault 'explode'"),
        (["--fault", "error"], "an error fault needs code"),
        (["--fault", "error", "Oops"], "unknown error code 'Oops'"),
        (["--fault", "error", "AccessDenied", "ops=DescribeJb"], "did you mean DescribeJob?"),
        (["--fault", "error", "AccessDenied", "share=2"], "error share must be between 0 and 1"),
        (["--fault", "reset", "after"], "a reset fault takes KEY=VALUE here"),
        (["--fault", "latency", "fast"], "latency ms must be a number"),
        (["--fault", "latency", "10", "bogus=1"], "unknown field 'bogus' for a latency fault"),
        (["--fault", "html", "404"], "html status must be one of 500, 502, 503, 504"),
        (["--fault", "drop-member", "stauts"], "has a member 'stauts'"),
        (["--fault", "credentials", "A", "expires_in=-1"], "expires_in must be between 0"),
        (["--fault", "drip", "name=a b"], "a fault name must be"),
        (["--fault", "reset", "share=1", "share=0"], "share is given twice"),
    ],
)
def test_bad_fault_flags_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["sim", "--port", "0", *flags])
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("iotjobs-tui sim: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_flags_that_do_not_fit_together_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    rules = [("x", FaultRule("reset")), ("x", FaultRule("truncate"))]
    assert run_foreground("127.0.0.1", 0, "empty", 1, 0.0, faults=rules) == 2
    assert capsys.readouterr() == ("", "iotjobs-tui sim: error: --fault names 'x' twice\n")


def test_runner_serves_the_fault_flags(make_client: Any) -> None:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "iotjobs_tui", "sim", "--port", "0", "--speed", "0"),
            *("--fault", "error", "AccessDenied", "ops=ListJobs", "name=deny"),
            *("--fault", "latency", "5", "ops=iot-jobs-data:*"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("listening on "), line
        url = line.split()[-1]
        state = admin(url)[1]
        assert state["rules"] == {
            "deny": {
                "fault": "error",
                "operations": ["iot:ListJobs"],
                "share": 1.0,
                "code": "AccessDeniedException",
            },
            "latency": {
                "fault": "latency",
                "operations": ["iot-jobs-data:*"],
                "share": 1.0,
                "ms": 5.0,
                "jitter_ms": 0.0,
            },
        }
        iot = make_client("iot", url)
        assert outcome(iot.list_jobs) == ("AccessDeniedException", 403)
        assert outcome(iot.list_job_templates) == ("ok", 200)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert (process.returncode, stdout, stderr) == (0, "", "")


# -- the admin endpoint ------------------------------------------------------------------------


def test_admin_sets_replaces_and_clears_rules(sim_server: SimServer, iot: Any) -> None:
    url = sim_server.base_url
    status, state = admin(
        url,
        {
            "rules": {
                "a": {"fault": "truncate", "operations": "ListJobs", "share": 0.25},
                "b": {"fault": "long-string", "member": "jobId"},
            }
        },
    )
    assert status == 200
    assert state["rules"] == {
        "a": {"fault": "truncate", "operations": ["iot:ListJobs"], "share": 0.25},
        "b": {"fault": "long-string", "operations": "*", "share": 1.0, "member": "jobId"},
    }
    # Given again, a rule is replaced whole; null removes one, or all of them.
    state = admin(url, {"rules": {"a": {"fault": "html"}}})[1]
    assert state["rules"]["a"] == {"fault": "html", "operations": "*", "share": 1.0, "status": 502}
    assert admin(url, {"rules": {"b": None}})[1]["rules"].keys() == {"a"}
    assert admin(url, {"rules": None})[1]["rules"] == {}
    assert outcome(iot.list_jobs) == ("ok", 200)


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([1], "rules must be an object of named faults, or null"),
        ({"a": 5}, "fault 'a': a fault must be an object"),
        ({"a": {"fault": "nope"}}, "fault 'a': unknown fault 'nope'"),
        ({"a": {"fault": "error"}}, "fault 'a': an error fault needs code"),
        ({"a": {"fault": "reset", "operations": ["Nope"]}}, "unknown operation 'Nope'"),
        ({"a b": {"fault": "reset"}}, "a fault name must be"),
        ({"a": {"fault": "credentials"}}, "needs access_keys, expires_at or expires_in"),
    ],
)
def test_admin_rejects_bad_rules_with_400(sim_server: SimServer, rules: Any, message: str) -> None:
    url = sim_server.base_url
    admin(url, {"rules": {"keep": {"fault": "reset", "operations": "ListJobs"}}})
    before = admin(url)[1]
    status, answer = admin(url, {"rules": rules})
    assert status == 400
    assert message in answer["message"]
    assert admin(url)[1] == before


def test_config_takes_rules_as_json_or_rules() -> None:
    config = FaultConfig(rules={"a": {"fault": "reset"}, "b": FaultRule("truncate")})
    assert config.rules == {"a": FaultRule("reset"), "b": FaultRule("truncate")}
    assert config.changed({"seed": 2}).rules == config.rules
    assert not config.active  # rules need no rate-limit draws
    with pytest.raises(ValueError, match="rules must be an object"):
        FaultConfig(rules=[])  # type: ignore[arg-type]
