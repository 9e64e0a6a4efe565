"""Fault rules: named faults, each scoped to operations, set from JSON or the command line.

A rule is `{"fault": KIND, "operations": [...] or "*", "share": 0..1, ...its parameters}`.
`operations` defaults to all (see `fault_scope` for the names), `share` to 1 (every matching
request; one seeded draw per matching rule and request). The kinds and their parameters:

| kind          | parameters (default)                                                       |
| ------------- | -------------------------------------------------------------------------- |
| error         | code (required; see `fault_errors.CODES`), message (AWS's wording)         |
| credentials   | access_keys ([]: any), expires_at (epoch or ISO 8601, real time) or        |
|               | expires_in (seconds from when it is set), expire_long_term_keys (false);   |
|               | no share: it is a mode, not a draw (see `credentials`)                     |
| latency       | ms (required, 0..60000), jitter_ms (0); added to the global latency        |
| unknown-enum  | member, value (PAUSED_BY_ALIEN)            (see `fault_mutation`)          |
| drop-member   | member                                                                     |
| extra-member  | member (simExtraMember), value ("added by the emulator")                   |
| wrong-type    | member                                                                     |
| long-string   | member, size (10240, 1..1048576)                                           |
| replace       | member (required), value (required, any JSON)                              |
| reset         | after_bytes (half the body)                (see `fault_transport`)         |
| truncate      | after_bytes (half the body)                                                |
| html          | status (502; 500, 502, 503 or 504)                                         |
| drip          | chunk_bytes (16, 1..65536), pause_ms (100, 1..10000)                       |

On the command line a rule is `KIND [VALUE] [KEY=VALUE ...]`: VALUE is the kind's main
parameter (error: code; latency: MS or MS:JITTER_MS; credentials: access_keys; html: status;
the mutations: member), `ops=` is short for `operations=`, lists are comma-separated, and
`name=` names the rule (default: its kind, then KIND-2, KIND-3...). A mutation's `value=` is
read as JSON when it parses (`value=42` is a number, `value='"42"'` a string), else as text.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from iotjobs_tui.sim.wire import model
from iotjobs_tui.sim.wire.faults import mutation as fault_mutation
from iotjobs_tui.sim.wire.faults import transport as fault_transport
from iotjobs_tui.sim.wire.faults.error_codes import resolve_error_code
from iotjobs_tui.sim.wire.faults.scope import Scope, number, parse_scope, to_float, whole

MAX_LATENCY_MS = 60_000.0  # 1 minute: more is a mistake, and would outlast any SDK timeout
_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_KEY = re.compile(r"[^\s,/=]{1,128}")


# -- parameter checks: JSON value -> canonical value (ValueError naming `what`) ----------------


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string, not {value!r}")
    return value


def _code(value: Any, what: str) -> str:
    return resolve_error_code(_text(value, what))


def _json(value: Any, what: str) -> Any:
    return value  # any JSON value (it came from JSON, or from `_json_text`)


def _keys(value: Any, what: str) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ValueError(f"{what} must be a list of access key ids, not {value!r}")
    keys = [item.strip() if isinstance(item, str) else item for item in items]
    for key in keys:
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(f"{what}: {key!r} is not an access key id")
    return sorted(set(keys))


def _time(value: Any, what: str) -> float:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise ValueError(f"{what} must be epoch seconds or ISO 8601, not {value!r}") from None
    return number(value, what, high=math.inf)


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{what} must be true or false, not {value!r}")
    return value


def _status(value: Any, what: str) -> int:
    if value not in fault_transport.HTML_STATUSES or isinstance(value, bool):
        allowed = ", ".join(map(str, fault_transport.HTML_STATUSES))
        raise ValueError(f"{what} must be one of {allowed}, not {value!r}")
    return int(value)


def _ranged(low: float, high: float) -> Callable[[Any, str], float]:
    return lambda value, what: number(value, what, low=low, high=high)


def _whole(low: int, high: int) -> Callable[[Any, str], int]:
    return lambda value, what: whole(value, what, low=low, high=high)


# -- parameter spellings on the command line: text -> JSON value ------------------------------


def _json_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _bool_text(text: str) -> Any:
    return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(
        text.lower(), text
    )


def _number_text(text: str) -> Any:
    try:
        value = float(text)
    except ValueError:
        return text  # the check names the parameter
    return int(value) if value.is_integer() and "." not in text else value


@dataclass(frozen=True)
class _Param:
    check: Callable[[Any, str], Any]
    from_text: Callable[[str], Any] = str
    default: Any = None
    required: bool = False


_MEMBER = _Param(_text)
_SIZE = _Param(_whole(1, fault_mutation.MAX_LONG_STRING_SIZE), _number_text)
_AFTER = _Param(_whole(0, 2**31 - 1), _number_text)
PARAMS: dict[str, dict[str, _Param]] = {
    "error": {"code": _Param(_code, required=True), "message": _Param(_text)},
    "credentials": {
        "access_keys": _Param(_keys, default=[]),
        "expires_at": _Param(_time, _json_text),
        "expires_in": _Param(_ranged(0, 10 * 365 * 86400), _number_text),
        "expire_long_term_keys": _Param(_flag, _bool_text, default=False),
    },
    "latency": {
        "ms": _Param(_ranged(0, MAX_LATENCY_MS), _number_text, required=True),
        "jitter_ms": _Param(_ranged(0, MAX_LATENCY_MS), _number_text, default=0.0),
    },
    "unknown-enum": {
        "member": _MEMBER,
        "value": _Param(_json, _json_text, default=fault_mutation.UNKNOWN_ENUM_VALUE),
    },
    "drop-member": {"member": _MEMBER},
    "extra-member": {
        "member": _Param(_text, default=fault_mutation.EXTRA_MEMBER),
        "value": _Param(_json, _json_text, default=fault_mutation.EXTRA_VALUE),
    },
    "wrong-type": {"member": _MEMBER},
    "long-string": {"member": _MEMBER, "size": _SIZE},
    "replace": {
        "member": _Param(_text, required=True),
        "value": _Param(_json, _json_text, required=True),
    },
    "reset": {"after_bytes": _AFTER},
    "truncate": {"after_bytes": _AFTER},
    "html": {"status": _Param(_status, _number_text, default=fault_transport.DEFAULT_HTML_STATUS)},
    "drip": {
        "chunk_bytes": _Param(_whole(1, 65536), _number_text, fault_transport.DEFAULT_CHUNK_BYTES),
        "pause_ms": _Param(_ranged(1, 10_000), _number_text, fault_transport.DEFAULT_PAUSE_MS),
    },
}
KINDS: tuple[str, ...] = tuple(PARAMS)
# The parameter a bare VALUE sets on the command line.
_MAIN = {
    "error": "code",
    "latency": "ms",
    "credentials": "access_keys",
    "html": "status",
    **{kind: "member" for kind in fault_mutation.KINDS},
}
_COMMON = ("operations", "share")


def _a(kind: str) -> str:
    return "an" if kind[0] in "aeiou" else "a"


def _kind(value: Any) -> str:
    kind = value.strip().lower().replace("_", "-") if isinstance(value, str) else None
    if kind not in PARAMS:
        raise ValueError(f"unknown fault {value!r} (choose from: {', '.join(KINDS)})")
    return kind


@dataclass(frozen=True)
class FaultRule:
    """One fault: its kind, the operations it covers, the share drawn, its parameters."""

    kind: str
    operations: Scope = field(default_factory=Scope)
    share: float = 1.0
    params: Mapping[str, Any] = field(default_factory=dict)

    def matches(self, service: str, operation: str) -> bool:
        return self.operations.matches(service, operation)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fault": self.kind, "operations": self.operations.to_json()}
        if self.kind != "credentials":
            out["share"] = self.share
        return {**out, **self.params}


def parse_rule(document: Any) -> FaultRule:
    """A rule from its JSON object; ValueError naming what is wrong."""
    if isinstance(document, FaultRule):
        return document
    if not isinstance(document, Mapping):
        raise ValueError(f"a fault must be an object with a 'fault' kind, not {document!r}")
    kind = _kind(document.get("fault"))
    specs = PARAMS[kind]
    allowed = [*_COMMON, *specs] if kind != "credentials" else ["operations", *specs]
    unknown = sorted(set(document) - {"fault", *allowed})
    if unknown:
        expected = ", ".join(allowed)
        raise ValueError(
            f"unknown field {unknown[0]!r} for {_a(kind)} {kind} fault (expected: {expected})"
        )
    scope = parse_scope(document.get("operations"))
    share = number(document.get("share", 1.0), f"{kind} share", high=1.0)
    params: dict[str, Any] = {}
    for name, spec in specs.items():
        value = document.get(name)
        if value is None:
            if spec.required:
                raise ValueError(f"{_a(kind)} {kind} fault needs {name}")
            if spec.default is not None:
                params[name] = spec.default
            continue
        params[name] = spec.check(value, f"{kind} {name}")
    if kind == "credentials":
        _finish_credentials(params)
    member = params.get("member")
    if member is not None and kind in fault_mutation.KINDS and kind != "extra-member":
        _check_member(member, scope, kind)
    return FaultRule(kind, scope, share, params)


def _finish_credentials(params: dict[str, Any]) -> None:
    expires_in = params.pop("expires_in", None)
    if expires_in is not None:
        if "expires_at" in params:
            raise ValueError("credentials: give expires_at or expires_in, not both")
        params["expires_at"] = round(time.time() + expires_in, 3)
    params.setdefault("expires_at", None)
    if not params["access_keys"] and params["expires_at"] is None:
        raise ValueError("a credentials fault needs access_keys, expires_at or expires_in")


def _check_member(member: str, scope: Scope, kind: str) -> None:
    if scope.entries is None:
        pairs = [(svc, op) for svc in model.SERVICES for op in model.operation_names(svc)]
    else:
        pairs = []
        for entry in scope.entries:
            svc, _, op = entry.partition(":")
            ops = model.operation_names(svc) if op == "*" else [op]
            pairs.extend((svc, name) for name in ops)
    if not fault_mutation.member_known(member, pairs):
        raise ValueError(f"{kind}: no response of those operations has a member {member!r}")


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"a fault name must be 1 to 64 letters, digits, . _ : or -, not {name!r}")
    return name


def merge_rules(current: Mapping[str, FaultRule], change: Any) -> dict[str, FaultRule]:
    """`current` with a JSON change applied: {name: rule or null}; null clears them all."""
    if change is None:
        return {}
    if not isinstance(change, Mapping):
        raise ValueError("rules must be an object of named faults, or null")
    merged = dict(current)
    for name, document in change.items():
        check_name(name)
        if document is None:
            merged.pop(name, None)
        else:
            try:
                merged[name] = parse_rule(document)
            except ValueError as exc:
                raise ValueError(f"fault {name!r}: {exc}") from None
    return merged


def parse_fault_tokens(tokens: Sequence[str]) -> tuple[str | None, FaultRule]:
    """`KIND [VALUE] [KEY=VALUE ...]` (the `--fault` flag) -> (its name or None, the rule)."""
    if not tokens:
        raise ValueError("expected KIND [VALUE] [KEY=VALUE ...]")
    kind = _kind(tokens[0])
    specs = PARAMS[kind]
    document: dict[str, Any] = {"fault": kind}
    name: str | None = None
    for token in tokens[1:]:
        key, sep, text = token.partition("=")
        if not sep:
            main = _MAIN.get(kind)
            if main is None or main in document:
                raise ValueError(
                    f"unexpected {token!r}: {_a(kind)} {kind} fault takes KEY=VALUE here"
                )
            key, text = main, token
        key = key.strip().replace("-", "_")
        key = "operations" if key == "ops" else key
        if key in document or (key == "name" and name is not None):
            raise ValueError(f"{key} is given twice")
        if key == "name":
            name = check_name(text)
        elif kind == "latency" and key == "ms" and ":" in text:
            fixed, _, jitter = text.partition(":")
            document["ms"] = to_float(fixed, "latency")
            document["jitter_ms"] = to_float(jitter, "jitter")
        elif key == "share":
            document[key] = to_float(text, "share")
        elif key in specs:
            document[key] = specs[key].from_text(text)
        else:
            document[key] = text  # operations, or an unknown key that parse_rule names
    return name, parse_rule(document)


def name_rules(flags: Sequence[tuple[str | None, FaultRule]]) -> dict[str, FaultRule]:
    """Named rules from `--fault` flags, in order: unnamed ones get their kind, then KIND-2..."""
    given = [name for name, _ in flags if name is not None]
    for twice in given:
        if given.count(twice) > 1:
            raise ValueError(f"--fault names {twice!r} twice")
    rules: dict[str, FaultRule] = {}
    for name, rule in flags:
        key, n = name or rule.kind, 1
        while name is None and (key in rules or key in given):
            n += 1
            key = f"{rule.kind}-{n}"
        rules[key] = rule
    return rules
