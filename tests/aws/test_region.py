"""Region precedence, as the AWS CLI v2: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile.

botocore 1.40 reads only AWS_DEFAULT_REGION; `AwsConnection` passes AWS_REGION through. Each case
opens the real session and iot client against a closed endpoint, without making a call.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iotjobs_tui.aws.session import AwsConnection, ConnectionSettings

CONFIG = """\
[default]
region = eu-north-1

[profile named]
region = ap-south-1
"""


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in (
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IOT", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "AWS_SESSION_TOKEN",
    ):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    config = tmp_path / "config"
    config.write_text(CONFIG)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


async def resolved_region(flag: str | None, profile: str | None) -> tuple[str | None, str]:
    """The region the connection resolved, and the one its iot client was built for."""
    connection = AwsConnection(
        ConnectionSettings(
            profile=profile,
            region=flag,
            endpoint_url="http://127.0.0.1:9",
            access_key_id="AKIDREGIONTEST",
            secret_access_key="not-a-secret",
        )
    )
    try:
        client = await connection.open()
        return connection.region, client.meta.region_name
    finally:
        await connection.close()


BOTH = {"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-west-1"}


@pytest.mark.parametrize(
    ("flag", "profile", "env", "expected"),
    [
        pytest.param(None, None, {}, "eu-north-1", id="profile-region-last"),
        pytest.param(None, "named", {}, "ap-south-1", id="named-profile-region"),
        pytest.param(None, None, {"AWS_REGION": "us-west-2"}, "us-west-2", id="AWS_REGION-alone"),
        pytest.param(None, None, BOTH, "us-west-2", id="AWS_REGION-beats-AWS_DEFAULT_REGION"),
        pytest.param(
            None,
            "named",
            {"AWS_DEFAULT_REGION": "eu-west-1"},
            "eu-west-1",
            id="AWS_DEFAULT_REGION-beats-profile",
        ),
        pytest.param(
            None, "named", {"AWS_REGION": "us-west-2"}, "us-west-2", id="AWS_REGION-beats-profile"
        ),
        pytest.param("ca-central-1", "named", BOTH, "ca-central-1", id="flag-beats-all"),
        pytest.param(
            None,
            None,
            {"AWS_REGION": "", "AWS_DEFAULT_REGION": "eu-west-1"},
            "eu-west-1",
            id="empty-AWS_REGION-is-unset",
        ),
    ],
)
async def test_region_precedence(
    monkeypatch: pytest.MonkeyPatch,
    flag: str | None,
    profile: str | None,
    env: dict[str, str],
    expected: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert await resolved_region(flag, profile) == (expected, expected)
