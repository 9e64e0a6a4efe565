"""The emulator's stand-in for Amazon S3: object URLs, object lookup, presigned URLs.

Objects live in `Emulator.s3_objects`, a dict of str. An object put over `/_sim/objects` is
stored under its path-style URL (`https://s3.amazonaws.com/<bucket>/<key>`); bytes that are
not UTF-8 are kept losslessly with the `surrogateescape` error handler, so a job document
reads as plain text and a firmware image round-trips byte for byte. Entries that tests put in
process under any URL are found too (exact URL first, then by bucket and key).

Object URLs are the forms AWS documents for `documentSource` and presigned-URL placeholders:
path-style `https://s3[.<region>].amazonaws.com/<bucket>/<key>` (also `s3-<region>` and
`s3.dualstack.<region>`), virtual-hosted `https://<bucket>.s3[.<region>].amazonaws.com/<key>`,
and the `s3://<bucket>/<key>` link.

Presigned URLs are shaped like S3's SigV4 query authentication (X-Amz-Algorithm, -Credential,
-Date, -Expires, -SignedHeaders, -Signature) so device code that parses them keeps working,
but the signature is the emulator's own HMAC over bucket, key, date and expiry: any edit to
those is `SignatureDoesNotMatch`, a URL past its expiry (on the virtual clock) `AccessDenied`.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlencode, urlsplit

ERROR_HANDLER = "surrogateescape"
ALGORITHM = "AWS4-HMAC-SHA256"
# A credential in the shape S3 presigned URLs carry; only the emulator checks the signature.
ACCESS_KEY = "ASIAIOTJOBSEMULATOR0"
# host -> optional bucket (virtual-hosted) and region; "amazonaws.com.cn" for the China regions.
_HOST = re.compile(
    r"^(?:(?P<bucket>.+)\.)?s3(?:[.-](?:dualstack\.)?(?P<region>[a-z0-9-]+))?"
    r"\.amazonaws\.com(?:\.cn)?$"
)
_DATE = re.compile(r"^\d{8}T\d{6}Z$")


def object_url(bucket: str, key: str) -> str:
    """The path-style URL an object put over the admin API is stored (and listed) under."""
    return f"https://s3.amazonaws.com/{bucket}/{key}"


def parse_object_url(url: str) -> tuple[str, str] | None:
    """(bucket, key) of an S3 object URL in a documented form, else None."""
    parts = urlsplit(url.strip())
    path = unquote(parts.path)
    if parts.scheme == "s3":
        bucket, key = parts.netloc, path.lstrip("/")
    elif parts.scheme == "https":
        match = _HOST.match(parts.hostname or "")
        if match is None or parts.query or parts.fragment:
            return None
        if match.group("bucket"):
            bucket, key = match.group("bucket"), path.lstrip("/")
        else:
            bucket, _, key = path.lstrip("/").partition("/")
    else:
        return None
    return (bucket, key) if bucket and key else None


def to_text(data: bytes) -> str:
    return data.decode("utf-8", ERROR_HANDLER)


def to_bytes(text: str) -> bytes:
    return text.encode("utf-8", ERROR_HANDLER)


def is_utf8(text: str) -> bool:
    """False when `text` holds bytes that were not UTF-8 (kept as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def find(objects: Mapping[str, str], url: str) -> str | None:
    """The object at `url`: stored under that exact string, or under any URL of its object."""
    found = objects.get(url)
    if found is not None:
        return found
    target = parse_object_url(url)
    return None if target is None else get(objects, *target)


def get(objects: Mapping[str, str], bucket: str, key: str) -> str | None:
    found = objects.get(object_url(bucket, key))
    if found is not None:
        return found
    for url, text in objects.items():  # entries put in process under another URL form
        if parse_object_url(url) == (bucket, key):
            return text
    return None


def listing(objects: Mapping[str, str]) -> list[dict[str, object]]:
    """Every object as {bucket, key, url, size}, sorted by bucket and key."""
    out: list[dict[str, object]] = []
    for url, text in objects.items():
        target = parse_object_url(url)
        if target is not None:
            bucket, key = target
            out.append({"bucket": bucket, "key": key, "url": url, "size": len(to_bytes(text))})
    return sorted(out, key=lambda o: (str(o["bucket"]), str(o["key"])))


# --- presigned URLs -------------------------------------------------------------------------


def signing_key(account_id: str) -> str:
    """The HMAC key of the account's presigned URLs: fixed, so URLs are reproducible; it
    detects edits, it is not a secret (the emulator serves loopback)."""
    return f"iotjobs-tui emulator {account_id}"


def _amz_date(at: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(int(at)))


def _signature(secret: str, bucket: str, key: str, date: str, expires: int) -> str:
    message = to_bytes(f"{bucket}\n{key}\n{date}\n{expires}")
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def presign(
    root: str, bucket: str, key: str, *, at: float, expires: int, secret: str, region: str
) -> str:
    """A URL under `root` (the emulator's own address) that serves the object until
    `at + expires` on the virtual clock."""
    date = _amz_date(at)
    query = urlencode(
        {
            "X-Amz-Algorithm": ALGORITHM,
            "X-Amz-Credential": f"{ACCESS_KEY}/{date[:8]}/{region}/s3/aws4_request",
            "X-Amz-Date": date,
            "X-Amz-Expires": str(expires),
            "X-Amz-SignedHeaders": "host",
            "X-Amz-Signature": _signature(secret, bucket, key, date, expires),
        },
        safe="/",
    )
    return f"{root.rstrip('/')}/presigned/{quote(bucket)}/{quote(key)}?{query}"


@dataclass(frozen=True)
class S3Error:
    """An S3 error response: status, code, message and extra elements, as S3 sends them."""

    status: int
    code: str
    message: str
    extra: tuple[tuple[str, str], ...] = ()

    def xml(self, request_id: str) -> bytes:
        items = [("Code", self.code), ("Message", self.message), *self.extra]
        items.append(("RequestId", request_id))
        body = "".join(f"<{name}>{_escape(value)}</{name}>" for name, value in items)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{body}</Error>'.encode()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def check_presigned(
    query: Mapping[str, str], bucket: str, key: str, *, now: float, secret: str
) -> S3Error | None:
    """None when the query authenticates `bucket`/`key` at virtual time `now`, else the error
    S3 answers: a missing or edited signature first, then expiry."""
    date = query.get("X-Amz-Date", "")
    expires_text = query.get("X-Amz-Expires", "")
    signature = query.get("X-Amz-Signature")
    if signature is None or not _DATE.match(date) or not expires_text.isdigit():
        return S3Error(
            403,
            "AccessDenied",
            "Query-string authentication requires the X-Amz-Date, X-Amz-Expires and "
            "X-Amz-Signature parameters.",
        )
    expires = int(expires_text)
    expected = _signature(secret, bucket, key, date, expires)
    if not hmac.compare_digest(signature, expected):
        return S3Error(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.",
        )
    issued = calendar.timegm(time.strptime(date, "%Y%m%dT%H%M%SZ"))
    if now > issued + expires:
        return S3Error(
            403,
            "AccessDenied",
            "Request has expired",
            (
                ("X-Amz-Expires", str(expires)),
                ("Expires", _iso(issued + expires)),
                ("ServerTime", _iso(now)),
            ),
        )
    return None


def no_such_key(key: str) -> S3Error:
    return S3Error(404, "NoSuchKey", "The specified key does not exist.", (("Key", key),))


def _iso(at: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(at)))
