"""AWS's documented job limits that the botocore model cannot express, each read from its
`EmulatorConfig` switch (the switch's source names the AWS page): rollout and timeout ranges,
the active and concurrent job quotas, and UpdateJob's rule for retry counts.
"""

from __future__ import annotations

from typing import Any

from iotjobs_tui.sim.emulator_config import EmulatorConfig
from iotjobs_tui.sim.engine.job_engine import CONTINUOUS, JOB_DELETING, JOB_IN_PROGRESS
from iotjobs_tui.sim.engine.state import RegionState
from iotjobs_tui.sim.wire.errors import invalid_request, limit_exceeded


def check_ranges(cfg: EmulatorConfig, params: dict[str, Any]) -> None:
    """maximumPerMinute and inProgressTimeoutInMinutes (CreateJob, UpdateJob)."""
    rate = (params.get("jobExecutionsRolloutConfig") or {}).get("maximumPerMinute")
    if rate is not None and rate > cfg.max_rollout_per_minute:
        raise invalid_request(
            f"maximumPerMinute must be between 1 and {cfg.max_rollout_per_minute}, not {rate}."
        )
    minutes = (params.get("timeoutConfig") or {}).get("inProgressTimeoutInMinutes")
    low, high = cfg.in_progress_timeout_min_minutes, cfg.in_progress_timeout_max_minutes
    if minutes is not None and not low <= minutes <= high:
        raise invalid_request(
            f"inProgressTimeoutInMinutes must be between {low} and {high}, not {minutes}."
        )


def check_active(
    cfg: EmulatorConfig, state: RegionState, target_selection: str, *, rolls_out: bool
) -> None:
    """CreateJob of a job that starts IN_PROGRESS (`rolls_out`; a SCHEDULED job counts when
    it starts, which AWS documents as CANCELED at the concurrency limit, not as an error)."""
    if not rolls_out:
        return
    active_limit = (
        cfg.max_active_continuous_jobs
        if target_selection == CONTINUOUS
        else cfg.max_active_snapshot_jobs
    )
    concurrent_limit = cfg.max_concurrent_jobs
    if active_limit is None and concurrent_limit is None:
        return
    active = concurrent = 0
    for job in state.jobs.values():
        if job.status == JOB_IN_PROGRESS and job.target_selection == target_selection:
            active += 1
        if job.status != JOB_DELETING and job.is_concurrent:
            concurrent += 1
    kind = "continuous" if target_selection == CONTINUOUS else "snapshot"
    if active_limit is not None and active >= active_limit:
        raise limit_exceeded(
            f"The account already has {active} active {kind} jobs; the limit is {active_limit}."
        )
    if concurrent_limit is not None and concurrent >= concurrent_limit:
        raise limit_exceeded(
            f"{concurrent} jobs are rolling out or canceling executions; the job concurrency "
            f"limit is {concurrent_limit}."
        )


def _retry_counts(config: dict[str, Any] | None) -> dict[str, int]:
    return {
        c["failureType"]: int(c["numberOfRetries"]) for c in (config or {}).get("criteriaList", ())
    }


def check_retry_update(
    cfg: EmulatorConfig, current: dict[str, Any] | None, update: dict[str, Any] | None
) -> None:
    """UpdateJob's jobExecutionsRetryConfig against the job's (switch `update_retries`)."""
    if update is None or cfg.update_retries == "any":
        return
    before, after = _retry_counts(current), _retry_counts(update)
    if all(n == 0 for n in after.values()) or after == before:
        return  # removing every retry, or repeating the configuration, is always allowed
    if cfg.update_retries == "no_increase":
        raised = [t for t, n in after.items() if n > before.get(t, 0)]
        if not raised:
            return
        raise invalid_request(
            f"The number of retries for {', '.join(raised)} cannot be raised after the job "
            "is created."
        )
    raise invalid_request(
        "The number of retries cannot be updated after the job is created; you can only "
        "remove the retry configuration (numberOfRetries 0 for every failure type)."
    )
