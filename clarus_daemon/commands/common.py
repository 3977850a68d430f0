"""What every sub-command shares: the config options and loading the settings."""

import argparse
import sys
from pathlib import Path

from clarus_daemon.config import ConfigError, Settings, load_settings

EXIT_CONFIG_ERROR = 2


def add_config_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="TOML config file")
    parser.add_argument(
        "--env-file", type=Path, default=Path(".env"), help="dotenv file (default: ./.env)"
    )


def settings_or_exit(args: argparse.Namespace) -> Settings:
    try:
        return load_settings(args.config, env_file=args.env_file)
    except ConfigError as err:
        print(f"clarus-daemon: invalid configuration: {err}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG_ERROR) from err
