"""Turn any AWS/botocore failure into one sentence a person can act on.

- `describe_error(exc)`: what happened, with the AWS error code when there is one;
- `what_to_do(exc)`: for a failure that retrying will not fix, the one-sentence remedy (the
  sentence from `describe_error` does not repeat it); `explain` joins the two;
- `is_permanent(exc)`: retrying will not help until something is changed (credentials, IAM
  policy, configuration, the server filter); throttling, 5xx, timeouts and connection errors
  are not permanent;
- `endpoint_problem(url)`: why a URL cannot be an endpoint, checked before botocore sees it.

Every sentence here is written once; `session` raises `AwsSetupError` with these same words.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

THROTTLE_CODES = frozenset(
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "RequestLimitExceeded", "RequestThrottled", "SlowDown",
    }
)  # fmt: skip

# Transient failures: a hint in the sentence itself, since nothing needs doing.
_HINTS = {
    "InvalidSignatureException": "the secret key or the clock of this machine is wrong",
    "ServiceUnavailableException": "AWS IoT is temporarily unavailable; retrying",
    "InternalFailureException": "AWS IoT had an internal error; retrying",
}

_DENIED = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedException"})
_EXPIRED = frozenset({"ExpiredTokenException", "ExpiredToken"})
_NOT_FOUND = "ResourceNotFoundException"
_INVALID_REQUEST = "InvalidRequestException"
# Retrying these cannot succeed until the user changes something; `what_to_do` says what.
PERMANENT_CODES = frozenset(
    _DENIED | _EXPIRED | {"UnrecognizedClientException", _NOT_FOUND, _INVALID_REQUEST}
)

_DEMO = "(or try --demo for a built-in demo fleet)"
NO_REGION = "No AWS region is configured."
NO_REGION_REMEDY = f"Pass --region, set AWS_REGION, or set region in your profile {_DEMO}."
NO_CREDENTIALS = "No AWS credentials were found."
NO_CREDENTIALS_REMEDY = (
    "Run 'aws configure' or 'aws sso login', pass --profile, or set "
    f"AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY {_DEMO}."
)
_PROFILE_REMEDY = "List your profiles with 'aws configure list-profiles' (or try --demo)."
_SSO_REMEDY = "Run 'aws sso login', then press r."
_ENDPOINT_REMEDY = (
    "Fix --endpoint-url, AWS_ENDPOINT_URL_IOT, AWS_ENDPOINT_URL or endpoint_url in your AWS config."
)


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


# --- Endpoint URLs -------------------------------------------------------------------------

# botocore's rule for a host name (`botocore.utils.is_valid_endpoint_url`), so a URL that
# passes here is not refused later with "ValueError: Invalid endpoint".
_HOST = re.compile(r"^((?!-)[A-Z\d-]{1,63}(?<!-)\.)*((?!-)[A-Z\d-]{1,63}(?<!-))$", re.IGNORECASE)


def endpoint_problem(url: str) -> str | None:
    """Why `url` cannot be an endpoint URL (a clause, "it ..."), or None when it can."""
    if not url.strip():
        return "it is empty"
    if any(char.isspace() or not char.isprintable() for char in url):
        return "it contains spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        if str(exc) == "Invalid IPv6 URL":  # a [ without its ], or the other way round
            return "the brackets around its IPv6 address do not match, e.g. http://[::1]:5055"
        return f"its host is not valid ({exc})"  # "'::g' does not appear to be an ... address"
    if parts.scheme.lower() not in ("http", "https"):
        return "it must start with http:// or https://"
    try:
        port = parts.port
    except ValueError:
        return "its port must be a number from 1 to 65535"
    if port == 0:
        return "its port must be a number from 1 to 65535"
    host = parts.hostname
    if not host:
        return "it has no host name"
    if ":" in host:  # bracketed IPv6, as botocore's is_valid_ipv6_endpoint_url accepts it
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return f"{host!r} is not an IPv6 address"
        return None
    if len(host) > 255 or not _HOST.match(host.removesuffix(".")):
        return f"its host {host!r} is not a valid host name"
    return None


def endpoint_error(url: str, source: str, problem: str) -> str:
    """The sentence for an endpoint URL that `endpoint_problem` refused."""
    return _sentence(
        f"The endpoint URL {url!r} from {source} cannot be used ({problem}); fix or unset {source}"
    )


def ca_bundle_error(path: str, source: str) -> str:
    """The sentence for a CA bundle path that does not exist."""
    return _sentence(f"The CA bundle {path!r} from {source} does not exist; fix or unset {source}")


def credentials_failed(source: str, reason: str) -> str:
    """The sentence for a credential source that failed (a credential_process, a bad URL)."""
    return _sentence(
        f"AWS credentials could not be loaded from {source} "
        f"({reason.strip() or 'it gave no reason'}); check your profile and AWS_* variables "
        "(or try --demo)"
    )


def _is_invalid_endpoint(exc: BaseException) -> bool:
    """botocore's ValueError for an endpoint it refuses, or urllib's for a broken IPv6 URL."""
    return type(exc) is ValueError and str(exc).startswith(("Invalid endpoint", "Invalid IPv6"))


def _is_bad_local_setting(exc: BaseException) -> bool:
    """An HTTP client failure no retry can fix: a URL it cannot use, a CA bundle not there."""
    error = getattr(exc, "kwargs", {}).get("error")
    return isinstance(error, ValueError | FileNotFoundError | IsADirectoryError)


# --- Classification ------------------------------------------------------------------------


def is_permanent(exc: BaseException) -> bool:
    """True when retrying cannot help until the user changes something."""
    if isinstance(exc, AwsSetupError) or _is_invalid_endpoint(exc):
        return True
    code = error_code(exc)
    if code is not None:
        return code in PERMANENT_CODES
    try:
        from botocore import exceptions as bx
    except ImportError:  # pragma: no cover - botocore is a dependency
        return False
    if isinstance(exc, bx.HTTPClientError):
        return _is_bad_local_setting(exc)
    return isinstance(
        exc,
        bx.NoRegionError
        | bx.NoCredentialsError
        | bx.PartialCredentialsError
        | bx.ProfileNotFound
        | bx.SSOTokenLoadError
        | bx.TokenRetrievalError,
    )


def what_to_do(exc: BaseException) -> str | None:
    """The one-sentence remedy for a permanent failure; None when retrying is the remedy.

    None for AwsSetupError too: its sentence already says what to do.
    """
    code = error_code(exc)
    if code is not None:
        operation = getattr(exc, "operation_name", "") or ""
        if code in _DENIED:
            action = f"iot:{operation}" if operation else "this call"
            return f"Check the IAM policy allows {action}."
        if code in _EXPIRED:
            return "Refresh your credentials (aws sso login or a new session token)."
        if code == "UnrecognizedClientException":
            return "Check the credentials are valid for this account and region (--profile)."
        if code == _NOT_FOUND:
            if operation == "ListJobs":
                return "The thing group or job does not exist; change the server filter (f)."
            return "It may have been deleted."
        if code == _INVALID_REQUEST:
            return "AWS IoT refused the request as sent; check the server filter (f)."
        return None
    if _is_invalid_endpoint(exc):
        return _ENDPOINT_REMEDY
    try:
        from botocore import exceptions as bx
    except ImportError:  # pragma: no cover - botocore is a dependency
        return None
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return NO_CREDENTIALS_REMEDY
    if isinstance(exc, bx.NoRegionError):
        return NO_REGION_REMEDY
    if isinstance(exc, bx.ProfileNotFound):
        return _PROFILE_REMEDY
    if isinstance(exc, bx.SSOTokenLoadError | bx.TokenRetrievalError):
        return _SSO_REMEDY
    if isinstance(exc, bx.HTTPClientError) and _is_bad_local_setting(exc):
        return (
            "Check the endpoint URL and the CA bundle (AWS_CA_BUNDLE or ca_bundle in your "
            "AWS config)."
        )
    return None


def explain(exc: BaseException) -> str:
    """`describe_error` and, for a permanent failure, `what_to_do`: what the UI shows."""
    remedy = what_to_do(exc)
    text = describe_error(exc)
    return f"{text} {remedy}" if remedy else text


def describe_error(exc: BaseException) -> str:
    """One sentence (with the AWS error code when there is one) for the pane and the toast.

    It says what happened; for a permanent failure `what_to_do` says what to do about it.
    """
    if isinstance(exc, AwsSetupError):
        return str(exc)
    if _is_invalid_endpoint(exc):
        return _sentence(f"The endpoint URL is not usable ({exc})")
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
    if isinstance(exc, bx.NoCredentialsError):
        return NO_CREDENTIALS
    if isinstance(exc, bx.PartialCredentialsError):
        return _sentence(f"The AWS credentials are incomplete ({exc})")
    if isinstance(exc, bx.NoRegionError):
        return NO_REGION
    if isinstance(exc, bx.ProfileNotFound):
        return _sentence(str(exc))
    if isinstance(exc, bx.SSOTokenLoadError | bx.TokenRetrievalError):
        return _sentence(f"The SSO session is missing or expired ({exc})")
    if isinstance(exc, bx.CredentialRetrievalError):
        provider = getattr(exc, "kwargs", {}).get("provider") or "the credential source"
        return credentials_failed(provider, getattr(exc, "kwargs", {}).get("error_msg") or "")
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
    if isinstance(exc, bx.HTTPClientError):
        error = getattr(exc, "kwargs", {}).get("error")
        if isinstance(error, OSError) and error.filename:
            return _sentence(f"The HTTP client could not open {error.filename!r}: {error.strerror}")
        if isinstance(error, BaseException):
            return _sentence(f"The HTTP client failed: {type(error).__name__}: {error}")
    if isinstance(exc, bx.BotoCoreError):
        return _sentence(str(exc))
    return _sentence(f"{type(exc).__name__}: {exc}")
