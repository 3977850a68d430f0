"""Every typed key the application stores shared objects under."""

import aiodocker
from aiohttp import ClientSession, web
from miniopy_async.api import Minio

from clarus_daemon.auth import TokenVerifier
from clarus_daemon.config import Settings
from clarus_daemon.drift.service import DriftService
from clarus_daemon.drift.worker_pool import WorkerPool
from clarus_daemon.events import Events
from clarus_daemon.history.store import HistoryStore
from clarus_daemon.inference.data_space import DataSpaceImages
from clarus_daemon.inference.service import InferenceService
from clarus_daemon.listeners import CompatListener
from clarus_daemon.metrics.registry import DaemonMetrics
from clarus_daemon.models.service import ModelFetcher
from clarus_daemon.scheduler.service import DriftScheduler

SETTINGS = web.AppKey("settings", Settings)
HTTP_SESSION = web.AppKey("http_session", ClientSession)
DOCKER = web.AppKey("docker", aiodocker.Docker)
MINIO = web.AppKey("minio", Minio)
EVENTS = web.AppKey("events", Events)
MODELS = web.AppKey("models", ModelFetcher)
TOKEN_VERIFIER = web.AppKey("token_verifier", TokenVerifier)
HISTORY = web.AppKey("history", HistoryStore)
SCHEDULER = web.AppKey("scheduler", DriftScheduler)
METRICS = web.AppKey("metrics", DaemonMetrics)
DRIFT = web.AppKey("drift", DriftService)
DRIFT_WORKERS = web.AppKey("drift_workers", WorkerPool)
INFERENCE = web.AppKey("inference", InferenceService)
DATA_SPACE = web.AppKey("data_space", DataSpaceImages)
COMPAT_LISTENER = web.AppKey("compat_listener", CompatListener)
