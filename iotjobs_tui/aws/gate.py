"""The conditions of `iotjobs-tui watch`: when to stop (`--until`) and when to fail (`--fail-on`).

Pure parsing and evaluation over DescribeJob's `Job`, no I/O, so it is tested without AWS.

- `--until done` waits for a terminal job status (COMPLETED, CANCELED, DELETION_IN_PROGRESS);
  `aborted` for CANCELED; `N%` for N % of the rollout finished (`finished_share`).
- `--fail-on` is a comma-separated list of `aborted`, `KIND>X%` and `KIND>N`, where KIND is
  failed, rejected, timed_out, or all (the three together, as AWS's abort `failureType` ALL).
  A percentage is of the job's executions so far (all eight counters), which is also the
  base the emulator's abort criteria divide by by default; so, like an abort criterion, a
  percentage gate can trip early on a small sample.

The counters count executions, not things: a retry adds an execution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iotjobs_tui.aws.models import AbortCriterion, Job, JobProcessDetails
from iotjobs_tui.common.statuses import FAILURE_TYPE_STATUSES, JOB_FINISHED, ExecStatus, JobStatus

UNTIL_DONE = "done"
UNTIL_ABORTED = "aborted"
ABORTED = "aborted"

# KIND → the execution statuses it adds up: AWS's abort failureType in lower case.
KINDS: dict[str, tuple[ExecStatus, ...]] = {
    kind.lower(): statuses for kind, statuses in FAILURE_TYPE_STATUSES.items()
}
_CONDITION = re.compile(r"^(?P<kind>[a-z_]+)\s*>\s*(?P<value>[0-9]+(?:\.[0-9]+)?)\s*(?P<pct>%?)$")
_FORMS = "use aborted, failed>X%, rejected>X%, timed_out>X%, all>X% or a count such as failed>5"


@dataclass(frozen=True)
class Until:
    """When the watch is over: `kind` is "done", "aborted" or "percent" (with `percent`)."""

    kind: str
    percent: float = 0.0

    def __str__(self) -> str:
        return f"{self.percent:g}%" if self.kind == "percent" else self.kind


@dataclass(frozen=True)
class Gate:
    """One `--fail-on` condition: `aborted`, or KIND over a count or a percentage."""

    kind: str  # "aborted" or a KINDS key
    threshold: float = 0.0
    percent: bool = False

    def __str__(self) -> str:
        if self.kind == ABORTED:
            return ABORTED
        return f"{self.kind}>{self.threshold:g}{'%' if self.percent else ''}"


DONE = Until(UNTIL_DONE)


def parse_until(text: str) -> Until:
    """`done`, `aborted` or `N%` (0 < N <= 100); ValueError with one clause otherwise."""
    value = text.strip().lower()
    if value in (UNTIL_DONE, UNTIL_ABORTED):
        return Until(value)
    if value.endswith("%"):
        try:
            percent = float(value[:-1])
        except ValueError:
            percent = -1.0
        if 0 < percent <= 100:  # nan fails both comparisons
            return Until("percent", percent)
        raise ValueError(f"{text!r}: the percentage must be above 0 and at most 100")
    raise ValueError(f"{text!r} is not done, aborted or a percentage such as 90%")


def parse_gates(text: str) -> tuple[Gate, ...]:
    """The comma-separated conditions of `--fail-on`; ValueError naming the bad one."""
    gates: list[Gate] = []
    for raw in text.split(","):
        item = raw.strip().lower().replace("-", "_")
        if not item:
            raise ValueError(f"{text!r} has an empty condition; {_FORMS}")
        if item == ABORTED:
            gates.append(Gate(ABORTED))
            continue
        match = _CONDITION.match(item)
        if match is None or match["kind"] not in KINDS:
            raise ValueError(f"{raw.strip()!r} is not a condition; {_FORMS}")
        value = float(match["value"])
        percent = bool(match["pct"])
        if percent and value >= 100:
            raise ValueError(f"{raw.strip()!r} can never be true; a share is at most 100%")
        if not percent and not value.is_integer():
            raise ValueError(f"{raw.strip()!r}: a count is a whole number (or add %)")
        gates.append(Gate(match["kind"], value, percent))
    return tuple(dict.fromkeys(gates))  # each once, in order


def counts(job: Job) -> JobProcessDetails:
    """The job's counters (all zero before AWS reports any)."""
    return job.process or JobProcessDetails()


def share(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole > 0 else 0.0


def failing_gate(gates: tuple[Gate, ...], job: Job) -> str | None:
    """The first gate `job` fails, in words ("failed>5% (6 of 98 executions, 6.1%)"), or None.

    `aborted` fails on a CANCELED job whoever canceled it: AWS records no "who", and a CI
    gate that asked for a finished rollout did not get one either way.
    """
    details = counts(job)
    total = details.total
    for gate in gates:
        if gate.kind == ABORTED:
            if job.status == JobStatus.CANCELED:
                return f"{gate} ({cancel_words(job)})"
            continue
        value = sum(details.status_count(status) for status in KINDS[gate.kind])
        if gate.percent:
            percentage = share(value, total)
            if value > 0 and percentage > gate.threshold + 1e-9:
                return f"{gate} ({value} of {total} executions, {percentage:.1f}%)"
        elif value > gate.threshold:
            return f"{gate} ({value} executions)"
    return None


def abort_fired(job: Job) -> AbortCriterion | None:
    """The abort criterion the counters meet, on a CANCELED job that has an abortConfig.

    AWS does not document the reasonCode it sets when an abort fires, so a met criterion is
    the evidence: a job canceled by hand whose counters are below every threshold is not
    called an abort. The base is the executions so far (see the module docstring).
    """
    if job.status != JobStatus.CANCELED or not job.abort:
        return None
    details = counts(job)
    total = details.total
    for criterion in job.abort:
        if criterion.threshold_percentage is None or total < (criterion.min_executed or 0):
            continue
        failures = criterion.failures(details)
        if failures and share(failures, total) + 1e-9 >= criterion.threshold_percentage:
            return criterion
    return None


def cancel_words(job: Job) -> str:
    """ "abort fired: FAILED_THRESHOLD_EXCEEDED" or "canceled: <reasonCode>" for the summary."""
    what = "abort fired" if abort_fired(job) is not None else "canceled"
    if job.force_canceled:
        what += " with force"
    return f"{what}: {job.reason_code}" if job.reason_code else what


def finished_share(job: Job, targets: int | None) -> float:
    """Finished (terminal) executions as a percentage of the rollout.

    The base is the job's executions so far or, when known, its target count if larger: a
    target not notified yet has no execution, and without the count a rate-limited rollout
    would look finished after its first minute.
    """
    details = counts(job)
    return share(details.finished, max(details.total, targets or 0))


@dataclass(frozen=True)
class Verdict:
    """How a poll ends the watch: the exit code and the reason in words."""

    code: int
    reason: str


EXIT_DONE = 0
EXIT_GATE = 1


def judge(until: Until, gates: tuple[Gate, ...], job: Job, targets: int | None) -> Verdict | None:
    """The verdict on one DescribeJob answer, or None to keep watching.

    Order: a failing gate first, then a terminal status, then `--until N%`. A CANCELED job
    fails (exit 1) unless the watch waits for `aborted`; a COMPLETED one fails only that wait.
    """
    failed = failing_gate(gates, job)
    if failed is not None:
        return Verdict(EXIT_GATE, f"gate failed: {failed}")
    status = job.status
    if status == JobStatus.CANCELED:
        words = cancel_words(job)
        return Verdict(EXIT_DONE if until.kind == UNTIL_ABORTED else EXIT_GATE, words)
    if status in JOB_FINISHED:
        if status == JobStatus.COMPLETED:
            if until.kind == UNTIL_ABORTED:
                return Verdict(EXIT_GATE, "completed without being aborted")
            return Verdict(EXIT_DONE, "completed")
        return Verdict(EXIT_GATE, "the job is being deleted")
    if until.kind == "percent" and targets is not None:
        finished = finished_share(job, targets)
        if finished + 1e-9 >= until.percent:
            return Verdict(EXIT_DONE, f"{until} finished ({finished:.1f}%)")
    return None
