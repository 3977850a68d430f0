"""The token a daemon makes for itself: on its first open start, or once trusted networks
say who may go without one."""

import stat
from pathlib import Path

import pytest

from clarus_daemon.config import Settings
from clarus_daemon.config.auth import token_digest
from clarus_daemon.first_run_token import FirstRunTokenError, with_first_run_token


def settings(state: Path, listen: str = "0.0.0.0:8081", **auth: object) -> Settings:
    return Settings.model_validate(
        {
            "server": {"listen": [listen], "compat_drift_listen": ""},
            "history": {"path": str(state / "history.sqlite3")},
            "auth": auth,
        }
    )


def test_made_once_and_reused(tmp_path: Path) -> None:
    first = with_first_run_token(settings(tmp_path))
    token = (tmp_path / "api-token").read_text().strip()
    assert [t.digest() for t in first.auth.tokens] == [token_digest(token)]
    assert stat.S_IMODE((tmp_path / "api-token").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "api-token.sha256").stat().st_mode) == 0o600

    again = with_first_run_token(settings(tmp_path))
    assert again.auth.tokens[0].digest() == token_digest(token)
    assert (tmp_path / "api-token").read_text().strip() == token


@pytest.mark.parametrize(
    ("listen", "auth"),
    [
        ("127.0.0.1:8081", {}),
        ("0.0.0.0:8081", {"tokens": [{"name": "ops", "token": "x" * 20}]}),
        ("0.0.0.0:8081", {"allow_insecure_no_auth": True}),
    ],
)
def test_not_made_when_not_needed(tmp_path: Path, listen: str, auth: dict[str, object]) -> None:
    unchanged = settings(tmp_path, listen, **auth)
    assert with_first_run_token(unchanged) is unchanged
    assert not (tmp_path / "api-token").exists()


def test_a_damaged_digest_stops_the_start(tmp_path: Path) -> None:
    (tmp_path / "api-token.sha256").write_text("not a digest\n")
    with pytest.raises(FirstRunTokenError, match="remove it"):
        with_first_run_token(settings(tmp_path))


def test_trusted_networks_make_a_token_for_everyone_else_on_loopback_too(
    tmp_path: Path,
) -> None:
    made = with_first_run_token(
        settings(tmp_path, "127.0.0.1:8081", trusted_networks=["127.0.0.0/8"])
    )
    token = (tmp_path / "api-token").read_text().strip()
    assert [t.digest() for t in made.auth.tokens] == [token_digest(token)]


def test_configured_tokens_are_kept_beside_trusted_networks(tmp_path: Path) -> None:
    ops = {"name": "ops", "sha256": token_digest("t" * 24)}
    configured = settings(tmp_path, tokens=[ops], trusted_networks=["10.0.0.0/8"])
    assert with_first_run_token(configured) is configured
    assert not (tmp_path / "api-token").exists()
