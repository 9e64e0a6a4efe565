"""The TLS context loaded ahead of the first request (`aws.tls`) equals aiobotocore's own."""

from __future__ import annotations

import ssl
from typing import Any

import pytest
from aiobotocore.httpsession import AIOHTTPSession
from botocore.httpsession import get_cert_path

from iotjobs_tui.aws import tls


def _context(connector: Any) -> ssl.SSLContext:
    context = connector._ssl
    assert isinstance(context, ssl.SSLContext)
    return context


def _same(ours: ssl.SSLContext, theirs: ssl.SSLContext) -> None:
    assert ours.verify_mode == theirs.verify_mode == ssl.CERT_REQUIRED
    assert ours.check_hostname == theirs.check_hostname
    assert ours.options == theirs.options
    assert ours.minimum_version == theirs.minimum_version
    assert ours.cert_store_stats() == theirs.cert_store_stats()
    assert ours.cert_store_stats()["x509_ca"] > 0


async def test_prepared_context_is_used_and_equals_aiobotocores() -> None:
    tls.prepare(True)
    ours = tls.EagerTLSSession(verify=True)._create_connector(None)
    theirs = AIOHTTPSession(verify=True)._create_connector(None)
    try:
        _same(_context(ours), _context(theirs))
        assert get_cert_path(True) not in tls._prepared  # taken by the session
    finally:
        await ours.close()
        await theirs.close()


async def test_a_ca_bundle_path_is_prepared_under_that_path() -> None:
    bundle = get_cert_path(True)
    tls.prepare(bundle)
    ours = tls.EagerTLSSession(verify=bundle)._create_connector(None)
    theirs = AIOHTTPSession(verify=bundle)._create_connector(None)
    try:
        _same(_context(ours), _context(theirs))
    finally:
        await ours.close()
        await theirs.close()


async def test_without_a_prepared_context_aiobotocore_builds_its_own() -> None:
    tls._prepared.clear()
    connector = tls.EagerTLSSession(verify=True)._create_connector(None)
    try:
        assert _context(connector).cert_store_stats()["x509_ca"] > 0
    finally:
        await connector.close()


async def test_no_verification_means_no_context() -> None:
    tls.prepare(True)
    connector = tls.EagerTLSSession(verify=False)._create_connector(None)
    try:
        assert connector._ssl is False
    finally:
        await connector.close()
        tls._prepared.clear()


async def test_a_bad_bundle_fails_on_the_first_request_as_aiobotocore_would(tmp_path: Any) -> None:
    missing = str(tmp_path / "missing.pem")
    with pytest.raises(FileNotFoundError):
        AIOHTTPSession(verify=missing)._create_connector(None)
    tls.prepare(missing)
    with pytest.raises(FileNotFoundError):
        tls.EagerTLSSession(verify=missing)._create_connector(None)
