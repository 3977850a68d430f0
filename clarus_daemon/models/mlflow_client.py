"""MLflow's REST API as the daemon uses it: registry look-ups and proxied artifacts.

Only the REST API (its 2.0 paths are the same in MLflow 2 and 3), so the daemon
carries neither the mlflow client library nor its dependency tree.
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from aiohttp import BasicAuth, ClientError, ClientResponse, ClientSession, ClientTimeout
from yarl import URL

from clarus_daemon.errors import NotFound, UpstreamError, UpstreamUnavailable
from clarus_daemon.integrations.http import request_json

SERVICE = "mlflow"
API = "api/2.0/mlflow"
ARTIFACTS_API = "api/2.0/mlflow-artifacts/artifacts"


@dataclass(frozen=True)
class ModelVersion:
    name: str
    version: str
    run_id: str | None
    source: str | None
    stage: str | None
    status: str | None
    aliases: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, body: Any) -> "ModelVersion":
        # the version names a directory of the models volume: digits only
        if not isinstance(body, Mapping) or not str(body.get("version", "")).isdigit():
            raise UpstreamError(SERVICE, "MLflow answered a model version without a version number")
        return cls(
            name=str(body.get("name", "")),
            version=str(body["version"]),
            run_id=body.get("run_id") or None,
            source=body.get("source") or None,
            stage=body.get("current_stage") or None,
            status=body.get("status") or None,
            aliases=tuple(body.get("aliases") or ()),
        )


@dataclass(frozen=True)
class ArtifactEntry:
    name: str
    """The entry's own name (MLflow lists base names, relative to the listed path)."""
    is_dir: bool
    size: int | None


def _is_missing_alias(err: UpstreamError) -> bool:
    body = err.details.get("body")
    message = body.get("message", "") if isinstance(body, Mapping) else ""
    # MLflow answers an unknown alias with 400 INVALID_PARAMETER_VALUE, not 404
    return err.details.get("status") == 400 and "alias" in message and "not found" in message


class MlflowClient:
    def __init__(
        self,
        session: ClientSession,
        base_url: str,
        *,
        auth: BasicAuth | None = None,
        read_timeout_s: float = 60.0,
    ) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._auth = auth
        # the session's total timeout suits API calls, not a multi-gigabyte body
        self._download_timeout = ClientTimeout(
            total=None, sock_connect=read_timeout_s, sock_read=read_timeout_s
        )

    @property
    def base_url(self) -> str:
        return self._base_url

    async def _get(
        self, path: str, params: Mapping[str, str], not_found: str | None = None
    ) -> Mapping[str, Any]:
        url = f"{self._base_url}/{path}"
        body = await request_json(
            self._session, SERVICE, "GET", url, params=params, auth=self._auth, not_found=not_found
        )
        if not isinstance(body, Mapping):
            raise UpstreamError(SERVICE, f"MLflow answered GET {url} with no JSON object")
        return body

    async def latest_version(self, name: str, stage: str) -> ModelVersion | None:
        """The newest version of `name` in `stage`; None when the stage holds none."""
        body = await self._get(
            f"{API}/registered-models/get-latest-versions",
            {"name": name, "stages": stage},
            not_found=f"MLflow has no registered model {name!r}",
        )
        versions = [ModelVersion.from_json(v) for v in body.get("model_versions") or []]
        return max(versions, key=lambda v: int(v.version), default=None)

    async def version_by_alias(self, name: str, alias: str) -> ModelVersion | None:
        """The version `alias` points at; None when the model has no such alias."""
        try:
            body = await self._get(
                f"{API}/registered-models/alias",
                {"name": name, "alias": alias},
                not_found=f"MLflow has no registered model {name!r}",
            )
        except UpstreamUnavailable:
            raise
        except UpstreamError as err:
            if _is_missing_alias(err):
                return None
            raise
        return ModelVersion.from_json(body.get("model_version"))

    async def version(self, name: str, version: str) -> ModelVersion:
        body = await self._get(
            f"{API}/model-versions/get",
            {"name": name, "version": version},
            not_found=f"MLflow has no version {version} of registered model {name!r}",
        )
        return ModelVersion.from_json(body.get("model_version"))

    async def experiment_exists(self, name: str) -> bool:
        try:
            await self._get(
                f"{API}/experiments/get-by-name", {"experiment_name": name}, not_found=name
            )
        except NotFound:
            return False
        return True

    async def download_uri(self, name: str, version: str) -> str:
        body = await self._get(
            f"{API}/model-versions/get-download-uri",
            {"name": name, "version": version},
            not_found=f"MLflow has no version {version} of registered model {name!r}",
        )
        uri = body.get("artifact_uri")
        if not isinstance(uri, str) or not uri:
            raise UpstreamError(SERVICE, f"MLflow gave no download URI for {name!r} v{version}")
        return uri

    async def list_artifacts(self, path: str) -> list[ArtifactEntry]:
        """Entries directly under `path` of the proxied artifact store ([] when empty)."""
        body = await self._get(ARTIFACTS_API, {"path": path})
        return [
            ArtifactEntry(str(f["path"]), bool(f.get("is_dir")), f.get("file_size"))
            for f in body.get("files") or []
        ]

    @asynccontextmanager
    async def open_artifact(self, path: str) -> AsyncIterator[ClientResponse]:
        """The streaming response for one artifact file, checked for its status."""
        url = URL(f"{self._base_url}/{ARTIFACTS_API}/{quote(path)}", encoded=True)
        try:
            async with self._session.get(
                url, auth=self._auth, timeout=self._download_timeout
            ) as response:
                if response.status >= 400:
                    raise UpstreamError(
                        SERVICE,
                        f"MLflow answered HTTP {response.status} to GET {url}",
                        details={"status": response.status},
                    )
                yield response
        except (ClientError, TimeoutError) as err:
            # also what the caller hits while reading the body; its own disk errors pass
            raise UpstreamUnavailable(
                SERVICE, f"MLflow broke off the download of {path}: {err or type(err).__name__}"
            ) from err
