"""Airflow's REST API as the daemon uses it: trigger a DAG run.

Airflow 2 serves /api/v1 with HTTP basic auth; Airflow 3 serves /api/v2 with a
bearer token from POST /auth/token. The version comes from the configuration
or, on "auto", from which of /api/v2/version and /api/v1/version exists.
"""

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from aiohttp import ClientSession

from clarus_daemon.config.endpoints import AirflowSettings
from clarus_daemon.errors import UpstreamError, UpstreamUnavailable
from clarus_daemon.integrations.http import request_json

SERVICE = "airflow"
ApiVersion = Literal["v1", "v2"]
AUTH_REFUSED = (401, 403)


@dataclass(frozen=True)
class DagRun:
    dag_id: str
    dag_run_id: str
    state: str | None
    created: bool
    """False when a run with this id existed already (a repeated trigger)."""


def _status(err: UpstreamError) -> int | None:
    status = err.details.get("status")
    return status if isinstance(status, int) else None


class AirflowClient:
    def __init__(self, session: ClientSession, settings: AirflowSettings) -> None:
        if settings.url is None:
            raise ValueError("airflow.url is not set")
        self._session = session
        self._base_url = str(settings.url).rstrip("/")
        self._username = settings.username
        self._password = settings.password.get_secret_value() if settings.password else ""
        self._version: ApiVersion | None = (
            None if settings.api_version == "auto" else settings.api_version
        )
        self._token: str | None = None

    async def api_version(self) -> ApiVersion:
        if self._version is None:
            self._version = await self._detect_version()
        return self._version

    async def trigger_dag(self, dag_id: str, *, dag_run_id: str, conf: Mapping[str, Any]) -> DagRun:
        """Start a run with a fixed id; a run already there under that id is no error."""
        version = await self.api_version()
        body: dict[str, Any] = {"dag_run_id": dag_run_id, "conf": dict(conf)}
        if version == "v2":
            body["logical_date"] = None  # required by Airflow 3; null means now
        url = f"{self._base_url}/api/{version}/dags/{quote(dag_id, safe='')}/dagRuns"
        try:
            answer = await self._call("POST", url, version, json=body)
        except UpstreamError as err:
            if _status(err) == 409:
                return DagRun(dag_id, dag_run_id, None, created=False)
            if _status(err) == 404:
                raise UpstreamError(
                    SERVICE, f"Airflow has no DAG {dag_id!r}", details=err.details
                ) from err
            raise
        return DagRun(dag_id, answer.get("dag_run_id", dag_run_id), answer.get("state"), True)

    async def _call(self, method: str, url: str, version: ApiVersion, **kwargs: Any) -> Any:
        if version == "v1":
            return await self._checked(method, url, headers=self._basic(), **kwargs)
        had_token = self._token is not None
        try:
            return await self._checked(method, url, headers=await self._bearer(), **kwargs)
        except UpstreamError as err:
            # Airflow 3 answers an expired token with 403 "Invalid JWT token"
            if _status(err) not in AUTH_REFUSED or not had_token:
                raise
            self._token = None
            return await self._checked(method, url, headers=await self._bearer(), **kwargs)

    async def _checked(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            return await request_json(self._session, SERVICE, method, url, **kwargs)
        except UpstreamError as err:
            if _status(err) in AUTH_REFUSED:
                raise UpstreamError(
                    SERVICE,
                    f"Airflow refused the credentials (HTTP {_status(err)}) on {method} {url}: "
                    "check airflow.username and airflow.password (AIRFLOW_USER, AIRFLOW_PASSWORD)",
                    details=err.details,
                ) from err
            raise

    def _basic(self) -> dict[str, str]:
        if not self._username:
            return {}
        pair = base64.b64encode(f"{self._username}:{self._password}".encode()).decode()
        return {"Authorization": f"Basic {pair}"}

    async def _bearer(self) -> dict[str, str]:
        if self._token is None:
            self._token = await self._new_token()
        return {"Authorization": f"Bearer {self._token}"}

    async def _new_token(self) -> str:
        body = {"username": self._username or "", "password": self._password}
        answer = await self._checked("POST", f"{self._base_url}/auth/token", json=body)
        token = answer.get("access_token") if isinstance(answer, Mapping) else None
        if not isinstance(token, str) or not token:
            raise UpstreamError(SERVICE, "Airflow's POST /auth/token answered no access_token")
        return token

    async def _exists(self, path: str) -> bool:
        try:
            await request_json(self._session, SERVICE, "GET", f"{self._base_url}{path}")
        except UpstreamUnavailable:
            raise
        except UpstreamError as err:
            return _status(err) != 404  # 401/403: there, but wants credentials
        return True

    async def _detect_version(self) -> ApiVersion:
        if await self._exists("/api/v2/version"):
            return "v2"
        if await self._exists("/api/v1/version"):
            return "v1"
        raise UpstreamError(
            SERVICE,
            f"{self._base_url} answers neither /api/v2/version (Airflow 3) nor "
            "/api/v1/version (Airflow 2): is airflow.url the API server's address?",
        )
