"""Audit entries for the state changes that do not come through the API.

Scheduled drift checks are recorded as "scheduler", one-off commands (drift run,
model pull, adopt) as "cli (user <login name>)"; neither has a client address.
A command shares the history file with a running daemon (WAL, busy timeout); when
the file cannot be opened the command still runs and says its entry is lost.
"""

import asyncio
import getpass
import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from clarus_daemon.config.history import HistorySettings
from clarus_daemon.history.audit import AuditEntry
from clarus_daemon.history.audit_details import (
    audit_details,
    error_answer,
    error_status,
    refined_action,
    status_outcome,
)
from clarus_daemon.history.store import HistoryStore, HistoryUnavailable

log = logging.getLogger("clarus_daemon.audit")

SCHEDULER = "scheduler"
NO_CLIENT = "-"
OK_STATUS = 200


def cli_principal() -> str:
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name for this uid (a bare container)
        login = f"uid {os.getuid()}"
    return f"cli (user {login})"


def outside_entry(
    principal: str,
    action: str,
    subject: str,
    answer: Mapping[str, Any],
    error: BaseException | None = None,
) -> AuditEntry:
    """An entry for a state change made without a request: the status is the one the
    API would have answered."""
    status = OK_STATUS if error is None else error_status(error)
    answered = {**answer, **error_answer(error)} if error is not None else answer
    return AuditEntry(
        at=datetime.now(UTC),
        principal=principal,
        client=NO_CLIENT,
        action=refined_action(action, answered),
        subject=subject,
        outcome=status_outcome(status),
        status=status,
        details=audit_details({}, answered),
    )


@dataclass
class CommandAudit:
    """What a command tells its entry: the subject once resolved, and its answer."""

    action: str
    subject: str
    answer: Mapping[str, Any] = field(default_factory=dict)


async def _append(settings: HistorySettings, entry: AuditEntry) -> None:
    try:
        store = await HistoryStore.open(settings.path)
    except HistoryUnavailable as err:
        log.warning("not recorded in the audit log: %s", err)
        return
    try:
        await store.audit.append(entry)
    finally:
        await store.close()


@asynccontextmanager
async def audited_command(
    settings: HistorySettings, action: str, subject: str
) -> AsyncIterator[CommandAudit]:
    """Record one entry for the command run inside, however it ends."""
    note = CommandAudit(action, subject)
    try:
        yield note
    except (Exception, asyncio.CancelledError) as err:
        entry = outside_entry(cli_principal(), note.action, note.subject, note.answer, err)
        await asyncio.shield(_append(settings, entry))
        raise
    await _append(settings, outside_entry(cli_principal(), note.action, note.subject, note.answer))
