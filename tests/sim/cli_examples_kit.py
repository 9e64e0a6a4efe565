"""Helpers for the AWS CLI example suites (tests/sim/test_cli_examples_*.py).

The examples come from the "Examples" sections of the AWS CLI reference pages
(https://docs.aws.amazon.com/cli/latest/reference/<service>/<command>.html); the same text ships
with the CLI as awscli/examples/<service>/<command>.rst. Each test runs the documented command
with the real `aws` CLI (v1) against the emulator and compares the answer with the documented
output, written into the test by hand. `canon` masks what legitimately differs between an
account and ours (account ids and regions in ARNs, timestamps, UUIDs, version numbers) and
makes lists order-free, since none of these examples documents an order.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config

REGION = "us-west-2"  # the region of nearly every example
# The dev extras install the CLI (awscli, pinned to the botocore the app uses) beside this
# interpreter, so `make test` runs these on a fresh machine; one on the PATH is the fallback.
_BESIDE = Path(sys.executable).with_name("aws")
AWS = str(_BESIDE) if _BESIDE.exists() else shutil.which("aws")
needs_cli = pytest.mark.skipif(AWS is None, reason="the AWS CLI (`aws`) is not installed")

ANY = "<varies>"
# Members whose values depend on when and where the call ran, never on its input.
VARYING = frozenset(
    {
        "createdAt",
        "lastUpdatedAt",
        "queuedAt",
        "startedAt",
        "completedAt",
        "creationDate",
        "thingId",
        "thingGroupId",
        "version",
        "versionNumber",
        "approximateSecondsBeforeTimedOut",
    }
)
_ARN = re.compile(r"^arn:aws:iot:[^:]*:[^:]*:")
_NO_CREDENTIALS = {"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"}


class CliError(Exception):
    def __init__(self, rc: int, stderr: str) -> None:
        super().__init__(f"aws exited {rc}: {stderr.strip()}")
        self.rc = rc
        self.stderr = stderr


class AwsCli:
    """The installed AWS CLI, pointed at the emulator with dummy credentials and no config."""

    def __init__(self, url: str, workdir: Path) -> None:
        self.url = url
        self.workdir = workdir
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in _NO_CREDENTIALS and not k.startswith("AWS_ENDPOINT_URL")
        }
        # CLI v1 fetches a parameter value that is an http(s) URL (the job template example's
        # --document-source) unless told not to; the value must reach the emulator as text.
        config = workdir / "aws-cli-config"
        config.write_text("[default]\ncli_follow_urlparam = false\n")
        env.update(
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_CONFIG_FILE=str(config),
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
            AWS_EC2_METADATA_DISABLED="true",
            # One attempt: a refused call fails at once instead of being retried.
            AWS_RETRY_MODE="standard",
            AWS_MAX_ATTEMPTS="1",
            AWS_PAGER="",
        )
        self.env = env

    def run(self, service: str, command: str, *args: str) -> Any:
        """Run `aws <service> <command> <args>`; the parsed JSON output, None when it has none."""
        assert AWS is not None
        argv = [AWS, service, command, *args]
        argv += ["--endpoint-url", self.url, "--region", REGION, "--output", "json"]
        done = subprocess.run(
            argv, env=self.env, cwd=self.workdir, capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0:
            raise CliError(done.returncode, done.stderr)
        return json.loads(done.stdout) if done.stdout.strip() else None

    def fails(self, service: str, command: str, *args: str) -> CliError:
        """Run a command that must be refused; the error (its stderr names the AWS error code)."""
        with pytest.raises(CliError) as exc:
            self.run(service, command, *args)
        return exc.value

    def file(self, name: str, text: str) -> str:
        """Write a file the example reads (`file://name`), relative to the CLI's cwd."""
        (self.workdir / name).write_text(text)
        return f"file://{name}"


def client(service: str, url: str) -> Any:
    """A boto3 client in the examples' region, to create what an example presupposes."""
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


def canon(doc: Any, keep: Iterable[str] = (), vary: Iterable[str] = ()) -> Any:
    """`doc` with varying values masked (`VARYING` members but those in `keep`, plus those in
    `vary`, and the account and region of every ARN) and every list sorted."""
    masked = (VARYING - frozenset(keep)) | frozenset(vary)

    def walk(value: Any, key: str | None) -> Any:
        if key in masked:
            return ANY
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return sorted((walk(v, None) for v in value), key=lambda v: json.dumps(v))
        if isinstance(value, str):
            return _ARN.sub("arn:aws:iot:<region>:<account>:", value)
        return value

    return walk(doc, None)


def assert_matches(
    actual: Any, documented: Any, keep: Iterable[str] = (), vary: Iterable[str] = ()
) -> None:
    """The answer equals the documented output: same members at every level, same values
    but the masked ones (see `canon`)."""
    assert canon(actual, keep, vary) == canon(documented, keep, vary)


def _output_shape(service: str, operation: str) -> Any:
    model = botocore.session.get_session().get_service_model(service)
    return model.operation_model(operation).output_shape


def _member_shape(shape: Any, step: str) -> Any:
    while shape.type_name == "list":
        shape = shape.member
    assert shape.type_name == "structure", f"{step}: not a structure member"
    assert step in shape.members, f"{step} is not a member of {shape.name}"
    return shape.members[step]


def without_later_members(actual: Any, service: str, operation: str, paths: Iterable[str]) -> Any:
    """`actual` without members that AWS added to the API after the example was written.

    Each path ("job.isConcurrent", "executionSummaries.jobExecutionSummary.retryAttempt";
    lists are stepped through) must be a member of the operation's output shape in botocore's
    current model, so only real, documented additions can be dropped this way.
    """
    out = json.loads(json.dumps(actual))
    for path in paths:
        steps = path.split(".")
        shape = _output_shape(service, operation)
        for step in steps:
            shape = _member_shape(shape, step)
        _drop(out, steps)
    return out


def _drop(value: Any, steps: list[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _drop(item, steps)
        return
    assert isinstance(value, dict)
    if len(steps) == 1:
        value.pop(steps[0], None)
    elif steps[0] in value:
        _drop(value[steps[0]], steps[1:])


def key_tree(doc: Any) -> Any:
    """The member names at every level (lists merged), for shape-only documentation."""
    if isinstance(doc, dict):
        return {k: key_tree(v) for k, v in doc.items()}
    if isinstance(doc, list):
        merged: dict[str, Any] = {}
        for item in doc:
            sub = key_tree(item)
            if isinstance(sub, dict):
                merged.update(sub)
        return [merged] if merged else []
    return None


def is_within(tree: Any, documented: Any) -> bool:
    """Every member of `tree` (a `key_tree`) is in `documented` (one), at the same place."""
    if isinstance(tree, dict):
        return isinstance(documented, dict) and all(
            k in documented and is_within(v, documented[k]) for k, v in tree.items()
        )
    if isinstance(tree, list):
        return isinstance(documented, list) and all(
            is_within(t, documented[0] if documented else None) for t in tree
        )
    return True
