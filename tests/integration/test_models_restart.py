"""mlflow.restart_inference: after a switch, restart exactly the experiment's managed containers."""

import io
import shutil
import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from clarus_daemon.inference import labels
from clarus_daemon.inference.ownership import instance_id
from tests.infra.app_settings import make_settings
from tests.infra.docker_engine import DockerEngine, api_get
from tests.infra.mlflow_server import ModelsApi, SeededModels

pytestmark = pytest.mark.integration

IMAGE = "clarus-test/models-busybox:1"
MANAGED, INFERENCE_ID, CANDIDATE = labels.MANAGED, labels.INFERENCE_ID, labels.CANDIDATE_NAME
# the daemon's containers carry the instance id of its state directory
OURS = {MANAGED: "true", labels.INSTANCE: instance_id(make_settings().state_dir)}
URL = "/api/mlflow/model"


@pytest.fixture(scope="module")
def busybox_image(docker_engine: DockerEngine) -> str:
    busybox = shutil.which("busybox") or "/bin/busybox"
    if not Path(busybox).exists():
        pytest.skip("busybox is not installed (apt-get install busybox-static)")
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        tar.add(busybox, arcname="bin/busybox")
    subprocess.run(
        ["docker", "import", "-", IMAGE],
        input=archive.getvalue(),
        env=docker_engine.env(),
        capture_output=True,
        check=True,
    )
    return IMAGE


def _run(engine: DockerEngine, name: str, labels: dict[str, str]) -> None:
    label_args = [arg for key, value in labels.items() for arg in ("--label", f"{key}={value}")]
    # sleep as PID 1 ignores SIGTERM: a short stop timeout keeps the restart quick
    engine.cli(
        "run", "-d", "--stop-timeout", "1", "--name", name, *label_args,
        IMAGE, "/bin/busybox", "sleep", "600",
    )  # fmt: skip


def _started_at(engine: DockerEngine, name: str) -> str:
    info = api_get(engine, f"/containers/{name}/json")
    assert isinstance(info, dict)
    return str(info["State"]["StartedAt"])


@pytest.fixture
def containers(docker_engine: DockerEngine, busybox_image: str) -> Iterator[dict[str, str]]:
    suffix = uuid.uuid4().hex[:8]
    names = {
        "managed": f"uc-energy-{suffix}",
        "other_id": f"uc-other-{suffix}",
        "unlabelled": f"UC_Energy-{suffix}",
        "candidate": f"uc-energy-next-{suffix}",
    }
    try:
        _run(docker_engine, names["managed"], {**OURS, INFERENCE_ID: "UC_Energy"})
        _run(docker_engine, names["other_id"], {**OURS, INFERENCE_ID: "UC_Other"})
        _run(docker_engine, names["unlabelled"], {INFERENCE_ID: "UC_Energy"})
        candidate = {**OURS, INFERENCE_ID: "UC_Energy", CANDIDATE: names["candidate"]}
        _run(docker_engine, names["candidate"], candidate)
        yield names
    finally:
        docker_engine.cli("rm", "-f", *names.values(), check=False)


async def test_switch_restarts_only_the_managed_containers_of_the_experiment(
    models_api: ModelsApi,
    mlflow_models: SeededModels,
    docker_engine: DockerEngine,
    containers: dict[str, str],
    tmp_path: Path,
) -> None:
    client = await models_api(
        tmp_path,
        sections={"docker": {"url": docker_engine.url}},
        tracking_uri=mlflow_models.server.url,
        restart_inference=True,
    )
    before = {key: _started_at(docker_engine, name) for key, name in containers.items()}

    answer = await (await client.put(URL, json={"exp_id": "UC_Energy"})).json()

    assert answer["restarted"] == [containers["managed"]], answer
    after = {key: _started_at(docker_engine, name) for key, name in containers.items()}
    assert after["managed"] != before["managed"]
    assert after["other_id"] == before["other_id"]
    assert after["unlabelled"] == before["unlabelled"]
    assert after["candidate"] == before["candidate"]

    unchanged = await (await client.put(URL, json={"exp_id": "UC_Energy"})).json()
    assert unchanged["switched"] is False and unchanged["restarted"] is None
    assert _started_at(docker_engine, containers["managed"]) == after["managed"]
