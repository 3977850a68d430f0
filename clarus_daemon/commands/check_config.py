"""`clarus-daemon check-config`: validate and print the effective configuration."""

import argparse
import json

from clarus_daemon.commands.common import add_config_options, settings_or_exit


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "check-config", help="validate the configuration and print it, secrets masked"
    )
    add_config_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    # SecretStr fields dump as '**********' in JSON mode
    print(json.dumps(settings.model_dump(mode="json"), indent=2))
    return 0
