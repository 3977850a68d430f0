"""Events of a one-off command (drift run, model pull) kept in the daemon's history too.

The command and a running daemon share the SQLite file; WAL mode and the busy
timeout let both write. When the file cannot be opened the command still runs and
only says that its run is not recorded.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from clarus_daemon.config.history import HistorySettings
from clarus_daemon.events import Events
from clarus_daemon.history.sink import HistorySink
from clarus_daemon.history.store import HistoryStore, HistoryUnavailable

log = logging.getLogger("clarus_daemon.history")


@asynccontextmanager
async def recorded_events(settings: HistorySettings) -> AsyncIterator[Events]:
    events = Events()
    try:
        store = await HistoryStore.open(settings.path)
    except HistoryUnavailable as err:
        log.warning("this run is not recorded in the history: %s", err)
        yield events
        return
    events.add_sink(HistorySink(store))
    try:
        yield events
    finally:
        await store.close()
