"""The config file: TOML in the user config directory (or `--config PATH`), decoded into typed
dataclasses. stdlib only (tomllib): pydantic-settings would add ~200 ms to every launch.

Every problem is one `ConfigError` naming the file, the key and what is wrong; the CLI prints
it on one line and exits 2. Unknown keys are errors too: a typo ("refesh") silently ignored
is a setting the user believes in and does not have.

Precedence, lowest first: built-in defaults, this file, `AWS_*` variables (for profile and
region, as the AWS SDKs read them), then command-line flags.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iotjobs_tui.common import paths

CONFIG_NAME = "config.toml"
CLIPBOARD_MODES = ("auto", "osc52", "tmux", "off")
TIME_ZONES = ("utc", "local")
LOG_LEVELS = ("debug", "info", "warning", "error")
# A Textual key name, or several separated by commas ("ctrl+r,f5").
_KEY = re.compile(r"^[a-z0-9_+\-]+(,[a-z0-9_+\-]+)*$")
_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")


class ConfigError(Exception):
    """One line: '<file>: <key>: <problem>'."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        where = f"{path}: {key}: " if key else f"{path}: "
        super().__init__(f"{where}{problem}")
        self.path, self.key, self.problem = str(path), key, problem


@dataclass(frozen=True)
class RefreshConfig:
    detail: float = 5.0  # seconds between DescribeJob calls of the job on screen
    list: float = 15.0  # seconds between job list refreshes
    executions_pause: float = 0.5  # seconds between ListJobExecutionsForJob pages


@dataclass(frozen=True)
class AwsConfig:
    profile: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class ViewConfig:
    theme: str | None = None  # None: the remembered choice, else the built-in default
    time_zone: str = "utc"
    clipboard: str = "auto"


@dataclass(frozen=True)
class LogConfig:
    file: str | None = None  # None: iotjobs-tui.log in the user log directory
    level: str = "info"


@dataclass(frozen=True)
class Config:
    path: str | None = None  # the file it came from (None: defaults only)
    refresh: RefreshConfig = field(default_factory=RefreshConfig)
    aws: AwsConfig = field(default_factory=AwsConfig)
    view: ViewConfig = field(default_factory=ViewConfig)
    log: LogConfig = field(default_factory=LogConfig)
    read_write: bool = False
    # Textual binding id -> key(s), e.g. {"refresh": "f5"} (see the README's key table).
    keys: dict[str, str] = field(default_factory=dict)


def default_path() -> Path:
    return paths.config_dir() / CONFIG_NAME


def load(path: Path | str | None = None) -> Config:
    """The config at `path` (must exist), or the default file if there is one, else defaults."""
    if path is None:
        candidate = default_path()
        if not candidate.is_file():
            return Config()
        path = candidate
    import tomllib

    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, "", "no such file") from None
    except OSError as exc:
        raise ConfigError(path, "", f"cannot be read ({exc.strerror or exc})") from None
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(path, "", "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "", f"is not valid TOML ({exc})") from None
    return decode(document, path)


class _Reader:
    """Takes keys out of one table, checking types; whatever is left over is unknown."""

    def __init__(self, path: Path | str, table: dict[str, Any], prefix: str) -> None:
        self.path, self.table, self.prefix = path, dict(table), prefix

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, f"{self.prefix}{key}", problem)

    def seconds(self, key: str, default: float, low: float, high: float) -> float:
        if key not in self.table:
            return default
        value = self.table.pop(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"must be a number of seconds (got {value!r})")
        if not math.isfinite(value) or not low <= value <= high:
            raise self.error(key, f"must be from {low:g} to {high:g} seconds (got {value!r})")
        return float(value)

    def text(self, key: str, choices: tuple[str, ...] | None = None) -> str | None:
        if key not in self.table:
            return None
        value = self.table.pop(key)
        if not isinstance(value, str) or not value:
            raise self.error(key, f"must be a non-empty string (got {value!r})")
        if choices is not None and value.lower() not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)} (got {value!r})")
        return value.lower() if choices is not None else value

    def name(self, key: str) -> str | None:
        value = self.text(key)
        if value is not None and not _NAME.match(value):
            raise self.error(key, f"must be letters, digits, '-' or '_' (got {value!r})")
        return value

    def flag(self, key: str, default: bool) -> bool:
        if key not in self.table:
            return default
        value = self.table.pop(key)
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false (got {value!r})")
        return value

    def table_of(self, key: str) -> _Reader:
        value = self.table.pop(key, {})
        if not isinstance(value, dict):
            raise self.error(key, "must be a table ([" + self.prefix + key + "])")
        return _Reader(self.path, value, f"{self.prefix}{key}.")

    def done(self) -> None:
        for key in self.table:
            raise self.error(key, "is not a setting iotjobs-tui knows (see the README)")


def decode(document: dict[str, Any], path: Path | str = "<config>") -> Config:
    top = _Reader(path, document, "")
    refresh = top.table_of("refresh")
    refresh_config = RefreshConfig(
        detail=refresh.seconds("detail", 5.0, 1, 3600),
        list=refresh.seconds("list", 15.0, 1, 3600),
        executions_pause=refresh.seconds("executions_pause", 0.5, 0, 60),
    )
    refresh.done()
    aws = top.table_of("aws")
    aws_config = AwsConfig(profile=aws.name("profile"), region=aws.name("region"))
    aws.done()
    view = top.table_of("view")
    view_config = ViewConfig(
        theme=view.name("theme"),
        time_zone=view.text("time_zone", TIME_ZONES) or "utc",
        clipboard=view.text("clipboard", CLIPBOARD_MODES) or "auto",
    )
    view.done()
    log = top.table_of("log")
    log_config = LogConfig(file=log.text("file"), level=log.text("level", LOG_LEVELS) or "info")
    log.done()
    read_write = top.flag("read_write", False)
    keys_table = top.table_of("keys")
    keys: dict[str, str] = {}
    for action in list(keys_table.table):
        value = keys_table.text(action)
        if value is None or not _KEY.match(value.replace(" ", "")):
            raise keys_table.error(action, f"must be a key name such as 'f5' (got {value!r})")
        keys[action] = value.replace(" ", "")
    top.done()
    return Config(
        path=str(path),
        refresh=refresh_config,
        aws=aws_config,
        view=view_config,
        log=log_config,
        read_write=read_write,
        keys=keys,
    )
