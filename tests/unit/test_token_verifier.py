"""Recognising tokens, public paths per method and trusted networks."""

from typing import Any

import pytest

from clarus_daemon.auth import TokenVerifier
from clarus_daemon.config.auth import AuthSettings, token_digest


def verifier(*public: str, **auth: Any) -> TokenVerifier:
    tokens = [{"name": "ops", "sha256": token_digest("t0k3n")}]
    settings = {"tokens": tokens, "public_paths": public, **auth}
    return TokenVerifier(AuthSettings.model_validate(settings))


def test_root_as_public_path_is_exact() -> None:
    check = verifier("/", "/swagger/")
    assert check.is_public("GET", "/")
    assert check.is_public("GET", "/swagger")
    assert check.is_public("GET", "/swagger/static/ui.js")
    assert not check.is_public("GET", "/api/inference/all")
    assert not check.is_public("GET", "/swaggerx")


def test_a_path_alone_is_public_for_reading_only() -> None:
    check = verifier("/api", "POST /api/hook")
    assert check.is_public("GET", "/api/inference/all")
    assert check.is_public("HEAD", "/api/inference/all")
    assert not check.is_public("POST", "/api/inference/deploy")
    assert not check.is_public("DELETE", "/api/inference/deploy")
    assert check.is_public("POST", "/api/hook")
    assert not check.is_public("PUT", "/api/hook")


def test_a_public_path_must_be_a_path() -> None:
    with pytest.raises(ValueError, match="path starting"):
        verifier("api/ping")
    with pytest.raises(ValueError, match="not an HTTP method"):
        verifier("FETCH /api/ping")


def test_trusted_networks_by_address() -> None:
    check = verifier(trusted_networks=["10.0.0.0/8", {"cidr": "192.168.1.0/24", "scope": "read"}])
    write = check.trusted("10.1.2.3")
    assert write is not None and write.scope == "write"
    read = check.trusted("::ffff:192.168.1.7")  # a dual-stack socket's view of IPv4
    assert read is not None and read.scope == "read"
    assert check.trusted("172.16.0.1") is None
    assert check.trusted(None) is None
    assert check.trusted("not-an-address") is None


def test_identify_by_digest() -> None:
    check = verifier()
    token = check.identify("t0k3n")
    assert token is not None and token.name == "ops"
    assert check.identify("t0k3") is None
    assert check.enabled
