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
        (["--refresh", "-1"], "must be greater than 0"),
        (["--refresh", "soon"], "not a number"),
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
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In-process: an exit before the app runs still turns the garbage collector back on."""
    import gc

    from iotjobs_tui.cli import main

    try:
        assert main(["--theme", "no-such-theme", "--region", "us-east-1"]) == 2
        assert gc.isenabled()
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "unknown theme 'no-such-theme'" in err
    finally:
        gc.unfreeze()
        gc.enable()
