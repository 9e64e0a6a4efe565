import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
)

from iotjobs_tui.aws.errors import AwsSetupError, describe_error, is_throttle
from iotjobs_tui.aws.session import AwsConnection, ConnectionSettings


def client_error(code: str, message: str = "boom") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "DescribeJob")


def test_client_error_has_code_and_operation() -> None:
    text = describe_error(client_error("ResourceNotFoundException", "Job j does not exist."))
    assert text == (
        "DescribeJob failed with ResourceNotFoundException: Job j does not exist "
        "(it may have been deleted)."
    )


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
    text = describe_error(exc)
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
    with pytest.raises(AwsSetupError, match="No AWS region"):
        await AwsConnection(ConnectionSettings()).open()


async def test_no_credentials_is_one_sentence(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    with pytest.raises(AwsSetupError, match="No AWS credentials"):
        await AwsConnection(ConnectionSettings(region="us-east-1")).open()


async def test_unknown_profile_is_one_sentence(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(AwsSetupError, match="nope"):
        await AwsConnection(ConnectionSettings(profile="nope", region="us-east-1")).open()
