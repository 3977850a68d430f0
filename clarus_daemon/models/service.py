"""Fetching an experiment's model: resolve, download once, switch, prune, maybe restart.

Idempotent: when the resolved version is already on the volume and intact, nothing
is downloaded and only `current` is (re)pointed at it.
"""

import asyncio
import errno
import logging
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import aiodocker
from aiohttp import ClientError
from miniopy_async.api import Minio

from clarus_daemon.config.mlflow import MlflowSettings
from clarus_daemon.errors import DaemonError, UpstreamError, UpstreamUnavailable
from clarus_daemon.events import Event, Events
from clarus_daemon.models.download import NoProgress, Progress, download_all, total_size
from clarus_daemon.models.errors import InsufficientStorage, ModelsVolumeError
from clarus_daemon.models.layout import ModelStore, check_exp_id
from clarus_daemon.models.locks import ExperimentLocks
from clarus_daemon.models.metadata import ModelMetadata, write_metadata
from clarus_daemon.models.mlflow_client import MlflowClient, ModelVersion
from clarus_daemon.models.resolve import Selection, effective_selection, model_name_for, resolve
from clarus_daemon.models.restart import InferenceRestarter
from clarus_daemon.models.result import FetchResult
from clarus_daemon.models.sources import RemoteFile, source_for

log = logging.getLogger("clarus_daemon.models")


class ModelFetcher:
    def __init__(
        self,
        settings: MlflowSettings,
        client: MlflowClient | None,
        events: Events,
        *,
        s3: Minio | None = None,
        restarter: InferenceRestarter | None = None,
    ) -> None:
        self._settings = settings
        self._client = client
        self._events = events
        self._s3 = s3
        self._restarter = restarter
        self.store = ModelStore(settings.models_root)
        self._locks = ExperimentLocks(settings.models_root)

    async def fetch(
        self, exp_id: str, requested: Selection | None = None, progress: Progress | None = None
    ) -> FetchResult:
        check_exp_id(exp_id)
        started = datetime.now(UTC)
        try:
            result = await self._fetch(exp_id, requested or Selection(), progress or NoProgress())
        except Exception as err:
            failure = {"error": getattr(err, "code", type(err).__name__), "message": str(err)}
            await self._events.emit(Event("model_fetch", exp_id, "failed", failure, started))
            raise
        outcome = "unchanged" if result.skipped and not result.switched else "ok"
        await self._events.emit(
            Event("model_fetch", exp_id, outcome, result.event_details(), started)
        )
        return result

    async def tidy_volume(self) -> None:
        """At start-up: what killed fetches left on the volume (staging, trash, stray links).

        Each experiment under its lock, so a `model pull` running meanwhile is waited for.
        """
        for exp_id in await asyncio.to_thread(self.store.experiments):
            try:
                async with self._locks.hold(exp_id):
                    await asyncio.to_thread(self.store.clear_leftovers, exp_id)
            except OSError as err:
                log.warning("models volume: cannot tidy %s: %s", exp_id, err)

    def _require_client(self) -> MlflowClient:
        if self._client is None:
            raise UpstreamUnavailable(
                "mlflow", "MLflow is not configured: set mlflow.tracking_uri (MLFLOW_TRACKING_URI)"
            )
        return self._client

    async def _fetch(self, exp_id: str, requested: Selection, progress: Progress) -> FetchResult:
        client = self._require_client()
        selection = effective_selection(self._settings, requested)
        wanted = await resolve(client, exp_id, model_name_for(self._settings, exp_id), selection)
        # resolved first, so unknown names leave nothing on the volume, not even a lock file
        try:
            async with self._locks.hold(exp_id):
                return await self._install(client, exp_id, wanted, progress)
        except OSError as err:
            raise _volume_error(err, self.store.exp_dir(exp_id)) from err

    async def _install(
        self, client: MlflowClient, exp_id: str, wanted: ModelVersion, progress: Progress
    ) -> FetchResult:
        store = self.store
        await asyncio.to_thread(store.clear_leftovers, exp_id)
        metadata = await asyncio.to_thread(store.intact, exp_id, wanted.name, wanted.version)
        skipped = metadata is not None
        if metadata is None:
            metadata = await self._download(client, exp_id, wanted, progress)
        switched = await asyncio.to_thread(store.switch_current, exp_id, wanted.version)
        pruned = await asyncio.to_thread(store.prune, exp_id, self._settings.keep_versions)
        result = FetchResult(
            metadata, store.version_dir(exp_id, wanted.version), skipped, switched, pruned
        )
        if switched and self._settings.restart_inference:
            return await self._restart(result)
        return result

    async def _download(
        self, client: MlflowClient, exp_id: str, wanted: ModelVersion, progress: Progress
    ) -> ModelMetadata:
        uri = await client.download_uri(wanted.name, wanted.version)
        source = source_for(uri, client, self._s3)
        files = await source.list_files()
        if not files:
            raise UpstreamError(source.service, f"{uri} holds no files")
        await self._check_space(exp_id, files)
        staging = await asyncio.to_thread(self.store.new_staging, exp_id)
        try:
            records = await download_all(source, files, staging, progress)
            metadata = ModelMetadata(
                exp_id, wanted.name, wanted.version, wanted.run_id, uri,
                wanted.stage, list(wanted.aliases), records,
            )  # fmt: skip
            await asyncio.to_thread(write_metadata, staging, metadata)
            await asyncio.to_thread(self.store.install, staging, exp_id, wanted.version)
        finally:
            # synchronous on purpose: it has to run even when the fetch is cancelled
            shutil.rmtree(staging, ignore_errors=True)
        return metadata

    async def _check_space(self, exp_id: str, files: list[RemoteFile]) -> None:
        free = await asyncio.to_thread(self.store.free_bytes, exp_id)
        needed = total_size(files) + self._settings.min_free_bytes
        if needed > free:
            raise InsufficientStorage(
                f"{exp_id}: the model needs {total_size(files)} bytes and "
                f"{self._settings.min_free_bytes} must stay free, but the models volume "
                f"has {free} bytes free",
                details={"needed": needed, "free": free},
            )

    async def _restart(self, result: FetchResult) -> FetchResult:
        if self._restarter is None:
            return result
        exp_id = result.metadata.exp_id
        try:
            restarted = await self._restarter.restart(exp_id)
        except (aiodocker.DockerError, ClientError, OSError) as err:
            # the model is switched all the same; the answer says the restart failed
            log.warning("restarting the inference containers of %s failed: %s", exp_id, err)
            return replace(result, restarted=[], restart_error=str(err))
        return replace(result, restarted=restarted)


def _volume_error(err: OSError, exp_dir: Path) -> DaemonError:
    if err.errno == errno.ENOSPC:
        return InsufficientStorage(f"the models volume filled up while writing {exp_dir}")
    return ModelsVolumeError(f"writing {exp_dir} on the models volume failed: {err}")
