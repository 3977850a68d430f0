"""`clarus-daemon adopt [--all | NAME...]`: take over containers the old node agent ran.

Nothing is restarted: the adoption is recorded in the daemon's state directory,
and the running daemon sees it on its next look at the engine.
"""

import argparse
import asyncio
import sys
from typing import Any

import aiodocker

from clarus_daemon.commands.common import (
    EXIT_CONFIG_ERROR,
    add_config_options,
    print_outcome,
    settings_or_exit,
)
from clarus_daemon.config import Settings
from clarus_daemon.history.audit_trail import audited_command
from clarus_daemon.inference.adopt import adopt, standalone_engine


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "adopt", help="manage containers the old node agent started, without restarting them"
    )
    add_config_options(parser)
    parser.add_argument("names", nargs="*", metavar="NAME", help="container names to adopt")
    parser.add_argument(
        "--all", action="store_true", help="every container that looks like an old service"
    )
    parser.set_defaults(run=run)


async def adopt_with(settings: Settings, names: list[str] | None) -> dict[str, Any]:
    docker = aiodocker.Docker(url=settings.docker.url)
    subject = ",".join(names) if names is not None else "all"
    try:
        async with audited_command(settings.history, "adopt", subject) as audit:
            audit.answer = await adopt(standalone_engine(docker, settings.state_dir), names)
            return dict(audit.answer)
    finally:
        await docker.close()


def run(args: argparse.Namespace) -> int:
    if bool(args.all) == bool(args.names):
        print("clarus-daemon: adopt: give container names or --all", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    settings = settings_or_exit(args)
    names = None if args.all else list(args.names)
    return print_outcome(lambda: asyncio.run(adopt_with(settings, names)), "interrupted")
