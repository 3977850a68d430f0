"""`clarus-daemon migrate`: read the old kit's files and propose the daemon's set-up.

Dry-run by default: prints what the daemon derives and what differs. With
`--write DIR` it writes DIR/config/clarus-daemon.toml and DIR/docker-compose.yml
(and copies .env and config.json into DIR); a file it replaces is kept as `*.bak`.
"""

import argparse
import asyncio
import os
import shutil
import sys
from pathlib import Path

import aiodocker

from clarus_daemon.commands.common import EXIT_CONFIG_ERROR
from clarus_daemon.config import ConfigError
from clarus_daemon.errors import DaemonError
from clarus_daemon.inference.adopt import Unmanaged, standalone_engine, unmanaged_services
from clarus_daemon.migration.kit import read_kit
from clarus_daemon.migration.proposal import compose_text, derive, report, toml_text

ENGINE_TIMEOUT_S = 5.0


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "migrate", help="derive the daemon's configuration from the old kit's files (dry run)"
    )
    parser.add_argument("--env", type=Path, required=True, help="the kit's .env")
    parser.add_argument("--docker-config", type=Path, help="the kit's config.json")
    parser.add_argument("--compose", type=Path, help="the kit's docker-compose.yml")
    parser.add_argument("--write", type=Path, metavar="DIR", help="write the proposed files")
    parser.set_defaults(run=run)


async def _gateway(docker: aiodocker.Docker, network: str) -> str | None:
    """The network's gateway: callers on the edge machine come from it through the proxy."""
    try:
        found = await docker.networks.get(network)
        configs = (await found.show()).get("IPAM", {}).get("Config") or []
    except aiodocker.DockerError:
        return None  # created by `docker compose up`, after this
    return next((str(c["Gateway"]) for c in configs if c.get("Gateway")), None)


async def _ask_engine(
    docker_url: str, state_dir: Path, network: str
) -> tuple[list[Unmanaged], str | None]:
    """Containers to adopt, and the gateway of the network the daemon will join."""
    docker = aiodocker.Docker(url=docker_url)
    try:
        async with asyncio.timeout(ENGINE_TIMEOUT_S):
            adoptable = await unmanaged_services(standalone_engine(docker, state_dir))
            return adoptable, await _gateway(docker, network)
    finally:
        await docker.close()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") != text:
        shutil.copy2(path, path.with_name(path.name + ".bak"))
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")


def _copy(source: Path | None, target: Path) -> None:
    if source is None or not source.is_file():
        return
    if target.exists() and target.resolve() == source.resolve():
        return
    _write(target, source.read_text(encoding="utf-8"))


def run(args: argparse.Namespace) -> int:
    try:
        kit = read_kit(args.env, args.docker_config, args.compose)
        settings_only = derive(kit, [])
    except ConfigError as err:
        print(f"clarus-daemon: migrate: {err}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    settings = settings_only.settings
    try:
        # the engine of this shell (DOCKER_HOST), where the old containers run
        engine = os.environ.get("DOCKER_HOST") or settings.docker.url
        adoptable, gateway = asyncio.run(
            _ask_engine(engine, settings.state_dir, settings_only.network)
        )
    except (DaemonError, TimeoutError, OSError, ValueError) as err:
        print(f"clarus-daemon: migrate: the Docker Engine was not asked ({err})", file=sys.stderr)
        adoptable, gateway = [], None
    proposal = derive(kit, adoptable, gateway)
    print(report(proposal))
    if args.write is None:
        print("--- config/clarus-daemon.toml (not written: dry run, use --write DIR)")
        print(toml_text(proposal))
        print("--- docker-compose.yml")
        print(compose_text(proposal))
        return 0
    directory: Path = args.write
    _write(directory / "config" / "clarus-daemon.toml", toml_text(proposal))
    _write(directory / "docker-compose.yml", compose_text(proposal))
    _copy(args.env, directory / ".env")
    _copy(args.docker_config, directory / "config.json")
    print(f"next: docker compose up -d  (in {directory})")
    return 0
