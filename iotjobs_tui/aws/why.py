"""Why executions fail: statusDetails bucketed from a stratified random sample (issue 12).

Pure: no I/O. The calls are in
`aws.why_sampler`, the sample's state in `aws.why_sample` (one `WhySample` per job).

ListJobExecutionsForJob does not return statusDetails, so reasons cost one
DescribeJobExecution each. A job with 1,480 failures is therefore *sampled*:

- **Strata.** FAILED, REJECTED and TIMED_OUT share a target (100 by default), split in
  proportion to each status's count (largest remainder, every non-empty status gets at least
  one, none more than it has). IN_PROGRESS has a small target of its own, for the steps.
- **Uniform within a status, stable as it grows.** Every execution gets a pseudo-random
  priority from a hash of (seed, thing, execution number); a status's sample is its k listed
  executions with the smallest priorities ("bottom-k"). That is a uniform random sample of the
  status as listed now, and a new failure joins it exactly when it would have been drawn: the
  sample is topped up as failures arrive, and an execution once described stays in it unless
  a newer one outranks it.
- **Buckets.** The first configured statusDetails key the execution reports names its bucket
  (`reason`, else `step`, else `progress`...), per status: "FAILED reason CHECKSUM_MISMATCH".
  One key, not a combination: the demo's devices report reason *and* step, and reason x step
  would split every reason four ways. Values are normalised (`normalise`) so that
  "flash write error at 0x0803f000" and "... at 0x0807a000" are one bucket.
- **Counts.** A status described in full gives exact counts. Otherwise a bucket's count is its
  share of the status's sampled executions, scaled to the status's count, with a 95 % Wilson
  interval clamped to what is known (at least the k seen, at most all but the n-k seen
  elsewhere).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from iotjobs_tui.aws.execution_models import JobExecution

# statusDetails keys, in order: the first one an execution reports names its bucket.
DEFAULT_KEYS: tuple[str, ...] = (
    "reason",
    "step",
    "progress",
    "version",
    # AWS IoT Greengrass v2 deployments
    "deployment-failure-cause",
    "deployment-error-types",
    "detailed-deployment-status",
)
STEP_KEYS: tuple[str, ...] = ("step",)
EXAMPLES = 3  # things shown per bucket
MAX_VALUE = 48  # characters of a normalised value
Z95 = 1.959963984540054  # the normal quantile of a two-sided 95 % interval

ExecKey = str  # "thing#number", as the executions list keys its rows


def exec_key(thing: str, number: int | None) -> ExecKey:
    return f"{thing}#{'' if number is None else number}"


# --- normalising values -----------------------------------------------------------------------

_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
_TIME = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
)
# 0x-prefixed, or a run of 8+ hex digits holding both a digit and a letter (addresses, hashes).
_HEX = re.compile(r"\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b", re.I)
# A number not glued to a letter, digit or underscore before it ("nrf9160", "EXIT_CODE_1" keep
# theirs); a unit may follow ("30s", "12034 ms").
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])[-+]?\d+(?:[.,:]\d+)*(?![0-9])")
_SPACES = re.compile(r"\s+")
# A value that is nothing but a number, version or percentage is the category itself.
_WHOLE = re.compile(r"[vV]?\d+(?:\.\d+)*(?:%|[-+][0-9A-Za-z.\-]+)?")


def normalise(value: str, limit: int = MAX_VALUE) -> str:
    """One bucket per kind of value: UUIDs, timestamps, hex and numbers in free text become
    `<uuid>`, `<time>`, `<hex>` and `<n>`; whitespace runs become one space; longer than
    `limit` is cut with "…". A value that is only a number, version or percentage ("40%",
    "5.2.0") is kept: it is what the bucket is about."""
    text = _SPACES.sub(" ", value).strip()
    if not _WHOLE.fullmatch(text):
        text = _UUID.sub("<uuid>", text)
        text = _TIME.sub("<time>", text)
        text = _HEX.sub("<hex>", text)
        text = _NUMBER.sub("<n>", text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


# --- buckets ------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class BucketKey:
    """What an execution is counted under: its status and the first key it reports."""

    status: str
    key: str | None  # the statusDetails key that named it; None: it reports none of them
    value: str = ""  # normalised


def bucket_of(status: str, details: Iterable[tuple[str, str]], keys: Sequence[str]) -> BucketKey:
    """The first of `keys` (case-insensitive) with a non-blank value names the bucket."""
    by_key: dict[str, str] = {}
    for key, value in details:
        by_key.setdefault(key.lower(), value)
    for key in keys:
        found = by_key.get(key.lower())
        if found is not None and found.strip():
            return BucketKey(status, key, normalise(found))
    return BucketKey(status, None)


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion k/n (0..1); (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    denominator = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, center - half), min(1.0, center + half)


@dataclass(frozen=True)
class Bucket:
    key: BucketKey
    sampled: int  # k: sampled executions in this bucket
    described: int  # n: sampled executions of its status
    population: int  # N: executions of its status
    estimate: int  # executions in the bucket: exact, or estimated from the sample
    low: int  # 95 % interval of `estimate` (equal to it when exact)
    high: int
    share: float  # of every execution of the group (the failures, or the in-progress)
    share_low: float
    share_high: float
    examples: tuple[str, ...]  # thing names, EXAMPLES of them
    members: tuple[JobExecution, ...]  # every sampled execution in it

    @property
    def exact(self) -> bool:
        return self.described >= self.population

    @property
    def things(self) -> tuple[str, ...]:
        """The sampled things in it, each once, in sample order."""
        return tuple(dict.fromkeys(e.thing_name for e in self.members if e.thing_name))


def summarise(
    described: Iterable[JobExecution],
    populations: Mapping[str, int],
    keys: Sequence[str],
    examples: int = EXAMPLES,
) -> list[Bucket]:
    """Buckets of `described` (the sampled executions of the statuses in `populations`),
    largest first. `populations`: each status's count; a status described in full is exact."""
    by_status: dict[str, list[JobExecution]] = {}
    for execution in described:
        if execution.status is not None and execution.status in populations:
            by_status.setdefault(execution.status, []).append(execution)
    total = sum(max(populations[s], len(by_status.get(s, ()))) for s in populations)
    buckets: list[Bucket] = []
    for status, executions in by_status.items():
        n = len(executions)
        population = max(populations[status], n)
        groups: dict[BucketKey, list[JobExecution]] = {}
        for execution in executions:
            groups.setdefault(bucket_of(status, execution.status_details, keys), []).append(
                execution
            )
        for key, members in groups.items():
            k = len(members)
            if n >= population:
                estimate = low = high = k
            else:
                lo, hi = wilson(k, n)
                low = max(k, math.floor(population * lo))
                high = min(population - (n - k), math.ceil(population * hi))
                estimate = min(max(round(population * k / n), low), high)
            names = tuple(dict.fromkeys(m.thing_name for m in members if m.thing_name))
            buckets.append(
                Bucket(
                    key,
                    k,
                    n,
                    population,
                    estimate,
                    low,
                    high,
                    estimate / total if total else 0.0,
                    low / total if total else 0.0,
                    high / total if total else 0.0,
                    names[:examples],
                    tuple(members),
                )
            )
    buckets.sort(key=lambda b: (-b.estimate, -b.sampled, b.key.status, b.key.key or "~", b.key))
    return buckets


# --- sampling helpers ----------------------------------------------------------------------


def priority(seed: int, key: ExecKey) -> int:
    """A pseudo-random 64-bit rank of an execution, fixed for a seed."""
    digest = hashlib.blake2b(f"{seed}\x1f{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def allocate(populations: Mapping[str, int], target: int) -> dict[str, int]:
    """`target` sample slots split in proportion to `populations` (largest remainder), each
    non-empty status at least one (when there are slots enough), none more than it has."""
    sizes = {status: max(0, count) for status, count in populations.items()}
    total = sum(sizes.values())
    if total <= target:
        return dict(sizes)
    share = {s: target * count / total for s, count in sizes.items()}
    slots = {s: min(sizes[s], int(share[s])) for s in sizes}
    for status in sizes:
        if sizes[status] and not slots[status] and sum(slots.values()) < target:
            slots[status] = 1
    by_remainder = sorted(sizes, key=lambda s: (-(share[s] - int(share[s])), s))
    while sum(slots.values()) < target:
        room = [s for s in by_remainder if slots[s] < sizes[s]]
        if not room:
            break
        for status in room:
            if sum(slots.values()) >= target:
                break
            slots[status] += 1
    return slots
