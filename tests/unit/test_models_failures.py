"""Failure modes a real MLflow rarely shows, against a contract fake: every one a clear JSON
error, and nothing half-written left on the volume."""

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from clarus_daemon import keys
from clarus_daemon.events import Event
from tests.infra.mlflow_server import ModelsApi
from tests.infra.threaded_server import ThreadedServer, serve_in_thread

ROOT = "1/models/m-1/artifacts"
API = "/api/2.0/mlflow"
URL = "/api/mlflow/model"


@dataclass
class FakeMlflow:
    files: dict[str, bytes] = field(default_factory=lambda: {"MLmodel": b"x" * 20})
    registry_status: int = 200
    registry_text: str | None = None
    extra_entries: list[dict[str, Any]] = field(default_factory=list)
    served_bytes: int | None = None
    artifact_status: int = 200

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get(f"{API}/registered-models/get-latest-versions", self.latest)
        app.router.add_get(f"{API}/model-versions/get-download-uri", self.download_uri)
        app.router.add_get("/api/2.0/mlflow-artifacts/artifacts", self.listing)
        app.router.add_get("/api/2.0/mlflow-artifacts/artifacts/{path:.*}", self.artifact)
        return app

    def _registry(self, body: dict[str, Any]) -> web.Response:
        if self.registry_text is not None:
            return web.Response(text=self.registry_text, content_type="text/html")
        if self.registry_status != 200:
            error = {"error_code": "INTERNAL_ERROR", "message": "database is locked"}
            return web.json_response(error, status=self.registry_status)
        return web.json_response(body)

    async def latest(self, _request: web.Request) -> web.Response:
        version = {"name": "UC", "version": "3", "current_stage": "Production", "status": "READY"}
        return self._registry({"model_versions": [version]})

    async def download_uri(self, _request: web.Request) -> web.Response:
        return self._registry({"artifact_uri": f"mlflow-artifacts:/{ROOT}"})

    async def listing(self, request: web.Request) -> web.Response:
        assert request.query["path"] == ROOT
        files = [
            {"path": name, "is_dir": False, "file_size": len(data)}
            for name, data in self.files.items()
        ]
        return web.json_response({"files": files + self.extra_entries})

    async def artifact(self, request: web.Request) -> web.Response:
        if self.artifact_status != 200:
            return web.json_response({"error_code": "RESOURCE_DOES_NOT_EXIST"}, status=404)
        data = self.files[request.match_info["path"].removeprefix(f"{ROOT}/")]
        return web.Response(body=data[: self.served_bytes])


@pytest.fixture
def fake() -> FakeMlflow:
    return FakeMlflow()


@pytest.fixture
def fake_server(fake: FakeMlflow) -> Iterator[ThreadedServer]:
    with serve_in_thread(fake.app()) as server:
        yield server


async def fetch_failing(
    models_api: ModelsApi, server: ThreadedServer, tmp_path: Path, status: int, **mlflow: Any
) -> dict[str, Any]:
    client = await models_api(tmp_path, tracking_uri=server.url, **mlflow)
    events: list[Event] = []
    client.app[keys.EVENTS].add_sink(_Collect(events))
    response = await client.put(URL, json={"exp_id": "UC"})
    answer: dict[str, Any] = await response.json()
    assert response.status == status, answer
    assert [(e.kind, e.outcome) for e in events] == [("model_fetch", "failed")]
    leftovers = os.listdir(tmp_path / "UC") if (tmp_path / "UC").exists() else []
    assert leftovers in ([], [".lock"])  # no version, no staging, no current
    return answer


async def test_mlflow_error_is_502_with_its_status(
    models_api: ModelsApi, fake: FakeMlflow, fake_server: ThreadedServer, tmp_path: Path
) -> None:
    fake.registry_status = 500
    answer = await fetch_failing(models_api, fake_server, tmp_path, 502)
    assert answer["error"] == "upstream_error"
    assert answer["details"]["service"] == "mlflow" and answer["details"]["status"] == 500


async def test_an_answer_that_is_not_json_is_502(
    models_api: ModelsApi, fake: FakeMlflow, fake_server: ThreadedServer, tmp_path: Path
) -> None:
    fake.registry_text = "<html>login</html>"
    await fetch_failing(models_api, fake_server, tmp_path, 502)


async def test_artifact_paths_leaving_the_version_are_refused(
    models_api: ModelsApi, fake: FakeMlflow, fake_server: ThreadedServer, tmp_path: Path
) -> None:
    fake.extra_entries = [{"path": "..", "is_dir": True}]
    answer = await fetch_failing(models_api, fake_server, tmp_path, 502)
    assert "refusing" in answer["message"]


async def test_a_short_file_is_502_and_leaves_nothing(
    models_api: ModelsApi, fake: FakeMlflow, fake_server: ThreadedServer, tmp_path: Path
) -> None:
    fake.served_bytes = 10
    answer = await fetch_failing(models_api, fake_server, tmp_path, 502)
    assert "got 10 bytes, 20 were listed" in answer["message"]


async def test_a_listed_file_mlflow_cannot_serve_is_502(
    models_api: ModelsApi, fake: FakeMlflow, fake_server: ThreadedServer, tmp_path: Path
) -> None:
    fake.artifact_status = 404
    answer = await fetch_failing(models_api, fake_server, tmp_path, 502)
    assert answer["details"]["status"] == 404


async def test_no_room_on_the_volume_is_507_before_downloading(
    models_api: ModelsApi, fake_server: ThreadedServer, tmp_path: Path
) -> None:
    answer = await fetch_failing(models_api, fake_server, tmp_path, 507, min_free_bytes=1 << 60)
    assert answer["error"] == "insufficient_storage" and "bytes free" in answer["message"]


async def test_an_unwritable_models_root_is_a_clear_500(
    models_api: ModelsApi, fake_server: ThreadedServer, tmp_path: Path
) -> None:
    not_a_directory = tmp_path / "models"
    not_a_directory.write_text("")
    client = await models_api(not_a_directory, tracking_uri=fake_server.url)
    response = await client.put(URL, json={"exp_id": "UC"})
    answer = await response.json()
    assert response.status == 500, answer
    assert answer["error"] == "models_volume_error" and str(not_a_directory) in answer["message"]


async def test_a_failed_restart_still_answers_200_and_says_so(
    models_api: ModelsApi, fake_server: ThreadedServer, tmp_path: Path
) -> None:
    dead_docker = {"docker": {"url": f"unix://{tmp_path}/no-docker.sock"}}
    client = await models_api(
        tmp_path / "models", dead_docker, tracking_uri=fake_server.url, restart_inference=True
    )
    response = await client.put(URL, json={"exp_id": "UC"})
    answer = await response.json()
    assert response.status == 200, answer
    assert answer["switched"] is True and answer["restarted"] == []
    assert answer["restart_error"]
    assert os.readlink(tmp_path / "models" / "UC" / "current") == "3"


class _Collect:
    def __init__(self, events: list[Event]) -> None:
        self.events = events

    async def emit(self, event: Event) -> None:
        self.events.append(event)
