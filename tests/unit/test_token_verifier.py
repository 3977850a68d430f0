"""Recognising tokens and public paths."""

from clarus_daemon.auth import TokenVerifier
from clarus_daemon.config.auth import AuthSettings, token_digest


def verifier(*public: str) -> TokenVerifier:
    tokens = [{"name": "ops", "sha256": token_digest("t0k3n")}]
    return TokenVerifier(AuthSettings.model_validate({"tokens": tokens, "public_paths": public}))


def test_root_as_public_path_is_exact() -> None:
    check = verifier("/", "/swagger/")
    assert check.is_public("/")
    assert check.is_public("/swagger")
    assert check.is_public("/swagger/static/ui.js")
    assert not check.is_public("/api/inference/all")
    assert not check.is_public("/swaggerx")


def test_identify_by_digest() -> None:
    check = verifier()
    token = check.identify("t0k3n")
    assert token is not None and token.name == "ops"
    assert check.identify("t0k3") is None
    assert check.enabled
