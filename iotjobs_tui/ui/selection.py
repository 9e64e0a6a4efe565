"""What the user has highlighted, as one value every screen can hand to copy, export and
the guarded writes, so those features never reach into a screen's widgets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from iotjobs_tui.aws.eta import TargetCount
from iotjobs_tui.aws.models import Job


@dataclass(frozen=True)
class Selection:
    kind: Literal["job", "execution"]
    job_id: str
    # None until DescribeJob (or the list page) has said it.
    job_arn: str | None = None
    # For an execution: the thing and the execution number (None: the latest).
    thing_name: str | None = None
    execution_number: int | None = None
    # The highlighted item's status as last seen (a job's or an execution's).
    status: str | None = None
    # The last DescribeJob of the job, when the screen has one (numbers for a cancel).
    job: Job | None = None
    # The highlighted record as loaded (a Job, JobSummary, JobExecution or execution
    # summary dataclass), for "copy as JSON".
    record: object | None = None
    # The job's targets: the last finished count and one under way (main screen only).
    targets: TargetCount | None = None
    counting: TargetCount | None = None
