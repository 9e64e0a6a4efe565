"""The `credentials` fault: accept only listed access key ids, and expire session tokens.

The emulator never checks signatures (it does not know the secret keys); it reads the access
key id from the SigV4 `Authorization` header's `Credential=AKID/date/region/service/...` (or a
presigned URL's `X-Amz-Credential`), and the session token from `X-Amz-Security-Token`.

While a credentials fault covers an operation, a request is answered, in this order:
- unsigned -> `MissingAuthenticationTokenException` 403 "Missing Authentication Token";
- an access key id not in `access_keys` (when the list is not empty) ->
  `UnrecognizedClientException` 403 "The security token included in the request is invalid.";
- at or after `expires_at`, a request that carries a session token ->
  `ExpiredTokenException` 403 "The security token included in the request is expired".
  Long-term keys (no session token) never expire at AWS; `expire_long_term_keys` makes them
  expire too, for a client that has no session token to give.

`expires_at` is **real** (wall-clock, epoch seconds) time, not the emulator's virtual clock:
a token's expiry is something the user sees on their own clock, whatever the demo speed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from iotjobs_tui.sim.wire.errors import ServiceError
from iotjobs_tui.sim.wire.faults.error_codes import (
    EXPIRED_TOKEN,
    MISSING_TOKEN,
    UNRECOGNIZED_CLIENT,
    fault_error,
)

_CREDENTIAL = re.compile(r"Credential=([^/\s,]+)/")
TOKEN_HEADER = "X-Amz-Security-Token"


def access_key_of(headers: Mapping[str, str], query: Mapping[str, list[str]]) -> str | None:
    """The access key id a request is signed with, or None when it is unsigned."""
    match = _CREDENTIAL.search(headers.get("Authorization", ""))
    if match is not None:
        return match.group(1)
    presigned = query.get("X-Amz-Credential")
    if presigned:
        key = presigned[0].partition("/")[0]
        return key or None
    return None


def session_token_of(headers: Mapping[str, str], query: Mapping[str, list[str]]) -> str | None:
    token = headers.get(TOKEN_HEADER)
    if token:
        return token
    presigned = query.get(TOKEN_HEADER)
    return presigned[0] if presigned and presigned[0] else None


def check_credentials(
    params: Mapping[str, Any],
    service: str,
    operation: str,
    headers: Mapping[str, str],
    query: Mapping[str, list[str]],
    now: float,
) -> ServiceError | None:
    """The auth error a credentials fault answers for this request, or None to let it in.

    `params` are a credentials rule's: access_keys, expires_at, expire_long_term_keys.
    """
    key = access_key_of(headers, query)
    if key is None:
        return fault_error(service, operation, MISSING_TOKEN)
    keys = params.get("access_keys") or ()
    if keys and key not in keys:
        return fault_error(service, operation, UNRECOGNIZED_CLIENT)
    expires_at = params.get("expires_at")
    expired = expires_at is not None and now >= expires_at
    if expired and (params.get("expire_long_term_keys") or session_token_of(headers, query)):
        return fault_error(service, operation, EXPIRED_TOKEN)
    return None
