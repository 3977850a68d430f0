"""`clarus-daemon drift run [MONITOR]`: what GET /api/detect_data_drift does, from a shell.

Runs the check in this process with its own worker pool and prints the summary
as JSON. Exit 0 whether or not the data drifted; 1 when the check failed (the
error as JSON on stdout, its message on stderr).
"""

import argparse
import asyncio

from aiohttp import ClientSession, ClientTimeout

from clarus_daemon.clients import open_minio
from clarus_daemon.commands.common import add_config_options, print_outcome, settings_or_exit
from clarus_daemon.config import Settings
from clarus_daemon.drift.service import TRIGGER_MANUAL
from clarus_daemon.drift.setup import open_drift_service
from clarus_daemon.drift.summary import DriftSummary
from clarus_daemon.history.audit_trail import audited_command
from clarus_daemon.history.recording import recorded_events
from clarus_daemon.observability import setup_logging


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("drift", help="drift checks of the configured monitors")
    actions = parser.add_subparsers(dest="drift_command", required=True)
    check = actions.add_parser("run", help="check a monitor now and print the summary as JSON")
    add_config_options(check)
    check.add_argument("monitor", nargs="?", help="monitor name (default: 'default')")
    check.set_defaults(run=run)


async def _check(settings: Settings, requested: str | None) -> DriftSummary:
    timeout = ClientTimeout(total=settings.server.client_timeout_s)
    async with (
        ClientSession(timeout=timeout) as session,
        open_minio(settings) as minio,
        recorded_events(settings.history) as events,
        open_drift_service(settings, session, minio, events) as service,
        audited_command(settings.history, "drift_check", requested or "default") as audit,
    ):
        audit.subject = service.monitor_name(requested)
        # wait: a daemon's check of the same monitor is another process, not this lock
        summary = await service.run(audit.subject, trigger=TRIGGER_MANUAL, wait=True)
        audit.answer = summary.answer()
        return summary


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    setup_logging(settings.server.log_format, "WARNING")
    return print_outcome(
        lambda: asyncio.run(_check(settings, args.monitor)).answer(), "interrupted"
    )
