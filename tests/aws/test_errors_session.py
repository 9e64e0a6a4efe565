import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOTokenLoadError,
)

from iotjobs_tui.aws.errors import (
    NO_CREDENTIALS,
    NO_CREDENTIALS_REMEDY,
    NO_REGION,
    NO_REGION_REMEDY,
    AwsSetupError,
    describe_error,
    error_code,
    explain,
    is_permanent,
    is_throttle,
    what_to_do,
)
from iotjobs_tui.aws.session import AwsConnection, ConnectionSettings


def client_error(code: str, message: str = "boom", operation: str = "DescribeJob") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def test_client_error_has_code_and_operation() -> None:
    exc = client_error("ResourceNotFoundException", "Job j does not exist.")
    assert describe_error(exc) == (
        "DescribeJob failed with ResourceNotFoundException: Job j does not exist."
    )
    assert explain(exc) == describe_error(exc) + " It may have been deleted."


def test_throttle_sentence() -> None:
    exc = client_error("ThrottlingException", "Rate exceeded")
    assert is_throttle(exc)
    assert "ThrottlingException" in describe_error(exc)


@pytest.mark.parametrize(
    ("exc", "needle"),
    [
        (NoCredentialsError(), "--demo"),
        (NoRegionError(), "--region"),
        (ProfileNotFound(profile="nope"), "nope"),
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), "http://127.0.0.1:9"),
    ],
)
def test_one_sentence(exc: Exception, needle: str) -> None:
    text = explain(exc)
    assert needle in text
    assert "\n" not in text and text.endswith(".")


def test_endpoint_resolution_order() -> None:
    env = {"AWS_ENDPOINT_URL": "http://generic", "AWS_ENDPOINT_URL_IOT": "http://iot"}
    assert ConnectionSettings().resolved_endpoint(env) == "http://iot"
    assert ConnectionSettings().resolved_endpoint({"AWS_ENDPOINT_URL": "http://g"}) == "http://g"
    assert ConnectionSettings(endpoint_url="http://flag").resolved_endpoint(env) == "http://flag"
    ignored = {**env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}
    assert ConnectionSettings().resolved_endpoint(ignored) is None


def test_retry_mode_is_explicitly_adaptive() -> None:
    config = ConnectionSettings(max_attempts=4).botocore_config()
    assert config.retries == {"mode": "adaptive", "total_max_attempts": 4}


async def test_no_region_is_one_sentence(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    with pytest.raises(AwsSetupError, match="No AWS region") as raised:
        await AwsConnection(ConnectionSettings()).open()
    assert str(raised.value) == f"{NO_REGION} {NO_REGION_REMEDY}"  # the same words as botocore's
    assert explain(NoRegionError()) == str(raised.value)


async def test_no_credentials_is_one_sentence(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    with pytest.raises(AwsSetupError, match="No AWS credentials") as raised:
        await AwsConnection(ConnectionSettings(region="us-east-1")).open()
    assert str(raised.value) == f"{NO_CREDENTIALS} {NO_CREDENTIALS_REMEDY}"
    assert explain(NoCredentialsError()) == str(raised.value)


async def test_unknown_profile_is_one_sentence(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(AwsSetupError, match="nope"):
        await AwsConnection(ConnectionSettings(profile="nope", region="us-east-1")).open()


PERMANENT = [
    client_error("AccessDeniedException", operation="ListJobs"),
    client_error("UnauthorizedException"),
    client_error("UnrecognizedClientException"),
    client_error("ExpiredTokenException"),
    client_error("ExpiredToken"),
    client_error("ResourceNotFoundException", operation="ListJobs"),
    client_error("InvalidRequestException", operation="ListJobs"),
    AwsSetupError("No AWS region is configured."),
    NoRegionError(),
    NoCredentialsError(),
    PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
    ProfileNotFound(profile="nope"),
    SSOTokenLoadError(error_msg="expired"),
    ValueError("Invalid endpoint: notaurl"),
    ValueError("Invalid IPv6 URL"),
    HTTPClientError(error=FileNotFoundError(2, "No such file or directory", "/nope.pem")),
]
TRANSIENT = [
    client_error("ThrottlingException"),
    client_error("TooManyRequestsException"),
    client_error("ServiceUnavailableException"),
    client_error("InternalFailureException"),
    client_error("InternalServerException"),
    client_error("InvalidSignatureException"),  # clock skew can heal
    EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
    ConnectTimeoutError(endpoint_url="http://127.0.0.1:9"),
    ReadTimeoutError(endpoint_url="http://127.0.0.1:9"),
    HTTPClientError(error=ConnectionResetError(104, "Connection reset by peer")),
    ValueError("invalid literal for int() with base 10: 'many'"),
    RuntimeError("boom"),
]


@pytest.mark.parametrize("exc", PERMANENT, ids=lambda exc: type(exc).__name__)
def test_permanent_failures_say_what_to_do(exc: Exception) -> None:
    assert is_permanent(exc)
    text = explain(exc)
    assert "\n" not in text and text.endswith(".")
    code = error_code(exc)
    if code:
        assert code in describe_error(exc)  # the sentence carries the AWS error code
    if isinstance(exc, AwsSetupError):
        assert what_to_do(exc) is None  # its sentence says it already
    else:
        remedy = what_to_do(exc)
        assert remedy and remedy.endswith(".") and remedy[0].isupper()
        assert remedy not in describe_error(exc)  # said once, not twice


@pytest.mark.parametrize("exc", TRANSIENT, ids=lambda exc: type(exc).__name__)
def test_transient_failures_are_retried(exc: Exception) -> None:
    assert not is_permanent(exc)
    assert what_to_do(exc) is None
    assert explain(exc) == describe_error(exc)


@pytest.mark.parametrize(
    ("exc", "remedy"),
    [
        (
            client_error("AccessDeniedException", operation="ListJobs"),
            "Check the IAM policy allows iot:ListJobs.",
        ),
        (
            client_error("AccessDeniedException", operation="GetJobDocument"),
            "Check the IAM policy allows iot:GetJobDocument.",
        ),
        (
            client_error("ExpiredTokenException"),
            "Refresh your credentials (aws sso login or a new session token).",
        ),
        (
            client_error("ResourceNotFoundException", operation="ListJobs"),
            "The thing group or job does not exist; change the server filter (f).",
        ),
    ],
)
def test_remedies(exc: Exception, remedy: str) -> None:
    assert what_to_do(exc) == remedy


def test_http_client_errors_name_the_file() -> None:
    missing = HTTPClientError(error=FileNotFoundError(2, "No such file or directory", "/x.pem"))
    assert describe_error(missing) == (
        "The HTTP client could not open '/x.pem': No such file or directory."
    )


def test_credential_process_failure_is_not_empty() -> None:
    text = describe_error(CredentialRetrievalError(provider="custom-process", error_msg=""))
    assert text == (
        "AWS credentials could not be loaded from custom-process (it gave no reason); "
        "check your profile and AWS_* variables (or try --demo)."
    )


def _offline_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for var in (
        "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IOT", "AWS_CA_BUNDLE",
        "REQUESTS_CA_BUNDLE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_SESSION_TOKEN",
    ):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_REGION", "us-east-1")


@pytest.mark.parametrize(
    ("variable", "url", "says"),
    [
        ("AWS_ENDPOINT_URL", "notaurl", "must start with http:// or https://"),
        ("AWS_ENDPOINT_URL_IOT", "http://", "has no host name"),
        ("AWS_ENDPOINT_URL", "http://a b", "contains spaces"),
        ("AWS_ENDPOINT_URL", "http://[::1", "brackets"),
        ("AWS_ENDPOINT_URL", "ftp://x", "must start with http:// or https://"),
    ],
)
async def test_bad_endpoint_from_the_environment_is_a_setup_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path, variable: str, url: str, says: str
) -> None:
    _offline_credentials(monkeypatch, tmp_path)
    monkeypatch.setenv(variable, url)
    with pytest.raises(AwsSetupError) as raised:
        await AwsConnection(ConnectionSettings()).open()
    text = str(raised.value)
    assert text.startswith(f"The endpoint URL {url!r} from {variable} cannot be used (")
    assert says in text and text.endswith(f"; fix or unset {variable}.")
    assert is_permanent(raised.value)


async def test_bad_endpoint_flag_is_a_setup_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    _offline_credentials(monkeypatch, tmp_path)
    with pytest.raises(AwsSetupError, match="'ftp://x' from --endpoint-url cannot be used"):
        await AwsConnection(ConnectionSettings(endpoint_url="ftp://x")).open()


async def test_bad_endpoint_in_the_config_is_a_setup_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    _offline_credentials(monkeypatch, tmp_path)
    config = tmp_path / "config"
    config.write_text("[default]\nendpoint_url = notaurl\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    with pytest.raises(AwsSetupError) as raised:
        await AwsConnection(ConnectionSettings()).open()
    assert str(raised.value) == (
        "The endpoint URL 'notaurl' from endpoint_url in your AWS config (profile default) "
        "cannot be used (it must start with http:// or https://); fix or unset endpoint_url "
        "in your AWS config (profile default)."
    )
    # AWS_IGNORE_CONFIGURED_ENDPOINT_URLS makes botocore skip it, so it is not checked either.
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    connection = AwsConnection(ConnectionSettings())
    try:
        await connection.open()
    finally:
        await connection.close()


@pytest.mark.parametrize("variable", ["AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE"])
async def test_missing_ca_bundle_is_a_setup_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path, variable: str
) -> None:
    _offline_credentials(monkeypatch, tmp_path)
    missing = str(tmp_path / "no-such-bundle.pem")
    monkeypatch.setenv(variable, missing)
    with pytest.raises(AwsSetupError) as raised:
        await AwsConnection(ConnectionSettings(endpoint_url="https://127.0.0.1:9")).open()
    assert str(raised.value) == (
        f"The CA bundle {missing!r} from {variable} does not exist; fix or unset {variable}."
    )


async def test_missing_ca_bundle_in_the_config_is_a_setup_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    _offline_credentials(monkeypatch, tmp_path)
    config = tmp_path / "config"
    config.write_text("[default]\nca_bundle = /no/such/bundle.pem\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    with pytest.raises(AwsSetupError, match=r"'/no/such/bundle\.pem' from ca_bundle in your AWS"):
        await AwsConnection(ConnectionSettings()).open()


async def test_good_endpoint_opens(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    _offline_credentials(monkeypatch, tmp_path)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://[::1]:5055")
    connection = AwsConnection(ConnectionSettings())
    try:
        await connection.open()
        assert connection.endpoint == "http://[::1]:5055"
    finally:
        await connection.close()
