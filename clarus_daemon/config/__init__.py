"""Typed settings: TOML file + .env + environment (old variable names included)."""

from clarus_daemon.config.errors import ConfigError
from clarus_daemon.config.loader import load_settings
from clarus_daemon.config.settings import Settings

__all__ = ["ConfigError", "Settings", "load_settings"]
