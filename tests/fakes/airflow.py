"""Contract fake of Airflow's REST API, both generations the daemon speaks.

v1 (Airflow 2): GET /api/v1/version without auth; POST /api/v1/dags/{id}/dagRuns
with HTTP basic auth; unknown body fields are 400.
v2 (Airflow 3, as measured on 3.3.2): POST /auth/token -> 201 {"access_token"};
POST /api/v2/dags/{id}/dagRuns with a bearer token and a body that must hold
`logical_date` (null allowed) and nothing unknown (422); no token -> 401, an
invalid or expired token -> 403 "Invalid JWT token".
Both: unknown DAG -> 404, a dag_run_id used before -> 409. The fake serves one
version at a time; the other one's paths are 404, as on a real server.
"""

import base64
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

DAG_ID = "redwine_production_dag_over_k8s"
V1_FIELDS = {
    "dag_run_id", "logical_date", "execution_date", "conf", "note",
    "data_interval_start", "data_interval_end",
}  # fmt: skip
V2_FIELDS = {
    "dag_run_id", "logical_date", "conf", "note",
    "data_interval_start", "data_interval_end", "run_after",
}  # fmt: skip


@dataclass
class AirflowState:
    version: Literal["v1", "v2"] = "v2"
    username: str = "admin"
    password: str = "airflow-test-password"
    dags: set[str] = field(default_factory=lambda: {DAG_ID})
    runs: list[dict[str, Any]] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    tokens_issued: int = 0
    fail_with_status: int | None = None

    def expire_tokens(self) -> None:
        self.tokens.clear()


def _detail(status: int, detail: Any) -> web.Response:
    return web.json_response({"detail": detail}, status=status)


def _basic_ok(request: web.Request, state: AirflowState) -> bool:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    expected = f"{state.username}:{state.password}".encode()
    return secrets.compare_digest(base64.b64decode(encoded), expected)


def _bearer_refusal(request: web.Request, state: AirflowState) -> web.Response | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return _detail(401, "Not authenticated")
    if token not in state.tokens:
        return _detail(403, "Invalid JWT token")
    return None


async def _object_body(request: web.Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _body_problem(body: dict[str, Any] | None, version: str) -> web.Response | None:
    status = 400 if version == "v1" else 422
    if body is None:
        return _detail(status, "body is not a JSON object")
    unknown = set(body) - (V1_FIELDS if version == "v1" else V2_FIELDS)
    if unknown:
        return _detail(status, f"Extra inputs are not permitted: {sorted(unknown)}")
    if version == "v2" and "logical_date" not in body:
        return _detail(422, [{"type": "missing", "loc": ["body", "logical_date"]}])
    if not isinstance(body.get("conf", {}), dict):
        return _detail(status, "conf must be an object")
    return None


STATE = web.AppKey("state", AirflowState)


def _serving(request: web.Request, version: str) -> bool:
    return bool(request.app[STATE].version == version)


async def _version(request: web.Request) -> web.Response:
    state = request.app[STATE]
    if not _serving(request, request.match_info["version"]):
        return _detail(404, "Not Found")
    return web.json_response({"version": "2.10.5" if state.version == "v1" else "3.3.2"})


async def _token(request: web.Request) -> web.Response:
    state = request.app[STATE]
    if not _serving(request, "v2"):
        return _detail(404, "Not Found")
    body = await _object_body(request)
    if body is None or not {"username", "password"} <= set(body):
        return _detail(422, "username and password are required")
    if (body["username"], body["password"]) != (state.username, state.password):
        return _detail(401, "Invalid credentials")
    issued = secrets.token_urlsafe(16)
    state.tokens.add(issued)
    state.tokens_issued += 1
    return web.json_response({"access_token": issued}, status=201)


def _refusal(request: web.Request, api: str) -> web.Response | None:
    state = request.app[STATE]
    if not _serving(request, api):
        return _detail(404, "Not Found")
    if api == "v1":
        return None if _basic_ok(request, state) else _detail(401, "Unauthorized")
    return _bearer_refusal(request, state)


async def _trigger(request: web.Request) -> web.Response:
    state, api = request.app[STATE], request.match_info["version"]
    refusal = _refusal(request, api)
    if refusal is not None:
        return refusal
    if state.fail_with_status:
        return _detail(state.fail_with_status, "injected failure")
    body = await _object_body(request)
    problem = _body_problem(body, api)
    if problem is not None:
        return problem
    assert body is not None
    return _record_run(state, request.match_info["dag_id"], body, api)


def build_app(state: AirflowState) -> web.Application:
    app = web.Application()
    app[STATE] = state
    app.router.add_get("/api/{version}/version", _version)
    app.router.add_post("/auth/token", _token)
    app.router.add_post("/api/{version}/dags/{dag_id}/dagRuns", _trigger)
    return app


def _record_run(state: AirflowState, dag_id: str, body: dict[str, Any], api: str) -> web.Response:
    if dag_id not in state.dags:
        return _detail(404, f"Dag with dag_id: '{dag_id}' not found")
    run_id = body.get("dag_run_id") or f"manual__{len(state.runs)}"
    if any(run["dag_run_id"] == run_id for run in state.runs):
        return _detail(409, {"reason": "Unique constraint violation"})
    run = {"dag_id": dag_id, "dag_run_id": run_id, "conf": body.get("conf", {}), "api": api}
    state.runs.append(run)
    return web.json_response({**run, "state": "queued"})
