"""`clarus-daemon check-config`: validate and print the effective configuration."""

import argparse
import json
import sys

from clarus_daemon.commands.common import add_config_options, settings_or_exit
from clarus_daemon.preflight import missing_old_variables, start_blockers


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
    for warning in [*start_blockers(settings), *missing_old_variables(settings)]:
        print(f"clarus-daemon: warning: {warning}", file=sys.stderr)
    return 0
