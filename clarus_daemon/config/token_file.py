"""Reading API tokens from a file kept outside the TOML (e.g. /etc/clarus-daemon/tokens).

Lines: `name:sha256` (write scope), `name:sha256:read` or `name:sha256:write`, or a bare
token (write scope, named after the file and line). Like ssh with a private key, a
file other users may read, or other users or the group may change, is refused.
"""

import stat
from pathlib import Path

from clarus_daemon.config.auth import ApiToken, token_digest
from clarus_daemon.config.errors import ConfigError

# world: any access; group: writing (reading by a service group is fine: 0640)
_UNSAFE_MODE_BITS = stat.S_IRWXO | stat.S_IWGRP


def _parse_line(line: str, number: int, path: Path) -> ApiToken:
    name, sep, rest = line.partition(":")
    if not sep:  # a bare token
        return ApiToken(name=f"{path.name}:{number}", sha256=token_digest(line))
    digest, _, scope = rest.partition(":")
    try:
        return ApiToken.model_validate(
            {"name": name.strip(), "sha256": digest.strip(), "scope": scope.strip() or "write"}
        )
    except ValueError as err:
        raise ConfigError(f"auth.token_file {path} line {number}: {err}") from err


def _check_private(path: Path) -> None:
    mode = path.stat().st_mode
    if mode & _UNSAFE_MODE_BITS:
        raise ConfigError(
            f"auth.token_file {path} is open to other users (mode {stat.filemode(mode)}); "
            f"run: chmod 600 {path} (or 640 with the daemon's group)"
        )


def read_token_file(path: Path) -> list[ApiToken]:
    try:
        _check_private(path)
        text = path.read_text()
    except OSError as err:
        raise ConfigError(f"auth.token_file {path}: {err.strerror}") from err
    return [
        _parse_line(line.strip(), number, path)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
