"""`clarus-daemon model pull EXP_ID`: what PUT /api/mlflow/model does, from a shell.

Runs the fetch in this process (with a progress bar on stderr, the JSON answer on
stdout); a per-experiment file lock keeps it from racing a running daemon.
"""

import argparse
import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import aiodocker
from aiohttp import ClientSession, ClientTimeout
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from clarus_daemon.commands.common import add_config_options, print_outcome, settings_or_exit
from clarus_daemon.config import Settings
from clarus_daemon.history.audit_trail import audited_command
from clarus_daemon.history.recording import recorded_events
from clarus_daemon.models.resolve import STAGES, Selection
from clarus_daemon.models.result import FetchResult
from clarus_daemon.models.setup import artifact_s3, build_fetcher


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("model", help="models from MLflow in the models volume")
    actions = parser.add_subparsers(dest="model_command", required=True)
    pull = actions.add_parser(
        "pull", help="fetch an experiment's model (Production by default) into the volume"
    )
    add_config_options(pull)
    pull.add_argument("exp_id", help="experiment identifier, e.g. UC_Energy")
    selector = pull.add_mutually_exclusive_group()
    selector.add_argument(
        "--stage", type=str.capitalize, choices=STAGES, help="newest version in this stage"
    )
    selector.add_argument("--alias", help="the version this alias points at")
    selector.add_argument("--version", type=int, help="exactly this version")
    pull.add_argument("--no-progress", action="store_true", help="no progress bar")
    pull.set_defaults(run=run)


class _Bar:
    """Adapts a rich progress display to the fetcher's progress protocol."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None

    def begin(self, files: int, total_bytes: int) -> None:
        self._task = self._progress.add_task(f"{files} files", total=total_bytes)

    def advance(self, nbytes: int) -> None:
        if self._task is not None:
            self._progress.update(self._task, advance=nbytes)


@asynccontextmanager
async def _docker(settings: Settings) -> AsyncIterator[aiodocker.Docker | None]:
    if not settings.mlflow.restart_inference:
        yield None
        return
    docker = aiodocker.Docker(url=settings.docker.url)
    try:
        yield docker
    finally:
        await docker.close()


async def _pull(settings: Settings, args: argparse.Namespace, progress: Progress) -> FetchResult:
    selection = Selection(
        stage=args.stage,
        alias=args.alias,
        version=str(args.version) if args.version is not None else None,
    )
    timeout = ClientTimeout(total=settings.server.client_timeout_s)
    async with (
        ClientSession(timeout=timeout) as session,
        artifact_s3(settings) as s3,
        _docker(settings) as docker,
        recorded_events(settings.history) as events,
        audited_command(settings.history, "model_fetch", args.exp_id) as audit,
    ):
        fetcher = build_fetcher(settings, session, events, s3=s3, docker=docker)
        fetched = await fetcher.fetch(args.exp_id, selection, _Bar(progress))
        audit.answer = fetched.summary()
        return fetched


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=args.no_progress,
    )

    def pull() -> Mapping[str, Any]:
        with progress:
            return asyncio.run(_pull(settings, args, progress)).summary()

    return print_outcome(pull, "interrupted; the current model is unchanged")
