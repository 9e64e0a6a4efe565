"""Helpers for the fault tests (tests/sim/test_fault_*.py): outcomes, the admin API, a job.

The tests use the shared `sim_server` fixture (its own emulator and a `FaultInjector()` that
injects nothing) and change its faults through `/_sim/faults`, as a user would.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError


def outcome(call: Callable[[], Any]) -> tuple[str, int]:
    """("ok", 200) or (error code, HTTP status) for one boto3 call."""
    try:
        response = call()
    except ClientError as exc:
        error: Any = exc.response
        return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]
    return "ok", response["ResponseMetadata"]["HTTPStatusCode"]


def admin(url: str, body: Any = None) -> tuple[int, Any]:
    """GET /_sim/faults, or POST `body` to it: (status, JSON answer)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{url}/_sim/faults", data=data, method="GET" if body is None else "POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def set_rules(url: str, **rules: Any) -> dict[str, Any]:
    """POST {"rules": rules} and return the new state (fails the test on a 400)."""
    status, state = admin(url, {"rules": rules})
    assert status == 200, state
    return dict(state)


def create_job(iot: Any, job_id: str = "j1", things: tuple[str, ...] = ("t1",)) -> None:
    arns = []
    for thing in things:
        iot.create_thing(thingName=thing)
        arns.append(iot.describe_thing(thingName=thing)["thingArn"])
    iot.create_job(jobId=job_id, targets=arns, document='{"op": "reboot"}', description="d")


def raw_get(url: str, path: str, timeout: float = 5.0) -> tuple[bytes, bytes]:
    """GET `path` over a plain socket: (head, body as received until the server closed)."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head, body


def header(head: bytes, name: str) -> str | None:
    for line in head.decode("latin-1").split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None
