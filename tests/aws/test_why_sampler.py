"""The why panel's calls: sweeps read at most their page budget and resume by nextToken, an
expired token restarts a sweep, a deleted execution is `gone`, and a failed cycle keeps what
it read."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from iotjobs_tui.aws.api import JobsApi
from iotjobs_tui.aws.pacer import Pacer
from iotjobs_tui.aws.why_sample import CycleResult
from iotjobs_tui.aws.why_sampler import describe_things, run_cycle

ARN = "arn:aws:iot:us-east-1:123456789012:thing/"


def error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, operation)


class FakeIot:
    """Pages of `per_page` rows per status; tokens are "status:offset"."""

    def __init__(self, sizes: dict[str, int], per_page: int = 2) -> None:
        self.sizes, self.per_page = sizes, per_page
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.refuse_tokens = False
        self.fail_describe: str | None = None

    async def list_job_executions_for_job(self, **params: Any) -> dict[str, Any]:
        self.calls.append(("list", params))
        status, token = params["status"], params.get("nextToken")
        if token and self.refuse_tokens:
            raise error("InvalidRequestException", "ListJobExecutionsForJob")
        start = int(token.split(":")[1]) if token else 0
        end = min(start + self.per_page, self.sizes[status])
        page = {
            "executionSummaries": [
                {
                    "thingArn": f"{ARN}{status.lower()}-{i}",
                    "jobExecutionSummary": {"status": status, "executionNumber": 1},
                }
                for i in range(start, end)
            ]
        }
        if end < self.sizes[status]:
            page["nextToken"] = f"{status}:{end}"
        return page

    async def describe_job_execution(self, **params: Any) -> dict[str, Any]:
        self.calls.append(("describe", params))
        thing = params["thingName"]
        if thing == "gone":
            raise error("ResourceNotFoundException", "DescribeJobExecution")
        if thing == self.fail_describe:
            raise error("ThrottlingException", "DescribeJobExecution")
        return {
            "execution": {
                "jobId": params["jobId"],
                "thingArn": ARN + thing,
                "status": "FAILED",
                "statusDetails": {"detailsMap": {"reason": "X"}},
                "executionNumber": params.get("executionNumber", 1),
            }
        }


def api(client: FakeIot) -> JobsApi:
    return JobsApi(client, pacer=Pacer(1000, 1000, 1000))


async def test_sweeps_spend_the_page_budget_and_resume() -> None:
    client = FakeIot({"FAILED": 5, "REJECTED": 3})
    result = CycleResult()
    sweeps = (("FAILED", None, 5), ("REJECTED", None, 4))
    await run_cycle(api(client), "fw", sweeps, lambda pages: [], result)
    # three pages in all (PAGES_PER_CYCLE): FAILED's three, REJECTED waits for the next cycle
    rows, token, read = result.pages["FAILED"]
    assert (len(rows), token, read) == (5, None, 3)
    assert "REJECTED" not in result.pages and result.calls == 3
    resumed = CycleResult()
    await run_cycle(api(client), "fw", (("REJECTED", "REJECTED:2", 3),), lambda p: [], resumed)
    assert resumed.pages["REJECTED"] == ([("rejected-2", 1)], None, 1)


async def test_an_expired_token_and_a_deleted_execution() -> None:
    client = FakeIot({"FAILED": 10})
    client.refuse_tokens = True
    result = CycleResult()
    await run_cycle(
        api(client),
        "fw",
        (("FAILED", "FAILED:4", 3),),
        lambda pages: [("t1", 1), ("gone", 2)],
        result,
    )
    assert result.expired == ["FAILED"] and "FAILED" not in result.pages
    assert [e.thing_name for e in result.described] == ["t1"]
    assert result.gone == [("gone", 2)]
    assert client.calls[-1] == (
        "describe",
        {"jobId": "fw", "thingName": "gone", "executionNumber": 2},
    )


async def test_a_failed_cycle_keeps_what_it_read() -> None:
    client = FakeIot({"FAILED": 2})
    client.fail_describe = "t2"
    result = CycleResult()
    with pytest.raises(ClientError):
        await run_cycle(
            api(client),
            "fw",
            (("FAILED", None, 3),),
            lambda pages: [("t1", 1), ("t2", 1), ("t3", 1)],
            result,
        )
    assert result.pages["FAILED"][0] == [("failed-0", 1), ("failed-1", 1)]
    assert [e.thing_name for e in result.described] == ["t1"]
    latest = await describe_things(api(client), "fw", ("t9",), CycleResult())
    assert client.calls[-1] == ("describe", {"jobId": "fw", "thingName": "t9"})
    assert latest.described[0].status == "FAILED"
