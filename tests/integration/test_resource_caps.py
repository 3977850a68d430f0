"""Global caps answer 429 naming the setting; a full disk answers 507 before any write."""

import asyncio
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from clarus_daemon import keys
from clarus_daemon.api.limits import PENDING_CAPS
from clarus_daemon.models.layout import ModelStore
from tests.infra.airflow import AirflowFake
from tests.infra.drift_app import NEW_DATA, REFERENCE, DriftAppFactory, monitor, wine
from tests.infra.ids_agent import IdsAgentFake
from tests.infra.images import InferenceApi, InferenceLab
from tests.infra.mlflow_server import ModelsApi, SeededModels
from tests.infra.ports import eventually, free_port
from tests.infra.s3 import S3Bucket

pytestmark = pytest.mark.integration

DEPLOY = "/api/inference/deploy"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs: smaller than the white wines (264 KiB); needs root, as the suite."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


async def test_a_second_service_beyond_the_cap_is_refused_before_any_pull(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api({"limits": {"max_services": 1}})
    first, second = inference_lab.new_id(), inference_lab.new_id()
    created = await client.post(DEPLOY, json=inference_lab.body(first, free_port()))
    assert created.status == 201, await created.text()

    refused = await client.post(DEPLOY, json=inference_lab.body(second, free_port()))

    assert refused.status == 429
    answer = await refused.json()
    assert answer["error"] == "too_many_requests"
    assert answer["details"]["setting"] == "limits.max_services"
    assert inference_lab.containers_of(second) == []
    replaced = await client.post(
        DEPLOY, json=inference_lab.body(first, free_port(), env={"A": "changed"})
    )
    assert replaced.status == 201, await replaced.text()  # replacing stays possible


async def test_drift_checks_beyond_the_cap_get_429_at_once(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket, ids_agent: IdsAgentFake, airflow: AirflowFake
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("red"))
    app = await drift_app(
        {"default": monitor(s3_bucket)},
        ids={"url": ids_agent.url},
        airflow=airflow.settings(),
        limits={"max_pending_drift_checks": 1},
    )
    checks = app.client.app[PENDING_CAPS][("GET", "/api/detect_data_drift")]
    # the monitor held as a running check holds it: the first call waits, admitted
    async with app.client.app[keys.DRIFT]._locks.hold("default", wait=False):
        waiting = asyncio.ensure_future(app.check(wait="true"))
        await eventually(lambda: checks.in_flight == 1, timeout_s=20)

        refused = await app.check(429, wait="true")

    assert refused["details"]["setting"] == "limits.max_pending_drift_checks"
    assert (await waiting)["drift"] is False


async def test_a_full_scratch_disk_is_a_507_before_the_datasets_are_written(
    drift_app: DriftAppFactory,
    s3_bucket: S3Bucket,
    tiny_disk: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))
    monkeypatch.setattr(tempfile, "tempdir", str(tiny_disk))
    app = await drift_app({"default": monitor(s3_bucket, experiment_id=None, dag_id=None)})

    answer = await app.check(507)

    assert answer["error"] == "insufficient_storage"
    assert not await asyncio.to_thread(lambda: list(tiny_disk.iterdir()))
    assert s3_bucket.get(REFERENCE) == wine("red")


async def test_a_large_report_is_passed_on_whole(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket, ids_agent: IdsAgentFake, airflow: AirflowFake
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))
    app = await drift_app(
        {"default": monitor(s3_bucket)}, ids={"url": ids_agent.url}, airflow=airflow.settings()
    )
    answer = await app.check()
    html_key = answer["reports"]["html"]
    big = b"<!doctype html>" + b"x" * (24 << 20)
    s3_bucket.put(html_key, big)
    (run,) = (await (await app.client.get("/api/drift/runs")).json())["runs"]

    report = await app.client.get(f"/api/drift/runs/{run['id']}/reports/html")

    assert report.status == 200
    assert report.content_length == len(big)
    assert await report.read() == big


async def test_a_pull_that_would_leave_the_docker_data_root_too_full_is_a_507(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api({"limits": {"min_free_pull_mb": 1 << 40}})
    inference_id = inference_lab.new_id()

    refused = await client.post(DEPLOY, json=inference_lab.body(inference_id, free_port()))

    assert refused.status == 507
    assert (await refused.json())["details"]["setting"] == "limits.min_free_pull_mb"
    assert inference_lab.containers_of(inference_id) == []


async def test_a_model_bigger_than_the_disk_is_a_507_even_when_the_space_check_was_fooled(
    models_api: ModelsApi,
    mlflow_models: SeededModels,
    tiny_disk: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # another writer took the space between the check and the download: the claim fails
    monkeypatch.setattr(ModelStore, "free_bytes", lambda _store, _exp_id: 1 << 40)
    client = await models_api(tiny_disk, tracking_uri=mlflow_models.server.url)

    answer = await client.put("/api/mlflow/model", json={"exp_id": "UC_Big"})

    assert answer.status == 507, await answer.text()
    assert not (tiny_disk / "UC_Big" / "current").exists()
