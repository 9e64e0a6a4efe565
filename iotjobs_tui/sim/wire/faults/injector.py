"""Injected faults: AWS-like rate limits, shares of server errors, and added latency.

`SimServer` consults its `FaultInjector` for every routed request (never for `/_sim/` admin
calls): first `latency()` (the server awaits it, so other requests keep flowing), then
`before_request()`, whose `ServiceError` is answered instead of running the operation. The
full outage (connections refused) is the server's business: `SimServer.set_outage()`.

Rate limits are token buckets, one per operation or shared bucket (see `rate_limits` for the
AWS defaults, the shared buckets and the burst), refilled by **real monotonic time**.

Error shares (`error_rates`) are drawn once per request from a `random.Random` seeded with
`FaultConfig.seed`; the shares of the three codes add up to at most 1. The code answered is
one the operation's model declares, so SDKs raise their modeled exception class:
`ThrottlingException` as is; `ServiceUnavailableException` falls back to the operation's
`InternalFailureException`, `InternalServerException` or `InternalException`, and
`InternalFailureException` falls back to `InternalServerException`, `InternalException`, then
`ServiceUnavailableException` (so managed-template APIs answer `InternalServerException` 500,
the job APIs and the whole device plane `ServiceUnavailableException` 503). Every modeled
operation declares at least one of these.

Latency is `latency_ms` plus a uniform draw from [0, `jitter_ms`], from its own seeded
`random.Random` so changing the latency never changes which requests fail.

Fault rules (`FaultConfig.rules`, named; see `fault_rules`) add per-operation errors, a
credentials mode, response mutation, transport faults and per-operation latency. The server
asks `consult()` what a request gets (a `fault_plan.Verdict`, which also calls
`before_request()`), so this module stays the one entry it consults. Rule draws come from a
third seeded `random.Random`, so adding a rule never changes the error shares' draws.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from iotjobs_tui.sim.wire import model
from iotjobs_tui.sim.wire.errors import ServiceError
from iotjobs_tui.sim.wire.faults.plan import NO_FAULTS as NO_FAULTS  # the server's "no fault"
from iotjobs_tui.sim.wire.faults.plan import Verdict, plan
from iotjobs_tui.sim.wire.faults.rate_limits import (
    AWS_DEFAULT_TPS as AWS_DEFAULT_TPS,  # re-exported
)
from iotjobs_tui.sim.wire.faults.rate_limits import BURST_SECONDS, DEFAULT_TPS, Bucket, bucket_of
from iotjobs_tui.sim.wire.faults.rate_limits import DATA_READ as DATA_READ
from iotjobs_tui.sim.wire.faults.rate_limits import DATA_WRITE as DATA_WRITE
from iotjobs_tui.sim.wire.faults.rate_limits import resolve_bucket as resolve_bucket
from iotjobs_tui.sim.wire.faults.rules import MAX_LATENCY_MS as MAX_LATENCY_MS
from iotjobs_tui.sim.wire.faults.rules import FaultRule, check_name, merge_rules, parse_rule
from iotjobs_tui.sim.wire.faults.scope import number as _number
from iotjobs_tui.sim.wire.faults.scope import split_pair as _split
from iotjobs_tui.sim.wire.faults.scope import squash as _squash
from iotjobs_tui.sim.wire.faults.scope import to_float as _float
from iotjobs_tui.sim.wire.planes import CONTROL

THROTTLING = "ThrottlingException"
SERVICE_UNAVAILABLE = "ServiceUnavailableException"
INTERNAL_FAILURE = "InternalFailureException"
INTERNAL_SERVER = "InternalServerException"
INTERNAL_EXCEPTION = "InternalException"
# The codes `error_rates` may name, in the order a request's draw walks them.
ERROR_CODES: tuple[str, ...] = (THROTTLING, SERVICE_UNAVAILABLE, INTERNAL_FAILURE)
THROTTLE_MESSAGE = "Rate exceeded"

_MESSAGES = {
    THROTTLING: THROTTLE_MESSAGE,
    SERVICE_UNAVAILABLE: "Service Unavailable. Please try again later.",
    INTERNAL_FAILURE: "An unexpected error has occurred.",
    INTERNAL_SERVER: "Internal server error.",
    INTERNAL_EXCEPTION: "An unexpected error has occurred.",
}
_FALLBACKS = {
    THROTTLING: (THROTTLING,),
    SERVICE_UNAVAILABLE: (
        SERVICE_UNAVAILABLE,
        INTERNAL_FAILURE,
        INTERNAL_SERVER,
        INTERNAL_EXCEPTION,
    ),
    INTERNAL_FAILURE: (INTERNAL_FAILURE, INTERNAL_SERVER, INTERNAL_EXCEPTION, SERVICE_UNAVAILABLE),
}
_FALLBACK_STATUS = {THROTTLING: 400, SERVICE_UNAVAILABLE: 503, INTERNAL_FAILURE: 500}


_CODE_NAMES = {
    **{_squash(code): code for code in ERROR_CODES},
    "throttling": THROTTLING,
    "serviceunavailable": SERVICE_UNAVAILABLE,
    "internalfailure": INTERNAL_FAILURE,
}


# -- names -------------------------------------------------------------------------------------


def resolve_code(name: str) -> str:
    """A user's error name -> one of ERROR_CODES (`InternalFailure` and friends accepted)."""
    code = _CODE_NAMES.get(_squash(name.strip()))
    if code is None:
        raise ValueError(f"unknown error code {name!r} (choose from: {', '.join(ERROR_CODES)})")
    return code


@cache
def answered_error(service: str, operation: str, code: str) -> tuple[str, int | None]:
    """(code, status override) answered for an injected `code`: one the operation models."""
    declared = {shape.name for shape in model.operation_model(service, operation).error_shapes}
    for candidate in _FALLBACKS[code]:
        if candidate in declared:
            return candidate, None
    if model.error_shape(service, code) is not None:
        return code, None
    return code, _FALLBACK_STATUS[code]


def _service_error(service: str, operation: str, code: str) -> ServiceError:
    answered, status = answered_error(service, operation, code)
    message = _MESSAGES.get(answered, _MESSAGES[INTERNAL_FAILURE])
    return ServiceError(answered, message, status=status)


# -- validation helpers ------------------------------------------------------------------------


def _merge_names(
    items: Iterable[tuple[str, Any]], resolve: Callable[[str], str], what: str, high: float
) -> dict[str, float]:
    merged: dict[str, float] = {}
    for name, value in items:
        if not isinstance(name, str):
            raise ValueError(f"{what} keys must be strings, not {name!r}")
        key = resolve(name)
        number = _number(value, f"{what} for {name}", high=high)
        if key in merged and merged[key] != number:
            raise ValueError(f"{what}: {key} is set twice ({merged[key]:g} and {number:g})")
        merged[key] = number
    return merged


# -- the configuration -------------------------------------------------------------------------


@dataclass(frozen=True)
class FaultConfig:
    """What to inject. The default injects nothing; `aws_defaults()` throttles as AWS does.

    - throttle: apply the AWS default TPS (`AWS_DEFAULT_TPS`, `DEFAULT_TPS`) to every
      operation. Entries in `tps` apply whether or not this is on, so `throttle=False,
      tps={"DescribeJob": 2}` limits DescribeJob alone.
    - tps: per-bucket TPS overrides (>= 0; 0 throttles every call). Keys may be any name
      `resolve_bucket` accepts; they are stored as bucket names ("iot:DescribeJob",
      "iot-jobs-data:read").
    - error_rates: share (0..1) of requests answered with each of `ERROR_CODES`; the shares
      add up to at most 1. Keys may be any name `resolve_code` accepts.
    - latency_ms, jitter_ms: added to every request: latency_ms + uniform(0, jitter_ms).
    - seed: seeds the error, jitter and rule draws.
    - rules: named fault rules ({name: `FaultRule` or its JSON object}; see `fault_rules`).
    """

    throttle: bool = False
    tps: Mapping[str, float] = field(default_factory=dict)
    error_rates: Mapping[str, float] = field(default_factory=dict)
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    seed: int = 0
    rules: Mapping[str, FaultRule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.throttle, bool):
            raise ValueError(f"throttle must be true or false, not {self.throttle!r}")
        tps = _merge_names(self.tps.items(), resolve_bucket, "tps", math.inf)
        rates = _merge_names(self.error_rates.items(), resolve_code, "error rate", 1.0)
        rates = {code: rates[code] for code in ERROR_CODES if rates.get(code)}
        if sum(rates.values()) > 1.0 + 1e-9:
            raise ValueError(f"the error rates add up to {sum(rates.values()):g}, more than 1")
        latency = _number(self.latency_ms, "latency_ms", high=MAX_LATENCY_MS)
        jitter = _number(self.jitter_ms, "jitter_ms", high=MAX_LATENCY_MS)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"seed must be a whole number, not {self.seed!r}")
        object.__setattr__(self, "tps", dict(sorted(tps.items())))
        object.__setattr__(self, "error_rates", rates)
        object.__setattr__(self, "latency_ms", latency)
        object.__setattr__(self, "jitter_ms", jitter)
        if not isinstance(self.rules, Mapping):
            raise ValueError("rules must be an object of named faults")
        rules = {check_name(name): parse_rule(rule) for name, rule in self.rules.items()}
        object.__setattr__(self, "rules", rules)

    @classmethod
    def aws_defaults(cls, **changes: Any) -> FaultConfig:
        """AWS's default rate limits on every operation (plus any `changes`)."""
        return cls(**{"throttle": True, **changes})

    @property
    def active(self) -> bool:
        return bool(self.throttle or self.tps or self.error_rates)

    def tps_for(self, service: str, operation: str) -> float | None:
        """The rate limit in force for an operation, or None when it is not limited."""
        bucket = bucket_of(service, operation)
        if bucket in self.tps:
            return self.tps[bucket]
        if not self.throttle:
            return None
        return AWS_DEFAULT_TPS.get(bucket, DEFAULT_TPS.get(service, DEFAULT_TPS[CONTROL]))

    def to_json(self) -> dict[str, Any]:
        return {
            "throttle": self.throttle,
            "burst_seconds": BURST_SECONDS,
            "tps": dict(self.tps),
            "error_rates": {code: self.error_rates.get(code, 0.0) for code in ERROR_CODES},
            "latency_ms": self.latency_ms,
            "jitter_ms": self.jitter_ms,
            "seed": self.seed,
            "rules": {name: rule.to_json() for name, rule in self.rules.items()},
        }

    def changed(self, document: Mapping[str, Any]) -> FaultConfig:
        """A copy with a JSON change applied (the admin endpoint's POST body).

        Scalars replace; `tps`, `error_rates` and `rules` merge, a null value removing one
        entry and a null in place of the object clearing them all (a rule given again replaces
        the old one whole). ValueError names what is wrong.
        """
        unknown = sorted(set(document) - set(CHANGEABLE))
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r} (expected: {', '.join(CHANGEABLE)})")
        values: dict[str, Any] = {
            "throttle": self.throttle,
            "tps": dict(self.tps),
            "error_rates": dict(self.error_rates),
            "latency_ms": self.latency_ms,
            "jitter_ms": self.jitter_ms,
            "seed": self.seed,
            "rules": dict(self.rules),
        }
        for key, value in document.items():
            if key == "rules":
                values[key] = merge_rules(self.rules, value)
            elif key in ("tps", "error_rates"):
                resolve = resolve_bucket if key == "tps" else resolve_code
                if value is None:
                    values[key] = {}
                    continue
                if not isinstance(value, dict):
                    raise ValueError(f"{key} must be an object or null")
                merged: dict[str, Any] = values[key]
                for name, item in value.items():
                    canonical = resolve(name) if isinstance(name, str) else name
                    if item is None:
                        merged.pop(canonical, None)
                    else:
                        merged[canonical] = item
            elif key in ("latency_ms", "jitter_ms") and value is None:
                values[key] = 0.0
            else:
                values[key] = value
        return FaultConfig(**values)


CHANGEABLE: tuple[str, ...] = (
    "throttle",
    "tps",
    "error_rates",
    "latency_ms",
    "jitter_ms",
    "seed",
    "rules",
)


# -- command-line spellings --------------------------------------------------------------------


def parse_tps(text: str) -> tuple[str, float]:
    """`OPERATION=N` -> (bucket name, TPS); ValueError otherwise."""
    name, value = _split(text, "OPERATION=TPS")
    return resolve_bucket(name), _number(_float(value, "TPS"), f"TPS for {name}")


def parse_error_rate(text: str) -> tuple[str, float]:
    """`CODE=SHARE` -> (error code, share in 0..1); ValueError otherwise."""
    name, value = _split(text, "CODE=SHARE")
    return resolve_code(name), _number(_float(value, "share"), f"share for {name}", high=1.0)


def parse_latency(text: str) -> tuple[float, float]:
    """`MS` or `MS:JITTER_MS` -> (latency_ms, jitter_ms); ValueError otherwise."""
    fixed, sep, jitter = text.partition(":")
    latency = _number(_float(fixed, "latency"), "latency (ms)", high=MAX_LATENCY_MS)
    spread = _float(jitter, "jitter") if sep else 0.0
    return latency, _number(spread, "jitter (ms)", high=MAX_LATENCY_MS)


# -- the injector ------------------------------------------------------------------------------


class _State:
    def __init__(self, config: FaultConfig, clock: Callable[[], float]) -> None:
        self.lock = threading.Lock()
        self.clock = clock
        self.config = config
        self.buckets: dict[str, Bucket | None] = {}
        self.errors = random.Random(config.seed)
        self.jitter = random.Random(f"{config.seed}:latency")
        self.draws = random.Random(f"{config.seed}:rules")
        self.rate_limited = 0
        self.injected: dict[str, int] = {}
        self.fired: Counter[str] = Counter()


class FaultInjector:
    """The hook `SimServer` consults for every routed request, driven by a `FaultConfig`.

    `FaultInjector()` injects nothing (the test suite's default); `FaultInjector.aws_defaults()`
    throttles as AWS does. Change it at run time with `configure()` or `change()`; both are
    thread-safe. The server calls `latency()`, then `consult()` (which calls
    `before_request()`). Subclasses may override `before_request`/`latency` (and may skip
    `__init__`).
    """

    _state: _State | None = None  # created on first use when a subclass skips __init__

    def __init__(
        self, config: FaultConfig | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._state = _State(config or FaultConfig(), clock)

    @classmethod
    def aws_defaults(cls, **changes: Any) -> FaultInjector:
        """AWS's default rate limits on every operation; `changes` as for `FaultConfig`."""
        return cls(FaultConfig.aws_defaults(**changes))

    def _get_state(self) -> _State:
        state = self._state
        if state is None:
            state = self._state = _State(FaultConfig(), time.monotonic)
        return state

    @property
    def config(self) -> FaultConfig:
        return self._get_state().config

    def configure(self, config: FaultConfig) -> None:
        """Replace the configuration: buckets start full again and the draws are re-seeded."""
        state = self._get_state()
        with state.lock:
            state.config = config
            state.buckets.clear()
            state.errors = random.Random(config.seed)
            state.jitter = random.Random(f"{config.seed}:latency")
            state.draws = random.Random(f"{config.seed}:rules")

    def change(self, document: Mapping[str, Any]) -> FaultConfig:
        """Apply a JSON change (see `FaultConfig.changed`) atomically; returns the new config."""
        state = self._get_state()
        with state.lock:
            config = state.config.changed(document)
        self.configure(config)
        return config

    def injected(self) -> dict[str, Any]:
        """Counts of what was injected: {"rate_limited": n, "errors": {code: n},
        "rules": {rule name: requests it fired on}}."""
        state = self._get_state()
        with state.lock:
            return {
                "rate_limited": state.rate_limited,
                "errors": dict(sorted(state.injected.items())),
                "rules": dict(sorted(state.fired.items())),
            }

    def to_json(self) -> dict[str, Any]:
        return {**self.config.to_json(), "injected": self.injected()}

    # -- the hook ----------------------------------------------------------------------------

    def before_request(self, service: str, operation: str) -> ServiceError | None:
        """An error to answer instead of running the operation, or None to run it."""
        state = self._get_state()
        config = state.config
        if not config.active:
            return None
        with state.lock:
            if not self._admit(state, service, operation):
                state.rate_limited += 1
                return _service_error(service, operation, THROTTLING)
            code = self._draw(state)
            if code is None:
                return None
            error = _service_error(service, operation, code)
            state.injected[error.code] = state.injected.get(error.code, 0) + 1
            return error

    def latency(self, service: str, operation: str) -> float:
        """Seconds to wait before answering: the global latency plus any latency rules."""
        state = self._get_state()
        config = state.config
        slow = [
            (name, rule)
            for name, rule in config.rules.items()
            if rule.kind == "latency" and rule.matches(service, operation)
        ]
        if not config.latency_ms and not config.jitter_ms and not slow:
            return 0.0
        with state.lock:
            total = config.latency_ms
            total += state.jitter.uniform(0.0, config.jitter_ms) if config.jitter_ms else 0.0
            for name, rule in slow:  # each drawn from the latency draws, never the error draws
                if state.jitter.random() < rule.share:
                    jitter = rule.params["jitter_ms"]
                    total += rule.params["ms"] + (
                        state.jitter.uniform(0.0, jitter) if jitter else 0.0
                    )
                    state.fired[name] += 1
        return min(total, MAX_LATENCY_MS) / 1000.0

    def consult(
        self,
        service: str,
        operation: str,
        headers: Mapping[str, str],
        query: Mapping[str, list[str]] | None = None,
    ) -> Verdict:
        """What a routed request gets: an error or page instead of the operation, mutations of
        its answer, a transport fault (see `fault_plan` for the order). Calls `before_request`
        unless a rule already answered, so subclasses overriding it keep working."""
        state = self._get_state()
        rules = state.config.rules
        verdict = NO_FAULTS
        if rules:
            with state.lock:
                verdict = plan(
                    rules,
                    service,
                    operation,
                    headers,
                    query or {},
                    rng=state.draws,
                    now=time.time(),  # credentials expire in real time (see `credentials`)
                    fired=state.fired,
                )
        if verdict.error is None:
            error = self.before_request(service, operation)
            if error is not None:
                verdict = verdict.with_error(error)
        return verdict

    # -- internals (state.lock held) ---------------------------------------------------------

    @staticmethod
    def _admit(state: _State, service: str, operation: str) -> bool:
        name = bucket_of(service, operation)
        if name in state.buckets:
            bucket = state.buckets[name]
        else:
            rate = state.config.tps_for(service, operation)
            bucket = None if rate is None else Bucket(rate, state.clock())
            state.buckets[name] = bucket
        return bucket is None or bucket.take(state.clock())

    @staticmethod
    def _draw(state: _State) -> str | None:
        rates = state.config.error_rates
        if not rates:
            return None
        draw = state.errors.random()
        total = 0.0
        for code in ERROR_CODES:
            total += rates.get(code, 0.0)
            if draw < total:
                return code
        return None
