"""Every typed key the application stores shared objects under."""

import aiodocker
from aiohttp import ClientSession, web
from miniopy_async.api import Minio

from clarus_daemon.auth import TokenVerifier
from clarus_daemon.config import Settings
from clarus_daemon.events import Events
from clarus_daemon.models.service import ModelFetcher

SETTINGS = web.AppKey("settings", Settings)
HTTP_SESSION = web.AppKey("http_session", ClientSession)
DOCKER = web.AppKey("docker", aiodocker.Docker)
MINIO = web.AppKey("minio", Minio)
EVENTS = web.AppKey("events", Events)
MODELS = web.AppKey("models", ModelFetcher)
TOKEN_VERIFIER = web.AppKey("token_verifier", TokenVerifier)
