"""Admin endpoints for switches and S3 objects, and the presigned-URL downloads devices make.

- `GET /_sim/config`: every switch and its value; `POST /_sim/config` with a JSON object of
  changes answers the same (400 and one sentence for an unknown name or a bad type).
- `PUT /_sim/objects/<bucket>/<key>`: store the body as an S3 object, for CreateJob's
  `documentSource` and for presigned URLs; `GET /_sim/objects` lists the objects.
- `GET /presigned/<bucket>/<key>?X-Amz-...`: the URLs `devices/plane.py` puts into job
  documents; S3's XML errors for a missing, edited or expired signature (403) or a missing
  object (404).

Plain functions of the emulator and the request's parts, run by the server on a worker thread
(they take the emulator lock); each returns an `Answer`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from iotjobs_tui.sim import switches
from iotjobs_tui.sim.emulator import Emulator
from iotjobs_tui.sim.wire import s3

PRESIGNED_PREFIX = "/presigned/"
OBJECTS = "objects"


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _json(status: int, document: Any) -> Answer:
    return Answer(status, json.dumps(document).encode())


def _problem(message: str, status: int = 400) -> Answer:
    return _json(status, {"message": message})


# --- /_sim/config ---------------------------------------------------------------------------


def get_config(emulator: Emulator) -> Answer:
    with emulator.lock:
        return _json(200, switches.values(emulator.config))


def post_config(emulator: Emulator, body: bytes) -> Answer:
    try:
        document = json.loads(body or b"{}")
        settings = switches.changes(document, running=True)
    except json.JSONDecodeError:
        return _problem("the body is not JSON; send an object of switches and their values.")
    except ValueError as exc:
        return _problem(_sentence(str(exc)))
    with emulator.lock:
        switches.apply(emulator.config, settings)
        return _json(200, switches.values(emulator.config))


def _sentence(message: str) -> str:
    return message if message.endswith(".") else message + "."


# --- /_sim/objects --------------------------------------------------------------------------


def _bucket_and_key(raw: str) -> tuple[str, str] | None:
    bucket, _, key = raw.partition("/")
    bucket, key = unquote(bucket), unquote(key)
    return (bucket, key) if bucket and key and "/" not in bucket else None


def put_object(emulator: Emulator, raw_path: str, body: bytes) -> Answer:
    """`raw_path` is what follows `/_sim/objects/`, still percent-encoded."""
    target = _bucket_and_key(raw_path)
    if target is None:
        return _problem("Put an object at /_sim/objects/<bucket>/<key>.")
    bucket, key = target
    url = s3.object_url(bucket, key)
    with emulator.lock:
        emulator.s3_objects[url] = s3.to_text(body)
    return _json(200, {"bucket": bucket, "key": key, "url": url, "size": len(body)})


def list_objects(emulator: Emulator) -> Answer:
    with emulator.lock:
        return _json(200, {"objects": s3.listing(emulator.s3_objects)})


# --- presigned downloads --------------------------------------------------------------------


def presigned_get(
    emulator: Emulator, method: str, raw_path: str, query: Mapping[str, list[str]]
) -> Answer:
    """`raw_path` is the request path, starting with PRESIGNED_PREFIX."""
    request_id = uuid.uuid4().hex[:16].upper()
    target = _bucket_and_key(raw_path[len(PRESIGNED_PREFIX) :])
    if method not in ("GET", "HEAD"):
        not_allowed = "The specified method is not allowed against this resource."
        return _s3_error(s3.S3Error(405, "MethodNotAllowed", not_allowed), request_id)
    if target is None:
        return _s3_error(s3.no_such_key(raw_path[len(PRESIGNED_PREFIX) :]), request_id)
    bucket, key = target
    first = {name: values[0] for name, values in query.items() if values}
    with emulator.lock:
        config = emulator.config
        error = s3.check_presigned(
            first, bucket, key, now=emulator.now(), secret=s3.signing_key(config.account_id)
        )
        text = s3.get(emulator.s3_objects, bucket, key) if error is None else None
    if error is None and text is None:
        error = s3.no_such_key(key)
    if error is not None:
        return _s3_error(error, request_id)
    assert text is not None
    body = s3.to_bytes(text)
    # S3's type for an object stored without one.
    return Answer(200, body, "binary/octet-stream", {"x-amz-request-id": request_id})


def _s3_error(error: s3.S3Error, request_id: str) -> Answer:
    return Answer(
        error.status, error.xml(request_id), "application/xml", {"x-amz-request-id": request_id}
    )
