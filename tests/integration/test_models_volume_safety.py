"""The models volume under failures: `current` never dangles, leftovers go at start-up."""

import os
from pathlib import Path

import pytest

from clarus_daemon.models import layout
from tests.infra.mlflow_server import ModelsApi, SeededModels
from tests.infra.ports import eventually

pytestmark = pytest.mark.integration

URL = "/api/mlflow/model"


@pytest.fixture
def seeded(mlflow_models: SeededModels) -> SeededModels:
    return mlflow_models


async def test_reinstalling_a_damaged_current_version_never_leaves_current_dangling(
    models_api: ModelsApi, seeded: SeededModels, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await models_api(tmp_path, tracking_uri=seeded.server.url)
    assert (await client.put(URL, json={"exp_id": "UC_Energy"})).status == 200
    current = tmp_path / "UC_Energy" / "current"
    (current / "model.skops").write_bytes(b"truncated")
    # whenever a tree leaves the volume, `current` must still lead to a complete version
    seen: list[bool] = []
    remove_tree = layout._remove_tree

    def watched(path: Path) -> None:
        remove_tree(path)
        seen.append((current / "model.skops").is_file())

    monkeypatch.setattr(layout, "_remove_tree", watched)

    answer = await client.put(URL, json={"exp_id": "UC_Energy"})

    assert answer.status == 200
    assert (await answer.json())["skipped"] is False
    assert seen == [True]
    assert (current / "model.skops").read_bytes() != b"truncated"


async def test_leftovers_of_a_killed_fetch_are_cleared_at_start_up(
    models_api: ModelsApi, seeded: SeededModels, tmp_path: Path
) -> None:
    exp_dir = tmp_path / "UC_Energy"
    (exp_dir / ".staging-killed").mkdir(parents=True)
    (exp_dir / ".staging-killed" / "model.skops").write_bytes(b"half")
    os.symlink("1", exp_dir / ".current-0123abcd")

    await models_api(tmp_path, tracking_uri=seeded.server.url)

    await eventually(lambda: sorted(os.listdir(exp_dir)) in ([], [".lock"]), timeout_s=10)
