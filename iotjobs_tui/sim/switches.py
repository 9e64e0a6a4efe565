"""The emulator's switches by name: parsed from `--set NAME=VALUE`, read from a TOML file,
changed over `/_sim/config`, and listed with their sources (`--list-switches`).

Every switch is a field of `EmulatorConfig`; its type decides what a value may be: a bool,
a whole number, a number, a string, one of a Literal's choices, or (for `int | None` limits)
`none`. Text values (the command line) are parsed; typed values (TOML, JSON) must already
have the field's type. Every failure is a ValueError with a one-sentence message.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import tomllib
import types
import typing
from collections.abc import Iterable
from functools import cache
from typing import Any, Literal

from iotjobs_tui.sim.emulator_config import EmulatorConfig

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_NONE = {"none", "null"}


@dataclasses.dataclass(frozen=True)
class Switch:
    name: str
    kinds: tuple[Any, ...]  # bool, int, float, str, a tuple of Literal choices, or None
    default: Any
    source: str
    at_start: bool

    def type_text(self) -> str:
        parts = []
        for kind in self.kinds:
            if isinstance(kind, tuple):
                parts.append("|".join(kind))
            else:
                parts.append("none" if kind is None else kind.__name__)
        return " or ".join(parts)


@cache
def switches() -> dict[str, Switch]:
    """Every switch, in declaration order."""
    hints = typing.get_type_hints(EmulatorConfig)
    out: dict[str, Switch] = {}
    for f in dataclasses.fields(EmulatorConfig):
        out[f.name] = Switch(
            name=f.name,
            kinds=_kinds(hints[f.name]),
            default=f.default,
            source=str(f.metadata.get("source", "")),
            at_start=bool(f.metadata.get("at_start", False)),
        )
    return out


def _kinds(hint: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(hint)
    if origin is Literal:
        return (tuple(typing.get_args(hint)),)
    if origin in (typing.Union, types.UnionType):
        return tuple(k for arg in typing.get_args(hint) for k in _kinds(arg))
    if hint is type(None):
        return (None,)
    if hint in (bool, int, float, str):
        return (hint,)
    raise TypeError(f"EmulatorConfig has a switch of unsupported type {hint!r}")


def lookup(name: str) -> Switch:
    found = switches().get(name)
    if found is None:
        close = difflib.get_close_matches(name, list(switches()), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValueError(f"unknown switch {name!r}{hint}; --list-switches lists them")
    return found


def parse_text(name: str, text: str) -> Any:
    """A command-line value for switch `name`, parsed by the switch's type."""
    sw = lookup(name)
    word = text.strip().lower()
    for kind in sw.kinds:
        if kind is None and word in _NONE:
            return None
        if kind is bool and word in _TRUE | _FALSE:
            return word in _TRUE
        if kind is int:
            try:
                return int(text)
            except ValueError:
                continue
        if kind is float:
            try:
                value = float(text)
            except ValueError:
                continue
            if math.isfinite(value):
                return value
        if isinstance(kind, tuple) and text in kind:
            return text
        if kind is str:
            return text
    raise ValueError(f"{name} must be {_expected(sw)}, not {text!r}")


def check_value(name: str, value: Any) -> Any:
    """A typed value (TOML, JSON) for switch `name`: returned as stored, or ValueError."""
    sw = lookup(name)
    for kind in sw.kinds:
        if kind is None and value is None:
            return None
        if kind is bool and isinstance(value, bool):
            return value
        if isinstance(value, bool):
            continue  # JSON true is not the number 1
        if kind is int and isinstance(value, int):
            return value
        if kind is float and isinstance(value, int | float) and math.isfinite(value):
            return float(value)
        if isinstance(kind, tuple) and isinstance(value, str) and value in kind:
            return value
        if kind is str and isinstance(value, str):
            return value
    raise ValueError(f"{name} must be {_expected(sw)}, not {value!r}")


def _expected(sw: Switch) -> str:
    words = []
    for kind in sw.kinds:
        if kind is None:
            words.append("none")
        elif isinstance(kind, tuple):
            words.append("one of " + ", ".join(kind))
        else:
            words.append(
                {bool: "true or false", int: "a whole number", float: "a number", str: "text"}[kind]
            )
    return " or ".join(words)


def parse_setting(text: str) -> tuple[str, Any]:
    """`NAME=VALUE` from `--set` -> (name, value)."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ValueError(f"expected NAME=VALUE, not {text!r}")
    return name, parse_text(name, value)


def load_file(path: str) -> list[tuple[str, Any]]:
    """(name, value) pairs from a TOML file of `name = value` lines."""
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML: {exc}") from None
    try:
        return [(name, check_value(name, value)) for name, value in document.items()]
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


def changes(document: Any, *, running: bool) -> list[tuple[str, Any]]:
    """(name, value) pairs from a `/_sim/config` JSON object. `running`: refuse the switches
    that only take effect when the emulator is built."""
    if not isinstance(document, dict) or not document:
        raise ValueError("expected a JSON object of one or more switches and their values")
    out = []
    for name, value in document.items():
        sw = lookup(name)
        if running and sw.at_start:
            raise ValueError(f"{name} only takes effect at start (use --set or --config)")
        out.append((name, check_value(name, value)))
    return out


def apply(config: EmulatorConfig, settings: Iterable[tuple[str, Any]]) -> None:
    for name, value in settings:
        lookup(name)
        setattr(config, name, value)


def values(config: EmulatorConfig) -> dict[str, Any]:
    """Every switch and its value, in declaration order (what GET /_sim/config answers)."""
    return {name: getattr(config, name) for name in switches()}


def build(settings: Iterable[tuple[str, Any]] = ()) -> EmulatorConfig:
    config = EmulatorConfig()
    apply(config, settings)
    return config


def describe(width: int = 88) -> str:
    """Every switch with its type, default and source, for `--list-switches`."""
    import textwrap

    lines: list[str] = []
    for sw in switches().values():
        lines.append(f"{sw.name} = {_show(sw.default)}  ({sw.type_text()})")
        note = sw.source + (" Set at start only." if sw.at_start else "")
        lines.extend(textwrap.wrap(note, width, initial_indent="    ", subsequent_indent="    "))
    return "\n".join(lines)


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    return str(value)
