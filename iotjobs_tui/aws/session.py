"""Connection settings → one aioboto3 Session and long-lived clients.

aioboto3 is imported inside `AwsConnection.open`, never at module import, so the UI can paint
before the ~0.4 s aioboto3 import. A new Session costs 125-190 ms and a new client on it 5-9 ms,
so one connection lives for the whole app.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from iotjobs_tui.aws.errors import (
    NO_CREDENTIALS,
    NO_CREDENTIALS_REMEDY,
    NO_REGION,
    NO_REGION_REMEDY,
    AwsSetupError,
    ca_bundle_error,
    credentials_failed,
    endpoint_error,
    endpoint_problem,
    explain,
)
from iotjobs_tui.aws.models import parse_timestamp

_TRUE = ("1", "true", "yes", "on")


def _utc_timestamp(value: Any) -> datetime:
    parsed = parse_timestamp(value)
    if parsed is None:
        raise ValueError(f"Invalid timestamp {value!r}")
    return parsed


@dataclass(frozen=True)
class ConnectionSettings:
    """What the command line and the environment say about where to connect."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    # Explicit keys are for the built-in emulator only; AWS uses the default chain.
    access_key_id: str | None = None
    secret_access_key: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    max_attempts: int = 4
    demo: bool = False

    def resolved_endpoint(self, env: Mapping[str, str] | None = None) -> str | None:
        """--endpoint-url, else AWS_ENDPOINT_URL_IOT, else AWS_ENDPOINT_URL (as the AWS CLI)."""
        return self.endpoint_source(env)[0]

    def endpoint_source(self, env: Mapping[str, str] | None = None) -> tuple[str | None, str]:
        """The endpoint `resolved_endpoint` picks, and where it came from (for messages)."""
        if self.endpoint_url:
            return self.endpoint_url, "--endpoint-url"
        env = os.environ if env is None else env
        if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() in _TRUE:
            return None, ""
        for name in ("AWS_ENDPOINT_URL_IOT", "AWS_ENDPOINT_URL"):
            if env.get(name):
                return env[name], name
        return None, ""

    def describe(self, region: str | None = None) -> str:
        """A short label for the status bar."""
        parts = []
        if self.profile:
            parts.append(f"profile {self.profile}")
        if region or self.region:
            parts.append(str(region or self.region))
        endpoint = self.resolved_endpoint()
        if endpoint:
            parts.append(endpoint)
        return " · ".join(parts) or "default credentials"

    def botocore_config(self) -> Any:
        from aiobotocore.config import AioConfig

        from iotjobs_tui.aws.tls import EagerTLSSession

        # botocore 1.40 (aioboto3 15.5) defaults to legacy retries; adaptive adds a client-side
        # rate limiter after the first throttle, which is what a polling UI wants.
        return AioConfig(
            retries={"mode": "adaptive", "total_max_attempts": self.max_attempts},
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            user_agent_extra="iotjobs-tui",
            http_session_cls=EagerTLSSession,
        )


class AwsConnection:
    """One Session, and the `iot` client opened once and kept until `close`."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self.region: str | None = None
        self.endpoint: str | None = None
        self._stack = AsyncExitStack()
        self._iot: Any = None

    async def open(self) -> Any:
        """Create the session and the iot client; raise AwsSetupError with one sentence."""
        if self._iot is not None:
            return self._iot
        import aioboto3
        from botocore.exceptions import BotoCoreError

        settings = self.settings
        try:
            session = aioboto3.Session(
                profile_name=settings.profile,
                # AWS_REGION as the AWS CLI v2 reads it (botocore 1.40 reads only the DEFAULT).
                region_name=settings.region or os.environ.get("AWS_REGION") or None,
                aws_access_key_id=settings.access_key_id,
                aws_secret_access_key=settings.secret_access_key,
            )
            # Start loading the CA bundle on a thread now; it is needed at the first request.
            from iotjobs_tui.aws import tls

            core = session._session
            # The value botocore will hand the HTTP session (EndpointCreator._get_verify_value).
            verify = _checked_ca_bundle(core.get_config_variable("ca_bundle"))
            tls.prepare(verify)
            region = session.region_name
            if not region:
                raise AwsSetupError(f"{NO_REGION} {NO_REGION_REMEDY}")
            try:
                credentials = await session.get_credentials()
            except BotoCoreError:
                raise
            except Exception as exc:  # a broken credential source (bad env URL, bad process)
                reason = f"{type(exc).__name__}: {exc}"
                raise AwsSetupError(credentials_failed("the credential chain", reason)) from exc
            if credentials is None:
                raise AwsSetupError(f"{NO_CREDENTIALS} {NO_CREDENTIALS_REMEDY}")
            endpoint = _checked_endpoint(settings, core)
            # botocore turns every timestamp into a tzlocal() datetime through dateutil, about
            # 0.2 ms each: 250 executions x 3 timestamps cost ~150 ms a page (measured). The
            # models parse epoch seconds to UTC themselves, far cheaper.
            parsers = core.get_component("response_parser_factory")
            parsers.set_parser_defaults(timestamp_parser=_utc_timestamp)
            client = await self._stack.enter_async_context(
                session.client(
                    "iot",
                    region_name=region,
                    endpoint_url=endpoint,
                    config=settings.botocore_config(),
                )
            )
        except AwsSetupError:
            raise
        except (BotoCoreError, ValueError) as exc:  # ValueError: an endpoint botocore refused
            raise AwsSetupError(explain(exc)) from exc
        self.region = region
        self.endpoint = endpoint or getattr(client.meta, "endpoint_url", None)
        self._iot = client
        return client

    async def close(self) -> None:
        self._iot = None
        await self._stack.aclose()


def _checked_endpoint(settings: ConnectionSettings, core: Any) -> str | None:
    """The endpoint to pass to botocore; AwsSetupError if it, or the config's, is not a URL."""
    endpoint, source = settings.endpoint_source()
    if endpoint is None and not core.get_config_variable("ignore_configured_endpoint_urls"):
        # What botocore would find in ~/.aws/config (endpoint_url, or a services section).
        from botocore.configprovider import ConfiguredEndpointProvider

        configured = ConfiguredEndpointProvider(
            full_config=core.full_config,
            scoped_config=core.get_scoped_config(),
            client_name="iot",
            environ={},
        ).provide()
        if configured:
            profile = settings.profile or core.get_config_variable("profile") or "default"
            problem = endpoint_problem(str(configured))
            if problem:
                where = f"endpoint_url in your AWS config (profile {profile})"
                raise AwsSetupError(endpoint_error(str(configured), where, problem))
    if endpoint is not None:
        problem = endpoint_problem(endpoint)
        if problem:
            raise AwsSetupError(endpoint_error(endpoint, source, problem))
    return endpoint


def _checked_ca_bundle(ca_bundle: Any) -> bool | str:
    """botocore's `verify` value; AwsSetupError when it names a file that is not there."""
    if ca_bundle:
        source = (
            "AWS_CA_BUNDLE"
            if os.environ.get("AWS_CA_BUNDLE") == ca_bundle
            else "ca_bundle in your AWS config"
        )
    else:
        ca_bundle, source = os.environ.get("REQUESTS_CA_BUNDLE"), "REQUESTS_CA_BUNDLE"
    if not ca_bundle:
        return True
    path = str(ca_bundle)
    if not os.path.exists(path):  # botocore does not expand ~ either
        raise AwsSetupError(ca_bundle_error(path, source))
    return path
