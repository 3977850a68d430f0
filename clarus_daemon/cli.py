"""The `clarus-daemon` command line."""

import argparse
from collections.abc import Sequence

from clarus_daemon import __version__
from clarus_daemon.commands import (
    adopt,
    check_config,
    drift,
    hash_token,
    migrate,
    model,
    serve,
)

COMMANDS = (serve, check_config, hash_token, model, drift, adopt, migrate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clarus-daemon", description="Edge agent of a CLARUS MLOps pilot."
    )
    parser.add_argument("--version", action="version", version=__version__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result
