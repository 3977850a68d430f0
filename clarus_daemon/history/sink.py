"""The history as a listener on the daemon's events, plus its periodic pruning."""

import asyncio
import logging
from datetime import UTC, datetime

from clarus_daemon.config.history import HistorySettings
from clarus_daemon.events import Event
from clarus_daemon.history.store import HistoryStore

log = logging.getLogger("clarus_daemon.history")


class HistorySink:
    """Stores every event it is given."""

    def __init__(self, store: HistoryStore) -> None:
        self._store = store

    async def emit(self, event: Event) -> None:
        await self._store.append(event)


async def prune_periodically(store: HistoryStore, settings: HistorySettings) -> None:
    """Prune at start and then every prune_interval_s, until cancelled."""
    while True:
        try:
            now = datetime.now(UTC)
            await store.prune(now, keep_days=settings.keep_days, keep_events=settings.keep_events)
            await store.audit.prune(now, settings.audit_keep_days)
        except Exception:
            log.exception("history: pruning failed; retrying in %g s", settings.prune_interval_s)
        await asyncio.sleep(settings.prune_interval_s)
