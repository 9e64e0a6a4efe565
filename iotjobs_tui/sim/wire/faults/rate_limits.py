"""AWS-like rate limits: the default TPS per operation, the shared buckets, a token bucket.

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
"""

from __future__ import annotations

from iotjobs_tui.sim.wire.faults.scope import resolve_operation
from iotjobs_tui.sim.wire.planes import CONTROL, DEVICE

BURST_SECONDS = 1.0  # a full bucket holds one second's worth of requests (see the docstring)

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


def bucket_of(service: str, operation: str) -> str:
    """The bucket an operation draws from: its shared bucket, else "service:Operation"."""
    return SHARED_BUCKETS.get((service, operation), f"{service}:{operation}")


def resolve_bucket(name: str) -> str:
    """A user's operation name -> its bucket name; ValueError with a clear message otherwise.

    Accepts an operation name as in the model (`DescribeJob`), in boto3 or AWS CLI spelling
    (`describe_job`, `describe-job`), qualified by its service (`iot:DescribeJobExecution`,
    needed when both planes have it), or a shared bucket (`iot-jobs-data:read`/`:write`).
    """
    service, sep, operation = name.strip().rpartition(":")
    if sep and operation in ("read", "write") and service == DEVICE:
        return f"{DEVICE}:{operation}"
    return bucket_of(*resolve_operation(name))


class Bucket:
    """A token bucket: `rate` tokens a second, holding at most BURST_SECONDS of them."""

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
