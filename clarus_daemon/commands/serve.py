"""`clarus-daemon serve`: run the daemon."""

import argparse
import asyncio
import logging
import sys

from pydantic import ValidationError

from clarus_daemon.commands.common import EXIT_CONFIG_ERROR, add_config_options, settings_or_exit
from clarus_daemon.config import Settings
from clarus_daemon.observability import setup_logging
from clarus_daemon.server import StartupError, serve


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("serve", help="run the daemon")
    add_config_options(parser)
    parser.add_argument("--host", help="address of the first listener (default 0.0.0.0)")
    parser.add_argument("--port", type=int, help="port of the first listener (default 8081)")
    parser.add_argument("--log-format", choices=["text", "json"])
    parser.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="listen beyond loopback although no API token is configured",
    )
    parser.set_defaults(run=run)


def _with_overrides(settings: Settings, args: argparse.Namespace) -> Settings:
    server = settings.server
    first_host, _, first_port = server.listen[0].rpartition(":")
    host = args.host or first_host
    port = args.port or int(first_port)
    listen = [f"[{host}]:{port}" if ":" in host else f"{host}:{port}", *server.listen[1:]]
    server_update = {"listen": listen, "log_format": args.log_format or server.log_format}
    server = type(server).model_validate({**server.model_dump(), **server_update})
    if not args.insecure_no_auth:
        return settings.model_copy(update={"server": server})
    auth = settings.auth.model_copy(update={"allow_insecure_no_auth": True})
    return settings.model_copy(update={"server": server, "auth": auth})


def run(args: argparse.Namespace) -> int:
    try:
        settings = _with_overrides(settings_or_exit(args), args)
    except ValidationError as err:
        print(f"clarus-daemon: invalid --host/--port: {err}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    setup_logging(settings.server.log_format, settings.server.log_level)
    try:
        asyncio.run(serve(settings))
    except StartupError as err:
        logging.getLogger("clarus_daemon").error("%s", err)
        print(f"clarus-daemon: {err}", file=sys.stderr)
        return 1
    return 0
