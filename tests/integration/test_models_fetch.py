"""PUT /api/mlflow/model against a real MLflow server: resolution, files, layout, idempotency."""

import asyncio
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from clarus_daemon import keys
from clarus_daemon.events import Event
from clarus_daemon.models.metadata import METADATA_FILE
from tests.infra.mlflow_server import ModelsApi, SeededModels

pytestmark = pytest.mark.integration

URL = "/api/mlflow/model"
# written by MLflow's client into its own downloads, not part of the stored model
CLIENT_SIDE_FILES = {"registered_model_meta"}


def tree_digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file() and path.name not in CLIENT_SIDE_FILES | {METADATA_FILE}
    }


async def put(client: Any, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    response = await client.put(URL, json=body)
    answer: dict[str, Any] = await response.json()
    assert response.status == status, answer
    return answer


@pytest.fixture
def seeded(mlflow_models: SeededModels) -> SeededModels:
    return mlflow_models


async def test_production_version_lands_byte_identical(
    models_api: ModelsApi, seeded: SeededModels, tmp_path: Path
) -> None:
    client = await models_api(tmp_path, tracking_uri=seeded.server.url)
    answer = await put(client, {"exp_id": "UC_Energy"})

    v1 = seeded.energy[0]
    assert (answer["model"], answer["version"]) == ("UC_Energy", "1")
    assert answer["run_id"] == v1["run_id"]
    assert answer["skipped"] is False and answer["switched"] is True
    exp_dir = tmp_path / "UC_Energy"
    assert answer["path"] == str(exp_dir / "1")
    assert os.readlink(exp_dir / "current") == "1"  # relative: resolves in any mount
    on_volume = tree_digests(exp_dir / "current")
    assert on_volume == tree_digests(Path(v1["reference"]))
    assert {"MLmodel", "model.skops", "code/pkg/sub/blob.bin"} <= on_volume.keys()
    assert {f["path"]: f["sha256"] for f in answer["files"]} == on_volume
    assert answer["bytes"] == sum(f["size"] for f in answer["files"])


async def test_metadata_file_describes_the_version(
    models_api: ModelsApi, seeded: SeededModels, tmp_path: Path
) -> None:
    client = await models_api(tmp_path, tracking_uri=seeded.server.url)
    answer = await put(client, {"exp_id": "UC_Energy"})

    metadata = json.loads((tmp_path / "UC_Energy" / "1" / METADATA_FILE).read_text())
    assert metadata["model"] == "UC_Energy" and metadata["version"] == "1"
    assert metadata["run_id"] == seeded.energy[0]["run_id"]
    assert metadata["source_uri"].startswith("mlflow-artifacts:/")
    assert metadata["stage"] == "Production" and metadata["fetched_at"]
    assert metadata["files"] == answer["files"] and metadata["bytes"] == answer["bytes"]


async def test_second_fetch_downloads_nothing(
    models_api: ModelsApi, seeded: SeededModels, tmp_path: Path
) -> None:
    client = await models_api(tmp_path, tracking_uri=seeded.server.url)
    events: list[Event] = []
    client.app[keys.EVENTS].add_sink(_Collect(events))
    await put(client, {"exp_id": "UC_Energy"})
    model_file = tmp_path / "UC_Energy" / "1" / "model.skops"
    before = model_file.stat()

    again = await put(client, {"exp_id": "UC_Energy"})

    assert again["skipped"] is True and again["switched"] is False
    assert model_file.stat().st_ino == before.st_ino
    assert model_file.stat().st_mtime_ns == before.st_mtime_ns
    assert [(e.kind, e.subject, e.outcome) for e in events] == [
        ("model_fetch", "UC_Energy", "ok"),
        ("model_fetch", "UC_Energy", "unchanged"),
    ]


async def test_alias_and_version_override_and_switch_back(
    models_api: ModelsApi, seeded: SeededModels, tmp_path: Path
) -> None:
    client = await models_api(tmp_path, tracking_uri=seeded.server.url)
    exp_dir = tmp_path / "UC_Energy"

    champion = await put(client, {"exp_id": "UC_Energy", "alias": "champion"})
    assert champion["version"] == "2" and os.readlink(exp_dir / "current") == "2"
    assert tree_digests(exp_dir / "2") == tree_digests(Path(seeded.energy[1]["reference"]))

    production = await put(client, {"exp_id": "UC_Energy"})
    assert production["version"] == "1" and production["skipped"] is False
    assert os.readlink(exp_dir / "current") == "1"

    pinned = await put(client, {"exp_id": "UC_Energy", "version": 2})
    assert pinned["skipped"] is True and pinned["switched"] is True
    assert os.readlink(exp_dir / "current") == "2"


async def test_configured_alias_and_model_name_mapping(
    models_api: ModelsApi, seeded: SeededModels, tmp_path: Path
) -> None:
    client = await models_api(
        tmp_path,
        tracking_uri=seeded.server.url,
        alias="champion",
        model_names={"plant_7": "UC_Energy"},
    )
    answer = await put(client, {"exp_id": "plant_7"})
    assert (answer["model"], answer["version"]) == ("UC_Energy", "2")
    assert os.readlink(tmp_path / "plant_7" / "current") == "2"
    staged = await put(client, {"exp_id": "plant_7", "stage": "production"})
    assert staged["version"] == "1"


async def test_keeps_the_newest_versions_and_never_the_current_one(
    models_api: ModelsApi, seeded: SeededModels, tmp_path: Path
) -> None:
    client = await models_api(tmp_path, tracking_uri=seeded.server.url, keep_versions=1)
    await put(client, {"exp_id": "UC_Energy"})
    answer = await put(client, {"exp_id": "UC_Energy", "alias": "champion"})
    assert answer["pruned"] == ["1"]
    assert sorted(os.listdir(tmp_path / "UC_Energy")) == [".lock", "2", "current"]


async def test_damaged_version_is_fetched_again(
    models_api: ModelsApi, seeded: SeededModels, tmp_path: Path
) -> None:
    client = await models_api(tmp_path, tracking_uri=seeded.server.url)
    await put(client, {"exp_id": "UC_Energy"})
    model_file = tmp_path / "UC_Energy" / "1" / "model.skops"
    model_file.write_bytes(b"truncated")

    answer = await put(client, {"exp_id": "UC_Energy"})

    assert answer["skipped"] is False
    assert tree_digests(model_file.parent) == tree_digests(Path(seeded.energy[0]["reference"]))


async def test_concurrent_fetches_download_once(
    models_api: ModelsApi, seeded: SeededModels, tmp_path: Path
) -> None:
    client = await models_api(tmp_path, tracking_uri=seeded.server.url)
    answers = await asyncio.gather(*(put(client, {"exp_id": "UC_Energy"}) for _ in range(3)))
    assert sorted(a["skipped"] for a in answers) == [False, True, True]


class _Collect:
    def __init__(self, events: list[Event]) -> None:
        self.events = events

    async def emit(self, event: Event) -> None:
        self.events.append(event)
