"""What a fetch answers when the name, MLflow or the connection is wrong, and what it leaves."""

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from tests.infra.mlflow_server import ModelsApi, SeededModels
from tests.infra.ports import free_port

pytestmark = pytest.mark.integration

URL = "/api/mlflow/model"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"exp_id": "UC_Nothing"}, "no registered model 'UC_Nothing' and no experiment"),
        ({"exp_id": "UC_Orphan"}, "Experiment 'UC_Orphan' exists in MLflow, but no registered"),
        ({"exp_id": "UC_Energy", "stage": "Staging"}, "no version in stage 'Staging'"),
        ({"exp_id": "UC_Energy", "alias": "nope"}, "has no alias 'nope'"),
        ({"exp_id": "UC_Energy", "version": 99}, "no version 99 of registered model 'UC_Energy'"),
    ],
)
async def test_unknown_names_are_404_naming_what_was_looked_for(
    models_api: ModelsApi,
    mlflow_models: SeededModels,
    tmp_path: Path,
    body: dict[str, Any],
    says: str,
) -> None:
    client = await models_api(tmp_path, tracking_uri=mlflow_models.server.url)
    response = await client.put(URL, json=body)
    answer = await response.json()
    assert response.status == 404, answer
    assert answer["error"] == "not_found" and says in answer["message"]
    assert answer["details"]["exp_id"] == body["exp_id"]
    assert os.listdir(tmp_path) == []  # nothing created for a name that does not resolve


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"exp_id": "../etc"}, "exp_id"),
        ({"exp_id": ".hidden"}, "exp_id"),
        ({"exp_id": ""}, "exp_id"),
        ({}, "exp_id"),
        ({"exp_id": "UC_Energy", "stage": "Bogus"}, "stage"),
        ({"exp_id": "UC_Energy", "version": 0}, "version"),
        ({"exp_id": "UC_Energy", "alias": "a", "version": 1}, "at most one"),
        ({"exp_id": "UC_Energy", "alais": "champion"}, "alais"),
    ],
)
async def test_bad_bodies_are_400_naming_the_field(
    models_api: ModelsApi, tmp_path: Path, body: dict[str, Any], field: str
) -> None:
    client = await models_api(tmp_path, tracking_uri=f"http://127.0.0.1:{free_port()}")
    response = await client.put(URL, json=body)
    answer = await response.json()
    assert response.status == 400, answer
    assert field in answer["message"]


async def test_unreachable_mlflow_is_503(models_api: ModelsApi, tmp_path: Path) -> None:
    client = await models_api(tmp_path, tracking_uri=f"http://127.0.0.1:{free_port()}")
    response = await client.put(URL, json={"exp_id": "UC_Energy"})
    answer = await response.json()
    assert response.status == 503, answer
    assert answer["error"] == "upstream_unavailable"
    assert answer["details"]["service"] == "mlflow"


async def test_unconfigured_mlflow_is_503_naming_the_key(
    models_api: ModelsApi, tmp_path: Path
) -> None:
    client = await models_api(tmp_path)
    response = await client.put(URL, json={"exp_id": "UC_Energy"})
    assert response.status == 503
    assert "MLFLOW_TRACKING_URI" in (await response.json())["message"]


def _staged_bytes(exp_dir: Path) -> int:
    return sum(
        f.stat().st_size for d in exp_dir.glob(".staging-*") for f in d.rglob("*") if f.is_file()
    )


async def _kill_once_bytes_land(mlflow_models: SeededModels, exp_dir: Path) -> None:
    for _ in range(5000):
        if _staged_bytes(exp_dir) >= 1024 * 1024:
            mlflow_models.server.kill()
            return
        await asyncio.sleep(0.002)
    raise AssertionError("the download never started")


async def test_server_killed_mid_download_leaves_current_and_no_partial_version(
    models_api: ModelsApi, mlflow_models: SeededModels, tmp_path: Path
) -> None:
    server = mlflow_models.server
    small = await models_api(tmp_path, tracking_uri=server.url, model_names={"plant": "UC_Energy"})
    assert (await small.put(URL, json={"exp_id": "plant", "alias": "champion"})).status == 200
    big = await models_api(tmp_path, tracking_uri=server.url, model_names={"plant": "UC_Big"})
    exp_dir = tmp_path / "plant"
    try:
        fetch = asyncio.create_task(big.put(URL, json={"exp_id": "plant"}))
        await _kill_once_bytes_land(mlflow_models, exp_dir)
        response = await fetch
        answer = await response.json()
        assert response.status == 503, answer
        assert "broke off" in answer["message"]
        assert os.readlink(exp_dir / "current") == "2"
        assert sorted(os.listdir(exp_dir)) == [".lock", "2", "current"]
    finally:
        if server.process is None:
            server.start()
    recovered = await big.put(URL, json={"exp_id": "plant"})
    assert recovered.status == 200
    assert os.readlink(exp_dir / "current") == "1"
