"""Injected faults: AWS-like rate limits, shares of server errors, and added latency.

`SimServer` consults its `FaultInjector` for every routed request (never for `/_sim/` admin
calls): first `latency()` (the server awaits it, so other requests keep flowing), then
`before_request()`, whose `ServiceError` is answered instead of running the operation. The
full outage (connections refused) is the server's business: `SimServer.set_outage()`.

Rate limits are token buckets keyed by (service, operation), refilled by **real monotonic
time**, since TPS limits are about real request rates, never the emulator's virtual clock.

- Defaults are the last complete published table (aws-iot-docs `limits-iot.md`, 2019): 10 TPS
  for every job control-plane API and for ListThingGroups/ListThingGroupsForThing/ListThings,
  25 for ListThingsInThingGroup, 100 for DescribeThingGroup, 350 for DescribeThing, 5 for the
  dynamic-thing-group writes; the job-template APIs are not in that table and assume 10. Any
  other control-plane operation gets `DEFAULT_TPS[CONTROL]` (10), any other device-plane
  operation `DEFAULT_TPS[DEVICE]` (200), each in a bucket of its own.
- The device plane has two shared buckets: `iot-jobs-data:read` (DescribeJobExecution +
  GetPendingJobExecutions) and `iot-jobs-data:write` (StartNextPendingJobExecution +
  UpdateJobExecution), 200 TPS each.
- Burst: a full bucket holds `BURST_SECONDS` (one second) of its rate, at least one request.
  AWS does not publish its burst sizes; one second's worth makes "more than N calls within a
  second" throttle, which is what the documented TPS numbers promise. Buckets start full, and
  a throttled request takes no token.
- A throttled request is answered `ThrottlingException` "Rate exceeded": HTTP 400 on `iot`,
  429 on `iot-jobs-data`, as each model says. Operations whose model lacks the shape (a few
  topic-rule and logging APIs) get the same code, which botocore treats as a throttle anyway.

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
"""

from __future__ import annotations

import difflib
import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from iotjobs_tui.sim import model
from iotjobs_tui.sim.errors import ServiceError
from iotjobs_tui.sim.registry import CONTROL, DEVICE

THROTTLING = "ThrottlingException"
SERVICE_UNAVAILABLE = "ServiceUnavailableException"
INTERNAL_FAILURE = "InternalFailureException"
INTERNAL_SERVER = "InternalServerException"
INTERNAL_EXCEPTION = "InternalException"
# The codes `error_rates` may name, in the order a request's draw walks them.
ERROR_CODES: tuple[str, ...] = (THROTTLING, SERVICE_UNAVAILABLE, INTERNAL_FAILURE)
THROTTLE_MESSAGE = "Rate exceeded"

BURST_SECONDS = 1.0  # a full bucket holds one second's worth of requests (see the docstring)
MAX_LATENCY_MS = 60_000.0  # 1 minute: more is a mistake, and would outlast any SDK timeout

DATA_READ = f"{DEVICE}:read"
DATA_WRITE = f"{DEVICE}:write"
SHARED_BUCKETS: dict[tuple[str, str], str] = {
    (DEVICE, "DescribeJobExecution"): DATA_READ,
    (DEVICE, "GetPendingJobExecutions"): DATA_READ,
    (DEVICE, "StartNextPendingJobExecution"): DATA_WRITE,
    (DEVICE, "UpdateJobExecution"): DATA_WRITE,
}
DEFAULT_TPS: dict[str, float] = {CONTROL: 10.0, DEVICE: 200.0}
_JOB_APIS = (
    "AssociateTargetsWithJob CancelJob CancelJobExecution CreateJob DeleteJob DeleteJobExecution "
    "DescribeJob DescribeJobExecution GetJobDocument ListJobExecutionsForJob "
    "ListJobExecutionsForThing ListJobs UpdateJob"
)
_TEMPLATE_APIS = (
    "CreateJobTemplate DeleteJobTemplate DescribeJobTemplate ListJobTemplates "
    "DescribeManagedJobTemplate ListManagedJobTemplates"
)
# Bucket name -> the AWS default TPS (see the module docstring for the sources).
AWS_DEFAULT_TPS: dict[str, float] = {
    **{f"{CONTROL}:{op}": 10.0 for op in _JOB_APIS.split()},
    **{f"{CONTROL}:{op}": 10.0 for op in _TEMPLATE_APIS.split()},
    f"{CONTROL}:ListThingGroups": 10.0,
    f"{CONTROL}:ListThingGroupsForThing": 10.0,
    f"{CONTROL}:ListThings": 10.0,
    f"{CONTROL}:ListThingsInThingGroup": 25.0,
    f"{CONTROL}:DescribeThingGroup": 100.0,
    f"{CONTROL}:DescribeThing": 350.0,
    f"{CONTROL}:CreateDynamicThingGroup": 5.0,
    f"{CONTROL}:UpdateDynamicThingGroup": 5.0,
    f"{CONTROL}:DeleteDynamicThingGroup": 5.0,
    DATA_READ: 200.0,
    DATA_WRITE: 200.0,
}

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


def _squash(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


_CODE_NAMES = {
    **{_squash(code): code for code in ERROR_CODES},
    "throttling": THROTTLING,
    "serviceunavailable": SERVICE_UNAVAILABLE,
    "internalfailure": INTERNAL_FAILURE,
}


# -- names -------------------------------------------------------------------------------------


def bucket_of(service: str, operation: str) -> str:
    """The bucket an operation draws from: its shared bucket, else "service:Operation"."""
    return SHARED_BUCKETS.get((service, operation), f"{service}:{operation}")


@cache
def _operations() -> dict[str, dict[str, str]]:
    """{squashed name: {service: Operation}} over both models."""
    found: dict[str, dict[str, str]] = {}
    for service in model.SERVICES:
        for name in model.operation_names(service):
            found.setdefault(_squash(name), {})[service] = name
    return found


def resolve_bucket(name: str) -> str:
    """A user's operation name -> its bucket name; ValueError with a clear message otherwise.

    Accepts an operation name as in the model (`DescribeJob`), in boto3 or AWS CLI spelling
    (`describe_job`, `describe-job`), qualified by its service (`iot:DescribeJobExecution`,
    needed when both planes have it), or a shared bucket (`iot-jobs-data:read`/`:write`).
    """
    text = name.strip()
    service, sep, operation = text.rpartition(":")
    if sep and service not in model.SERVICES:
        raise ValueError(f"unknown service {service!r} in {name!r} (use {CONTROL} or {DEVICE})")
    if sep and operation in ("read", "write") and service == DEVICE:
        return f"{DEVICE}:{operation}"
    by_service = _operations().get(_squash(operation), {})
    if sep:
        found = by_service.get(service)
        if found is None:
            raise ValueError(_unknown(operation, service))
        return bucket_of(service, found)
    if not by_service:
        raise ValueError(_unknown(operation, None))
    if len(by_service) > 1:
        choices = " or ".join(f"{svc}:{op}" for svc, op in sorted(by_service.items()))
        raise ValueError(f"{operation!r} is in both {CONTROL} and {DEVICE}; write {choices}")
    ((svc, op),) = by_service.items()
    return bucket_of(svc, op)


def _unknown(operation: str, service: str | None) -> str:
    services = [service] if service else list(model.SERVICES)
    names = [op for svc in services for op in model.operation_names(svc)]
    close = difflib.get_close_matches(operation, names, n=1)
    where = f"the {service}" if service else f"the {CONTROL} or {DEVICE}"
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown operation {operation!r}: not in {where} model{hint}"


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


def _number(value: Any, what: str, *, low: float = 0.0, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number) or number < low or number > high:
        bound = f"between {low:g} and {high:g}" if math.isfinite(high) else f"{low:g} or more"
        raise ValueError(f"{what} must be {bound}, not {value!r}")
    return number


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
    - seed: seeds the error and jitter draws.
    """

    throttle: bool = False
    tps: Mapping[str, float] = field(default_factory=dict)
    error_rates: Mapping[str, float] = field(default_factory=dict)
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    seed: int = 0

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
        }

    def changed(self, document: Mapping[str, Any]) -> FaultConfig:
        """A copy with a JSON change applied (the admin endpoint's POST body).

        Scalars replace; `tps` and `error_rates` merge, a null value removing one entry and a
        null in place of the object clearing them all. ValueError names what is wrong.
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
        }
        for key, value in document.items():
            if key in ("tps", "error_rates"):
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


CHANGEABLE: tuple[str, ...] = ("throttle", "tps", "error_rates", "latency_ms", "jitter_ms", "seed")


# -- command-line spellings --------------------------------------------------------------------


def _split(text: str, what: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise ValueError(f"expected {what}, got {text!r}")
    return name.strip(), value.strip()


def _float(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a number") from None


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


class _Bucket:
    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, rate: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate * BURST_SECONDS) if rate > 0 else 0.0
        self.tokens = self.capacity
        self.stamp = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class _State:
    def __init__(self, config: FaultConfig, clock: Callable[[], float]) -> None:
        self.lock = threading.Lock()
        self.clock = clock
        self.config = config
        self.buckets: dict[str, _Bucket | None] = {}
        self.errors = random.Random(config.seed)
        self.jitter = random.Random(f"{config.seed}:latency")
        self.rate_limited = 0
        self.injected: dict[str, int] = {}


class FaultInjector:
    """The hook `SimServer` consults for every routed request, driven by a `FaultConfig`.

    `FaultInjector()` injects nothing (the test suite's default); `FaultInjector.aws_defaults()`
    throttles as AWS does. Change it at run time with `configure()` or `change()`; both are
    thread-safe. Subclasses may override `before_request`/`latency` (and may skip `__init__`).
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

    def change(self, document: Mapping[str, Any]) -> FaultConfig:
        """Apply a JSON change (see `FaultConfig.changed`) atomically; returns the new config."""
        state = self._get_state()
        with state.lock:
            config = state.config.changed(document)
        self.configure(config)
        return config

    def injected(self) -> dict[str, Any]:
        """Counts of what was injected: {"rate_limited": n, "errors": {code: n}}."""
        state = self._get_state()
        with state.lock:
            return {
                "rate_limited": state.rate_limited,
                "errors": dict(sorted(state.injected.items())),
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
        """Seconds to wait before answering."""
        state = self._get_state()
        config = state.config
        if not config.latency_ms and not config.jitter_ms:
            return 0.0
        with state.lock:
            spread = state.jitter.uniform(0.0, config.jitter_ms) if config.jitter_ms else 0.0
        return (config.latency_ms + spread) / 1000.0

    # -- internals (state.lock held) ---------------------------------------------------------

    @staticmethod
    def _admit(state: _State, service: str, operation: str) -> bool:
        name = bucket_of(service, operation)
        if name in state.buckets:
            bucket = state.buckets[name]
        else:
            rate = state.config.tps_for(service, operation)
            bucket = None if rate is None else _Bucket(rate, state.clock())
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
