"""When the daemon makes a token of its own: beyond loopback, or once trusted networks
say who may go without one."""

from pathlib import Path
from typing import Any

from clarus_daemon.config.auth import token_digest
from clarus_daemon.first_run_token import DIGEST_FILE, TOKEN_FILE, with_first_run_token
from tests.infra.app_settings import make_settings


def _settings(state: Path, listen: str, **auth: Any) -> Any:
    return make_settings(
        history={"path": str(state / "history.sqlite3")},
        server={"listen": [listen], "compat_drift_listen": ""},
        auth=auth,
    )


def test_loopback_without_trusted_networks_stays_as_configured(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "127.0.0.1:8081")

    assert with_first_run_token(settings) is settings
    assert not (tmp_path / TOKEN_FILE).exists()


def test_trusted_networks_make_a_token_for_everyone_else_on_loopback_too(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path, "127.0.0.1:8081", trusted_networks=["127.0.0.0/8"])

    (token,) = with_first_run_token(settings).auth.tokens
    written = (tmp_path / TOKEN_FILE).read_text().strip()

    assert token.sha256 == token_digest(written)
    assert (tmp_path / DIGEST_FILE).read_text().strip() == token.sha256
    assert (tmp_path / TOKEN_FILE).stat().st_mode & 0o077 == 0


def test_configured_tokens_are_kept_beside_trusted_networks(tmp_path: Path) -> None:
    ops = {"name": "ops", "sha256": token_digest("t" * 24)}
    settings = _settings(tmp_path, "0.0.0.0:8081", tokens=[ops], trusted_networks=["10.0.0.0/8"])

    assert with_first_run_token(settings) is settings
    assert not (tmp_path / TOKEN_FILE).exists()
