"""Building the drift service from the settings and the daemon's shared clients."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from aiohttp import ClientSession
from miniopy_async.api import Minio

from clarus_daemon.config import Settings
from clarus_daemon.drift.pipeline import DriftPipeline
from clarus_daemon.drift.reference_cache import open_cache
from clarus_daemon.drift.reports import ReportRenderer
from clarus_daemon.drift.service import DriftService
from clarus_daemon.drift.steps import AfterDrift
from clarus_daemon.drift.storage import DatasetStore
from clarus_daemon.drift.worker_pool import WorkerPool, open_worker_pool
from clarus_daemon.events import Events
from clarus_daemon.integrations.airflow import AirflowClient
from clarus_daemon.integrations.ids import IdsAgent

CACHE_DIR = "drift-reference-cache"


def build_pipeline(
    settings: Settings, session: ClientSession, minio: Minio, pool: WorkerPool
) -> DriftPipeline:
    drift = settings.drift
    store = DatasetStore(minio)
    ids = IdsAgent(session, str(settings.ids.url)) if settings.ids.url else None
    airflow = AirflowClient(session, settings.airflow) if settings.airflow.url else None
    reports = ReportRenderer(drift.report_max_rows, drift.report_timeout_s)
    return DriftPipeline(
        store,
        pool,
        AfterDrift(store, ids, airflow, reports),
        cache=open_cache(settings.state_dir / CACHE_DIR, drift.reference_cache_mb),
        memory_budget_mb=drift.memory_budget_mb,
    )


@asynccontextmanager
async def open_drift_service(
    settings: Settings,
    session: ClientSession,
    minio: Minio | None,
    events: Events,
    pool: WorkerPool | None = None,
) -> AsyncIterator[DriftService]:
    """The service, on `pool` or on a worker pool of its own when there is work for it.

    The workers start here, so the first check finds them ready; a daemon without
    monitors (only deploying inference containers) starts none.
    """
    drift = settings.drift
    if minio is None or not drift.monitors:
        yield DriftService(drift.monitors, None, events, concurrency=drift.workers)
        return
    lock_dir = settings.state_dir / "locks"
    async with AsyncExitStack() as stack:
        if pool is None:
            pool = await stack.enter_async_context(
                open_worker_pool(drift.workers, settings.server.shutdown_timeout_s)
            )
        pipeline = build_pipeline(settings, session, minio, pool)
        yield DriftService(
            drift.monitors, pipeline, events, concurrency=drift.workers, lock_dir=lock_dir
        )
