"""Build the Settings from the TOML file, a .env file and the environment.

Precedence, lowest first: embedded defaults, the TOML file, the .env file, the
process environment.
"""

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from pydantic import ValidationError

from clarus_daemon.config.errors import ConfigError
from clarus_daemon.config.legacy_env import DIRECT, LegacyOverlay, overlay_from_env
from clarus_daemon.config.settings import Settings
from clarus_daemon.config.token_file import read_token_file

CONFIG_ENV = "CLARUS_CONFIG"
DEFAULT_CONFIG = Path("config/clarus-daemon.toml")
DEFAULT_ENV_FILE = Path(".env")
LEGACY_NAME_OF = {path: name for name, path in DIRECT.items()}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as err:
        raise ConfigError(f"config file {path}: {err.strerror}") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"config file {path}: not valid TOML ({err})") from err


def _merge(base: dict[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe(err: ValidationError, overlay: LegacyOverlay) -> str:
    lines = []
    for problem in err.errors():
        path = tuple(str(part) for part in problem["loc"])
        key = ".".join(path)
        source = overlay.sources.get(path)
        legacy = LEGACY_NAME_OF.get(path)
        named = f"{key} (from {source})" if source else f"{key} ({legacy})" if legacy else key
        lines.append(f"{named}: {problem['msg']}")
    return "; ".join(lines)


def _environment(env_file: Path | None, environ: Mapping[str, str]) -> dict[str, str]:
    file_values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        file_values = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    return {**file_values, **environ}


def resolve_config_path(explicit: Path | None, environ: Mapping[str, str]) -> Path | None:
    """The file named on the command line, else $CLARUS_CONFIG, else the default if present."""
    if explicit is not None:
        return explicit
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV])
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None


def load_settings(
    config_path: Path | None = None,
    *,
    env_file: Path | None = DEFAULT_ENV_FILE,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Parse and validate everything once; raise ConfigError naming the bad key."""
    environ = os.environ if environ is None else environ
    path = resolve_config_path(config_path, environ)
    from_file = _read_toml(path) if path is not None else {}
    overlay = overlay_from_env(_environment(env_file, environ))
    try:
        settings = Settings.model_validate(_merge(from_file, overlay.values))
    except ValidationError as err:
        raise ConfigError(_describe(err, overlay)) from err
    return _with_token_file(settings)


def _with_token_file(settings: Settings) -> Settings:
    auth = settings.auth
    if auth.token_file is None:
        return settings
    tokens = [*auth.tokens, *read_token_file(auth.token_file)]
    return settings.model_copy(update={"auth": auth.model_copy(update={"tokens": tokens})})
