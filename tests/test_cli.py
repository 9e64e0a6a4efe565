"""Command-line misuse: one line on stderr, exit code 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iotjobs_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--thing", "t1"], "--thing needs --job"),
        (["--job", "j", "--execution-number", "2"], "--execution-number needs --thing"),
        (["--job", "j", "--thing", "t", "--execution-number", "0"], "must be 1 or more"),
        (["--job", "j", "--thing", "t", "--execution-number", "two"], "not a whole number"),
        (["--refresh", "-1"], "'-1' is not between 1 and 3600 seconds"),
        (["--refresh", "soon"], "not a number"),
        (["--refresh", "nan"], "'nan' is not a finite number"),
        (["--executions-pause", "inf"], "'inf' is not a finite number"),
        (["--endpoint-url", "notaurl"], "must start with http:// or https://"),
        (["sim", "--speed", "nan"], "'nan' is not a finite number"),
        (["--speed", "60"], "--speed and --seed only apply to --demo"),
        (["--demo", "--endpoint-url", "http://x"], "--demo runs against the built-in emulator"),
        (["sim", "--port", "70000"], "not between 0 and 65535"),
        (["sim", "--scenario", "nope"], "unknown scenario 'nope'"),
        (["sim", "--tps", "NoSuchOperation=3"], "NoSuchOperation"),
        (["sim", "--error-rate", "ThrottlingException=2"], "ThrottlingException"),
    ],
)
def test_misuse_is_one_line_and_exit_2(args: list[str], says: str) -> None:
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert says in lines[0]
    assert "Traceback" not in result.stderr


def test_help_and_version() -> None:
    result = run("--help")
    assert result.returncode == 0
    for flag in ("--profile", "--region", "--endpoint-url", "--demo", "--refresh", "--job"):
        assert flag in result.stdout
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("iotjobs-tui ")


def test_unknown_theme_is_one_line_and_collections_resume(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process: an exit before the app runs still turns the garbage collector back on."""
    import gc

    from iotjobs_tui import cli

    monkeypatch.setattr(cli, "_not_a_terminal", lambda: None)  # pytest captures the output
    try:
        assert cli.main(["--theme", "no-such-theme", "--region", "us-east-1"]) == 2
        assert gc.isenabled()
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "unknown theme 'no-such-theme'" in err
    finally:
        gc.unfreeze()
        gc.enable()


def _parse_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """In-process: the one line argparse prints, after checking it exits with 2."""
    from iotjobs_tui.cli import build_parser

    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


@pytest.mark.parametrize("option", ["--refresh", "--list-refresh", "--executions-pause"])
@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e308", "-1", "1e999"])
def test_intervals_reject_non_finite_and_out_of_range(
    option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _parse_error([f"{option}={value}"], capsys)
    assert f"argument {option}: {value!r} is not" in err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--refresh", "1e-9"], "is not between 1 and 3600 seconds"),
        (["--refresh", "0.5"], "is not between 1 and 3600 seconds"),
        (["--list-refresh", "3601"], "is not between 1 and 3600 seconds"),
        (["--executions-pause", "60.5"], "is not between 0 and 60 seconds"),
        (["--speed", "10001"], "is not between 0 and 10000"),
        (["--speed", "-0.1"], "is not between 0 and 10000"),
        (["sim", "--speed", "inf"], "is not a finite number"),
        (["--seed", "-1"], "must be 0 or more"),
        (["--seed", "1.5"], "is not a whole number"),
        (["--seed", str(2**63)], f"must be {2**63 - 1} or less"),
        (["sim", "--seed", "-1"], "must be 0 or more"),
        (["--execution-number", "0"], "must be 1 or more"),
        (["--execution-number", "1" * 5000], "is not a whole number"),
    ],
)
def test_numbers_out_of_bounds(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert says in _parse_error(argv, capsys)


@pytest.mark.parametrize(
    ("argv", "attribute", "value"),
    [
        (["--refresh", "1"], "refresh", 1.0),
        (["--refresh", "3600"], "refresh", 3600.0),
        (["--list-refresh", "2.5"], "list_refresh", 2.5),
        (["--executions-pause", "0"], "executions_pause", 0.0),
        (["--executions-pause", "60"], "executions_pause", 60.0),
        (["--speed", "0"], "speed", 0.0),  # the emulator's clock may be frozen
        (["--speed", "10000"], "speed", 10000.0),
        (["--seed", "0"], "seed", 0),
        (["sim", "--speed", "0"], "speed", 0.0),
        (["--endpoint-url", "http://127.0.0.1:5055"], "endpoint_url", "http://127.0.0.1:5055"),
        (["--endpoint-url", "http://[::1]:5055"], "endpoint_url", "http://[::1]:5055"),
        (
            ["--endpoint-url", "https://iot.eu-west-1.amazonaws.com"],
            "endpoint_url",
            "https://iot.eu-west-1.amazonaws.com",
        ),
    ],
)
def test_numbers_and_urls_in_bounds(argv: list[str], attribute: str, value: object) -> None:
    from iotjobs_tui.cli import build_parser

    assert getattr(build_parser().parse_args(argv), attribute) == value


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("notaurl", "must start with http:// or https://"),
        ("http://", "has no host name"),
        ("http://a b", "contains spaces or control characters"),
        ("http://[::1", "brackets around its IPv6 address do not match"),
        ("ftp://x", "must start with http:// or https://"),
        ("http://x:99999", "port must be a number from 1 to 65535"),
        ("http://my_host:5055", "is not a valid host name"),
        ("", "is empty"),
    ],
)
def test_endpoint_url_is_checked_up_front(
    url: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _parse_error(["--endpoint-url", url], capsys)
    assert f"argument --endpoint-url: {url!r} is not an endpoint URL: " in err and says in err


NOT_A_TERMINAL = (
    "iotjobs-tui: standard output is not a terminal; run it in one "
    "(or use `iotjobs-tui sim` for the emulator)"
)
CLOSED = ["--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1"]


@pytest.mark.parametrize("args", [CLOSED, [*CLOSED, "--no-prefetch", "--no-cache"], ["--demo"]])
def test_output_that_is_not_a_terminal_is_refused(args: list[str]) -> None:
    """stdout to a pipe: one line, exit 2, before anything starts (no escape codes)."""
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == NOT_A_TERMINAL + "\n"


def test_standard_error_that_is_not_a_terminal_is_refused() -> None:
    """Textual paints on stderr: `iotjobs-tui 2>log` would fill the log with the screen."""
    import os

    master, slave = os.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "iotjobs_tui", *CLOSED, "--no-prefetch", "--no-cache"],
            stdin=slave,
            stdout=slave,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(slave)
        os.close(master)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        NOT_A_TERMINAL.replace("standard output", "standard error")
    ]


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["sim", "--help"]])
def test_version_and_help_work_in_a_pipe(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 0 and result.stdout and result.stderr == ""


def test_local_time_option() -> None:
    from iotjobs_tui.cli import build_parser

    assert build_parser().parse_args(["--local-time"]).local_time is True
    assert build_parser().parse_args([]).local_time is False
    assert "--local-time" in run("--help").stdout
