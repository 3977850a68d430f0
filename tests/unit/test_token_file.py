"""The token file: private like an ssh key, one token and its scope per line."""

from pathlib import Path

import pytest

from clarus_daemon.config.auth import token_digest
from clarus_daemon.config.errors import ConfigError
from clarus_daemon.config.token_file import read_token_file


def _tokens_file(tmp_path: Path, text: str, mode: int) -> Path:
    path = tmp_path / "tokens"
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.mark.parametrize("mode", [0o644, 0o604, 0o660, 0o666])
def test_a_file_other_users_may_read_or_change_is_refused(tmp_path: Path, mode: int) -> None:
    path = _tokens_file(tmp_path, "bare-token\n", mode)

    with pytest.raises(ConfigError, match="chmod 600"):
        read_token_file(path)


def test_scopes_per_line(tmp_path: Path) -> None:
    text = (
        f"# who\nops:{token_digest('a')}\ndash:{token_digest('b')}:read\n"
        f"ci:{token_digest('c')}:write\nbare-token\n"
    )
    tokens = read_token_file(_tokens_file(tmp_path, text, 0o640))

    assert [(t.name, t.scope) for t in tokens] == [
        ("ops", "write"),
        ("dash", "read"),
        ("ci", "write"),
        ("tokens:5", "write"),
    ]


def test_an_unknown_scope_names_the_line(tmp_path: Path) -> None:
    path = _tokens_file(tmp_path, f"ops:{token_digest('a')}:admin\n", 0o600)

    with pytest.raises(ConfigError, match="line 1"):
        read_token_file(path)
