"""`clarus-daemon check-config`: validate and print the effective configuration."""

import argparse
import asyncio
import json
import sys

import aiodocker

from clarus_daemon.commands.common import add_config_options, settings_or_exit
from clarus_daemon.config import Settings
from clarus_daemon.errors import DaemonError
from clarus_daemon.inference.adopt import adopt_hint, standalone_engine, unmanaged_services
from clarus_daemon.preflight import missing_old_variables, start_blockers

ENGINE_TIMEOUT_S = 5.0


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "check-config",
        help="validate the configuration and print it, secrets masked; warn about what "
        "would stop `serve` or what a feature still lacks",
    )
    add_config_options(parser)
    parser.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="check as for `serve --insecure-no-auth`",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    if args.insecure_no_auth:
        auth = settings.auth.model_copy(update={"allow_insecure_no_auth": True})
        settings = settings.model_copy(update={"auth": auth})
    # SecretStr fields dump as '**********' in JSON mode
    print(json.dumps(settings.model_dump(mode="json"), indent=2))
    warnings = [*start_blockers(settings), *missing_old_variables(settings)]
    if hint := _unmanaged_hint(settings):
        warnings.append(hint)
    for warning in warnings:
        print(f"clarus-daemon: warning: {warning}", file=sys.stderr)
    return 0


def _unmanaged_hint(settings: Settings) -> str | None:
    """Old inference containers nobody adopted; nothing when the engine cannot be asked."""

    async def look() -> str | None:
        docker = aiodocker.Docker(url=settings.docker.url)
        try:
            async with asyncio.timeout(ENGINE_TIMEOUT_S):
                return adopt_hint(
                    await unmanaged_services(standalone_engine(docker, settings.state_dir))
                )
        finally:
            await docker.close()

    try:
        return asyncio.run(look())
    except (DaemonError, TimeoutError, OSError, ValueError):
        return None
