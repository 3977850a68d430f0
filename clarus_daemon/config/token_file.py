"""Reading API tokens from a file kept outside the TOML (e.g. /etc/clarus-daemon/tokens)."""

from pathlib import Path

from clarus_daemon.config.auth import ApiToken, token_digest
from clarus_daemon.config.errors import ConfigError


def _parse_line(line: str, number: int, path: Path) -> ApiToken:
    name, sep, value = line.partition(":")
    if not sep:  # a bare token
        return ApiToken(name=f"{path.name}:{number}", sha256=token_digest(line))
    try:
        return ApiToken(name=name.strip(), sha256=value.strip())
    except ValueError as err:
        raise ConfigError(f"auth.token_file {path} line {number}: {err}") from err


def read_token_file(path: Path) -> list[ApiToken]:
    try:
        text = path.read_text()
    except OSError as err:
        raise ConfigError(f"auth.token_file {path}: {err.strerror}") from err
    return [
        _parse_line(line.strip(), number, path)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
