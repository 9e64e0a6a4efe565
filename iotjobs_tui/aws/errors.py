"""Turn any AWS/botocore failure into one sentence a person can act on."""

from __future__ import annotations

THROTTLE_CODES = frozenset(
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "RequestLimitExceeded", "RequestThrottled", "SlowDown",
    }
)  # fmt: skip

_HINTS = {
    "AccessDeniedException": "check the IAM permissions of these credentials",
    "UnauthorizedException": "check the IAM permissions of these credentials",
    "UnrecognizedClientException": "the credentials are not valid for this account or region",
    "InvalidSignatureException": "the secret key or the clock of this machine is wrong",
    "ExpiredTokenException": "the session has expired; log in again (aws sso login)",
    "ExpiredToken": "the session has expired; log in again (aws sso login)",
    "ResourceNotFoundException": "it may have been deleted",
    "ServiceUnavailableException": "AWS IoT is temporarily unavailable; retrying",
    "InternalFailureException": "AWS IoT had an internal error; retrying",
}


class AwsSetupError(Exception):
    """Configuration is missing or wrong (credentials, region, profile); str() is the sentence."""


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a ClientError, else None."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error")
        if isinstance(error, dict):
            code = error.get("Code")
            return str(code) if code else None
    return None


def is_throttle(exc: BaseException) -> bool:
    return error_code(exc) in THROTTLE_CODES


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def describe_error(exc: BaseException) -> str:
    """One sentence (with the AWS error code when there is one) for the pane and the toast."""
    if isinstance(exc, AwsSetupError):
        return str(exc)
    try:
        from botocore import exceptions as bx
    except ImportError:  # pragma: no cover - botocore is a dependency
        return _sentence(f"{type(exc).__name__}: {exc}")

    if isinstance(exc, bx.ClientError):
        code = error_code(exc) or "UnknownError"
        message = (exc.response.get("Error") or {}).get("Message") or ""
        operation = getattr(exc, "operation_name", "") or "the call"
        if code in THROTTLE_CODES:
            return _sentence(
                f"{operation} was throttled by AWS ({code}) after retries; backing off"
            )
        hint = _HINTS.get(code)
        text = f"{operation} failed with {code}"
        if message:
            text += f": {message.rstrip('.')}"
        if hint:
            text += f" ({hint})"
        return _sentence(text)
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return (
            "No usable AWS credentials were found: run 'aws configure' or 'aws sso login', "
            "pass --profile, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
            "(or try --demo for a built-in demo fleet)."
        )
    if isinstance(exc, bx.NoRegionError):
        return (
            "No AWS region is configured: pass --region or set AWS_REGION "
            "(or try --demo for a built-in demo fleet)."
        )
    if isinstance(exc, bx.ProfileNotFound):
        return _sentence(
            f"{exc}; list your profiles with 'aws configure list-profiles' (or try --demo)"
        )
    if isinstance(exc, bx.SSOTokenLoadError | bx.TokenRetrievalError):
        return _sentence(f"The SSO session is missing or expired; run 'aws sso login' ({exc})")
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectTimeoutError):
        url = getattr(exc, "kwargs", {}).get("endpoint_url", "the endpoint")
        return _sentence(
            f"Could not connect to {url}: check the network, --region and --endpoint-url "
            "(or try --demo for a built-in demo fleet)"
        )
    if isinstance(exc, bx.ReadTimeoutError):
        return "The endpoint accepted the connection but did not answer in time; retrying."
    if isinstance(exc, bx.SSLError):
        return _sentence(f"TLS failed talking to AWS: {exc}")
    if isinstance(exc, bx.ParamValidationError):
        return _sentence(f"A request parameter was rejected before sending: {exc}")
    if isinstance(exc, bx.BotoCoreError):
        return _sentence(str(exc))
    return _sentence(f"{type(exc).__name__}: {exc}")
