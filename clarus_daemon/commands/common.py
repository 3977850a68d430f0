"""What every sub-command shares: the config options and loading the settings."""

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from clarus_daemon.config import ConfigError, Settings, load_settings
from clarus_daemon.errors import DaemonError

EXIT_FAILED = 1
EXIT_CONFIG_ERROR = 2
EXIT_INTERRUPTED = 130


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


def print_outcome(operation: Callable[[], Mapping[str, Any]], interrupted: str) -> int:
    """Run a one-off operation; its answer, or its error, as JSON on stdout; an exit code.

    The same JSON the API would answer, so scripts parse one shape; the reason of a
    failure also goes to stderr for people.
    """
    try:
        answer = operation()
    except DaemonError as err:
        print(json.dumps({"error": err.code, "message": err.message, "details": err.details}))
        print(f"clarus-daemon: {err.message}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"clarus-daemon: {interrupted}", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(json.dumps(answer, indent=2))
    return 0
