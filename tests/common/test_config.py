"""The config file: typed decoding, one-line errors naming file and key, precedence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iotjobs_tui.common.config import Config, ConfigError, decode, load


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_file_decodes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
read_write = true
[refresh]
detail = 2
list = 30.5
executions_pause = 0
[aws]
profile = "prod"
region = "eu-west-1"
[view]
theme = "iotjobs-light"
time_zone = "local"
clipboard = "tmux"
[log]
level = "debug"
file = "/tmp/x.log"
[keys]
refresh = "f5"
quit = "ctrl+q,q"
""",
    )
    config = load(path)
    assert config.read_write is True
    assert (config.refresh.detail, config.refresh.list, config.refresh.executions_pause) == (
        2.0,
        30.5,
        0.0,
    )
    assert (config.aws.profile, config.aws.region) == ("prod", "eu-west-1")
    assert (config.view.theme, config.view.time_zone, config.view.clipboard) == (
        "iotjobs-light",
        "local",
        "tmux",
    )
    assert (config.log.level, config.log.file) == ("debug", "/tmp/x.log")
    assert config.keys == {"refresh": "f5", "quit": "ctrl+q,q"}


def test_no_file_means_defaults() -> None:
    # IOTJOBS_TUI_HOME (conftest) points at an empty directory.
    assert load() == Config()


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[refresh]\ndetail = 0.5", "refresh.detail", "from 1 to 3600 seconds"),
        ('[refresh]\ndetail = "fast"', "refresh.detail", "must be a number of seconds"),
        ("[refresh]\nlist = nan", "refresh.list", "from 1 to 3600"),
        ("[refresh]\ndetail = true", "refresh.detail", "number of seconds"),
        ("refesh = 3", "refesh", "is not a setting"),
        ("[view]\nclipboard = 'x11'", "view.clipboard", "one of auto, osc52, tmux, off"),
        ("[view]\ntime_zone = 'Europe/Paris'", "view.time_zone", "one of utc, local"),
        ("[view]\ntheme = '../etc'", "view.theme", "letters, digits"),
        ("read_write = 'yes'", "read_write", "true or false"),
        ("[aws]\nregion = 3", "aws.region", "non-empty string"),
        ("aws = 3", "aws", "must be a table"),
        ("[keys]\nrefresh = 'f5!'", "keys.refresh", "key name"),
        ("[log]\nlevel = 'loud'", "log.level", "one of debug"),
    ],
)
def test_a_bad_key_names_file_key_and_problem(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: ")
    assert problem in message
    assert "\n" not in message


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load(write(tmp_path, "[refresh\n"))
    with pytest.raises(ConfigError, match="no such file"):
        load(tmp_path / "missing.toml")


def test_decode_keeps_defaults_for_missing_keys() -> None:
    config = decode({"refresh": {"detail": 3}})
    assert config.refresh.detail == 3.0
    assert config.refresh.list == 15.0
    assert config.view.clipboard == "auto"


def test_cli_bad_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, "[refresh]\ndetail = -4\n")
    done = subprocess.run(
        [sys.executable, "-m", "iotjobs_tui", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"{path}: refresh.detail: must be from 1 to 3600 seconds" in lines[0]
    assert "Traceback" not in done.stderr


def test_the_config_reaches_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--config` intervals, clipboard, time zone and read-write end up in the app's options;
    flags win over the file."""
    from iotjobs_tui import cli, launch

    seen: dict[str, object] = {}

    class FakeApp:
        available_themes: dict[str, object] = {}
        setup_error = None
        return_code = 0

        def run(self) -> None:
            pass

    def build_app(
        settings: object, prepare: object = None, prefetch: object = None, **view: object
    ) -> FakeApp:
        seen.update(view)
        return FakeApp()

    monkeypatch.setattr(cli, "_not_a_terminal", lambda: None)
    monkeypatch.setattr(launch, "build_app", build_app)
    path = write(
        tmp_path,
        "read_write = true\n[refresh]\ndetail = 7\nlist = 40\n[view]\nclipboard = 'off'\n",
    )
    assert cli.main(["--demo", "--no-prefetch", "--config", str(path)]) == 0
    assert seen["detail_interval"] == 7.0
    assert seen["list_interval"] == 40.0
    assert seen["clipboard"] == "off"
    assert seen["read_write"] is True
    seen.clear()
    cli.main(["--demo", "--config", str(path), "--refresh", "3", "--clipboard", "osc52"])
    assert seen["detail_interval"] == 3.0
    assert seen["clipboard"] == "osc52"
    # A demo clock 10x as fast polls 10x as often (down to 1 s), unless given on the line.
    seen.clear()
    cli.main(["--demo", "--config", str(path), "--speed", "10"])
    assert (seen["detail_interval"], seen["list_interval"]) == (1.0, 4.0)
    seen.clear()
    cli.main(["--demo", "--config", str(path), "--speed", "10", "--list-refresh", "30"])
    assert (seen["detail_interval"], seen["list_interval"]) == (1.0, 30.0)


def test_key_overrides_rebind_and_unknown_ids_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from iotjobs_tui import cli
    from iotjobs_tui.ui.app import IotJobsApp
    from iotjobs_tui.ui.protocols import ViewOptions

    class NoData:
        def bind(self, owner: object) -> None:
            pass

    app = IotJobsApp(NoData(), ViewOptions(keymap={"refresh": "f5"}))  # type: ignore[arg-type]
    assert {"refresh", "pause", "copy", "cancel", "jump", "executions"} <= app.binding_ids()
    assert app._keymap == {"refresh": "f5"}
    monkeypatch.setattr(cli, "_not_a_terminal", lambda: None)
    path = write(tmp_path, "[keys]\nrefesh = 'f5'\n")
    assert cli.main(["--demo", "--config", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert f"{path}: keys.refesh: is not a key binding id" in lines[0]
