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
ALERT_DELIVERIES = ("bel", "osc9", "osc777")
# A Textual key name, or several separated by commas ("ctrl+r,f5").
_KEY = re.compile(r"^[a-z0-9_+\-]+(,[a-z0-9_+\-]+)*$")
_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")
_DETAILS_KEY = re.compile(r"[a-zA-Z0-9:_-]{1,128}")  # the model's DetailsKey


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
class WhyConfig:
    """The why panel: which statusDetails keys name a bucket, how many executions it samples.
    None keeps the built-in default (aws.why.DEFAULT_KEYS; 100 executions)."""

    keys: tuple[str, ...] | None = None
    sample: int | None = None

    def view_options(self) -> dict[str, Any]:
        """ViewOptions' why_keys and why_sample, for the ones the file sets."""
        options: dict[str, Any] = {}
        if self.keys is not None:
            options["why_keys"] = self.keys
        if self.sample is not None:
            options["why_sample"] = self.sample
        return options


@dataclass(frozen=True)
class AlertsConfig:
    """[alerts]: off unless enabled; how they are delivered and when they fire (ui/alerts.py)."""

    enabled: bool = False
    delivery: str = "bel"  # bel, osc9 or osc777
    on_alert: tuple[str, ...] = ()  # the hook's argv (split as a shell would, run without one)
    abort_fraction: float = 0.8  # of an abort criterion's threshold
    stuck_over: int = 10  # stuck executions
    stale_minutes: float = 5.0


def split_command(text: str) -> tuple[str, ...]:
    """`--on-alert`'s command as argv, split as a POSIX shell would; ValueError if empty or
    unbalanced. It is run without a shell: no pipes, no variables, no globbing."""
    import shlex

    try:
        argv = tuple(shlex.split(text))
    except ValueError as exc:
        raise ValueError(f"cannot split {text!r} into words ({exc})") from None
    if not argv:
        raise ValueError("is an empty command")
    return argv


@dataclass(frozen=True)
class StuckConfig:
    """[stuck]: when the stuck triage suspects an execution (aws.stuck's defaults)."""

    queued_minutes: float = 10.0  # QUEUED this long: never picked up
    in_progress_minutes: float = 30.0  # IN_PROGRESS without an update this long: silent

    def view_options(self) -> dict[str, Any]:
        return {
            "stuck_queued_minutes": self.queued_minutes,
            "stuck_in_progress_minutes": self.in_progress_minutes,
        }


@dataclass(frozen=True)
class Config:
    path: str | None = None  # the file it came from (None: defaults only)
    refresh: RefreshConfig = field(default_factory=RefreshConfig)
    aws: AwsConfig = field(default_factory=AwsConfig)
    view: ViewConfig = field(default_factory=ViewConfig)
    log: LogConfig = field(default_factory=LogConfig)
    why: WhyConfig = field(default_factory=WhyConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    stuck: StuckConfig = field(default_factory=StuckConfig)
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

    def count(self, key: str, low: int, high: int) -> int | None:
        if key not in self.table:
            return None
        value = self.table.pop(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problem = f"must be a whole number from {low:,} to {high:,} (got {value!r})"
            raise self.error(key, problem)
        return value

    def names(self, key: str, pattern: re.Pattern[str]) -> tuple[str, ...] | None:
        """A non-empty list of distinct strings, each matching `pattern`."""
        if key not in self.table:
            return None
        value = self.table.pop(key)
        if not isinstance(value, list) or not value:
            raise self.error(key, f"must be a non-empty list of strings (got {value!r})")
        for item in value:
            if not isinstance(item, str) or not pattern.fullmatch(item):
                raise self.error(key, f"{item!r} is not a statusDetails key ([a-zA-Z0-9:_-]+)")
        if len(set(value)) != len(value):
            raise self.error(key, "lists a key twice")
        return tuple(value)

    def number(self, key: str, default: float, low: float, high: float, unit: str = "") -> float:
        """A finite number from `low` to `high` (above `low` when `low` is 0)."""
        if key not in self.table:
            return default
        value = self.table.pop(key)
        unit = f" {unit}" if unit else ""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"must be a number{unit and ' of' + unit} (got {value!r})")
        if not math.isfinite(value) or not low <= value <= high or (low == 0 and value == 0):
            span = f"above 0 and at most {high:g}" if low == 0 else f"from {low:g} to {high:g}"
            raise self.error(key, f"must be {span}{unit} (got {value!r})")
        return float(value)

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
    why = top.table_of("why")
    why_config = WhyConfig(
        keys=why.names("keys", _DETAILS_KEY), sample=why.count("sample", 1, 10_000)
    )
    why.done()
    alerts = top.table_of("alerts")
    command = alerts.text("on_alert")
    try:
        on_alert = split_command(command) if command is not None else ()
    except ValueError as exc:
        raise alerts.error("on_alert", str(exc)) from None
    stuck_over = alerts.count("stuck_over", 0, 10_000_000)
    alerts_config = AlertsConfig(
        enabled=alerts.flag("enabled", False),
        delivery=alerts.text("delivery", ALERT_DELIVERIES) or "bel",
        on_alert=on_alert,
        abort_fraction=alerts.number("abort_fraction", 0.8, 0, 1),
        stuck_over=10 if stuck_over is None else stuck_over,
        stale_minutes=alerts.number("stale_minutes", 5.0, 1, 1440, "minutes"),
    )
    alerts.done()
    stuck = top.table_of("stuck")
    stuck_config = StuckConfig(
        queued_minutes=stuck.number("queued_minutes", 10.0, 1, 10_080, "minutes"),
        in_progress_minutes=stuck.number("in_progress_minutes", 30.0, 1, 10_080, "minutes"),
    )
    stuck.done()
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
        why=why_config,
        alerts=alerts_config,
        stuck=stuck_config,
        read_write=read_write,
        keys=keys,
    )
