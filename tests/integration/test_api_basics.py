"""Ping, health, the error shape and the OpenAPI document, on the real app."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate

from clarus_daemon.app import create_app
from tests.infra.app_settings import make_settings
from tests.infra.docker_engine import DockerEngine
from tests.infra.ports import free_port

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def client(
    aiohttp_client: ClientFactory, docker_engine: DockerEngine
) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(make_settings(docker={"url": docker_engine.url})))


async def test_ping_keeps_the_old_contract(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/ping")
    assert response.status == 200
    assert await response.json() == "OK"
    assert len(response.headers["X-Request-ID"]) == 32


async def test_request_id_is_taken_from_the_caller(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/ping", headers={"X-Request-ID": "plant-42"})
    assert response.headers["X-Request-ID"] == "plant-42"


async def test_health_reports_every_dependency(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/health")
    assert response.status == 200
    body = await response.json()
    assert (body["status"], body["reasons"]) == ("ok", [])
    deps = body["dependencies"]
    assert deps["docker"]["status"] == "up"
    for name in ("mlflow", "minio", "airflow", "ids"):
        assert deps[name]["status"] == "not-configured"


async def test_health_shows_unreachable_dependencies_as_down(
    aiohttp_client: ClientFactory,
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    settings = make_settings(
        docker={"url": f"unix:///nonexistent/{free_port()}.sock"},
        mlflow={"tracking_uri": dead},
        airflow={"url": dead},
        ids={"url": dead},
        minio={"endpoint": f"127.0.0.1:{free_port()}", "access_key": "a", "secret_key": "b"},
    )
    client = await aiohttp_client(create_app(settings))
    response = await client.get("/api/health")
    assert response.status == 200
    body = await response.json()
    assert {name: dep["status"] for name, dep in body["dependencies"].items()} == {
        "docker": "down",
        "mlflow": "down",
        "airflow": "down",
        "ids": "down",
        "minio": "down",
    }
    assert body["status"] == "degraded"
    assert sorted(reason.split(" ")[0] for reason in body["reasons"]) == [
        "airflow",
        "docker",
        "ids",
        "minio",
        "mlflow",
    ]
    live = await client.get("/api/health/live")
    assert (live.status, await live.json()) == (200, {"status": "alive"})
    ready = await client.get("/api/health/ready")
    assert ready.status == 503
    assert (await ready.json())["details"] == {"service": "docker"}


async def test_ready_once_the_engine_answers(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/health/ready")
    assert response.status == 200
    assert (await response.json())["status"] == "ready"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/no/such/path", 404, "not_found"),
        ("POST", "/api/ping", 405, "method_not_allowed"),
        ("DELETE", "/api/health", 405, "method_not_allowed"),
    ],
)
async def test_errors_are_json(
    client: TestClient[Any, Any], method: str, path: str, status: int, code: str
) -> None:
    response = await client.request(method, path)
    assert response.status == status
    body = await response.json()
    assert body["error"] == code
    assert path in body["message"]


async def test_openapi_document_is_valid_openapi_3(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/docs/openapi.json")
    assert response.status == 200
    spec = await response.json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert "/api/ping" in spec["paths"]


async def test_swagger_ui_is_where_the_old_agents_had_it(client: TestClient[Any, Any]) -> None:
    response = await client.get("/swagger")
    assert response.status == 200
    assert "swagger" in (await response.text()).lower()
