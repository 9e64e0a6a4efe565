"""The error codes an `error` fault may answer, with the status and message AWS sends.

Unlike the error shares in `faults/injector.py` (which fall back to a code the operation models, so
SDKs raise a modeled class), an `error` fault answers exactly the code asked for: botocore
maps a `ClientError` by the `x-amzn-ErrorType` code, modeled or not, and AWS sends the auth
errors (403) for every operation although no operation model declares them.

The status is the one the service's model gives the code when it models it (so
`ThrottlingException` is 400 on `iot` and 429 on `iot-jobs-data`), else the one below. The
body is `{"message": ...}`, as restJson1 errors are.
"""

from __future__ import annotations

from iotjobs_tui.sim.wire import model
from iotjobs_tui.sim.wire.errors import ServiceError
from iotjobs_tui.sim.wire.faults.scope import squash
from iotjobs_tui.sim.wire.planes import DEVICE

ACCESS_DENIED = "AccessDeniedException"
UNRECOGNIZED_CLIENT = "UnrecognizedClientException"
EXPIRED_TOKEN = "ExpiredTokenException"
MISSING_TOKEN = "MissingAuthenticationTokenException"

# code -> (status when the service's model does not give one, AWS's usual message). The
# messages of the three auth codes are AWS's own wording; "{action}" is the IAM action.
CODES: dict[str, tuple[int, str]] = {
    ACCESS_DENIED: (403, "User is not authorized to perform: {action}"),
    UNRECOGNIZED_CLIENT: (403, "The security token included in the request is invalid."),
    EXPIRED_TOKEN: (403, "The security token included in the request is expired"),
    MISSING_TOKEN: (403, "Missing Authentication Token"),
    "ResourceNotFoundException": (404, "The specified resource does not exist."),
    "InvalidRequestException": (400, "The request is not valid."),
    "ThrottlingException": (400, "Rate exceeded"),
    "ServiceUnavailableException": (503, "Service Unavailable. Please try again later."),
    "InternalFailureException": (500, "An unexpected error has occurred."),
}
_NAMES = {
    **{squash(code): code for code in CODES},
    **{squash(code.removesuffix("Exception")): code for code in CODES},
}
# The IAM action prefix of each plane (the device plane's is not its signing name).
_IAM_PREFIX = {DEVICE: "iotjobsdata"}


def resolve_error_code(name: str) -> str:
    """A user's error name -> one of CODES (`AccessDenied`, `access-denied` accepted)."""
    code = _NAMES.get(squash(name.strip()))
    if code is None:
        raise ValueError(f"unknown error code {name!r} (choose from: {', '.join(CODES)})")
    return code


def error_status(service: str, code: str) -> int:
    """The HTTP status of `code` on `service`: the model's, else the table's."""
    return model.error_status(service, code) or CODES[code][0]


def fault_error(
    service: str, operation: str, code: str, message: str | None = None
) -> ServiceError:
    """The error answered for `code` on one operation (`message` replaces AWS's wording)."""
    action = f"{_IAM_PREFIX.get(service, service)}:{operation}"
    text = message if message is not None else CODES[code][1].format(action=action)
    return ServiceError(code, text, status=error_status(service, code))
