"""Every state change is in the audit log with who, from where, what and how it ended."""

from typing import Any

from aiohttp.test_utils import TestClient

from clarus_daemon.config.auth import token_digest
from tests.infra.airflow import AirflowFake
from tests.infra.drift_app import NEW_DATA, REFERENCE, DriftAppFactory, monitor, wine
from tests.infra.ids_agent import IdsAgentFake
from tests.infra.images import InferenceApi, InferenceLab
from tests.infra.ports import free_port
from tests.infra.s3 import S3Bucket

DEPLOY = "/api/inference/deploy"
TOKEN = "audit-writer-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
READER = "audit-reader-0123456789"


async def _audit(client: TestClient[Any, Any], query: str = "") -> dict[str, Any]:
    response = await client.get(f"/api/audit{query}", headers=AUTH)
    assert response.status == 200
    page: dict[str, Any] = await response.json()
    return page


async def test_deploy_replace_remove_are_audited_with_env_names_only(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    tokens = [
        {"name": "mlops", "sha256": token_digest(TOKEN)},
        {"name": "dashboard", "sha256": token_digest(READER), "scope": "read"},
    ]
    sections = {"auth": {"tokens": tokens}}
    registry = inference_lab.images.registry.host
    client = await inference_api(sections, allowed_images=[f"{registry}/*"])
    inference_id, port = inference_lab.new_id(), free_port()
    body = inference_lab.body(inference_id, port, env={"DB_PASSWORD": "s3cret-value"})

    assert (await client.post(DEPLOY, json=body, headers=AUTH)).status == 201
    replaced = await client.post(
        DEPLOY, json={**body, "docker_img_uri": inference_lab.images.good_v2}, headers=AUTH
    )
    assert replaced.status == 201, await replaced.text()
    outsider = {**body, "docker_img_uri": "registry.invalid/x:1"}  # refused before any pull
    assert (await client.post(DEPLOY, json=outsider, headers=AUTH)).status == 403
    assert (await client.post(DEPLOY, json=body)).status == 401  # no token: nothing changed
    read_only = {"Authorization": f"Bearer {READER}"}
    assert (await client.post(DEPLOY, json=body, headers=read_only)).status == 403
    removed = await client.delete(f"{DEPLOY}?inference_id={inference_id}", headers=AUTH)
    assert removed.status in (200, 201)

    page = await _audit(client)
    entries = list(reversed(page["entries"]))
    assert [(e["action"], e["outcome"]) for e in entries] == [
        ("deploy", "ok"),
        ("replace", "ok"),
        ("deploy", "refused"),
        ("deploy", "refused"),
        ("remove", "ok"),
    ]
    assert entries[3]["principal"] == "token 'dashboard'"
    first = entries[0]
    assert (first["principal"], first["client"], first["subject"]) == (
        "token 'mlops'",
        "127.0.0.1",
        inference_id,
    )
    assert first["details"]["image"] == inference_lab.images.good_v1
    assert first["details"]["image_digest"].startswith("sha256:")
    assert first["details"]["env_keys"] == ["DB_PASSWORD"]
    assert "s3cret-value" not in str(page)
    assert entries[2]["status"] == 403

    older = await _audit(client, "?limit=2")
    assert len(older["entries"]) == 2
    rest = await _audit(client, f"?limit=2&cursor={older['next_cursor']}")
    assert [e["id"] for e in rest["entries"]] == [entries[2]["id"], entries[1]["id"]]
    assert (await _audit(client, "?action=replace"))["entries"][0]["action"] == "replace"


async def test_a_drift_check_that_swaps_the_reference_and_triggers_is_audited(
    drift_app: DriftAppFactory, s3_bucket: S3Bucket, ids_agent: IdsAgentFake, airflow: AirflowFake
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))
    app = await drift_app(
        {"default": monitor(s3_bucket)},
        ids={"url": ids_agent.url},
        airflow=airflow.settings(),
        auth={"tokens": [{"name": "platform", "sha256": token_digest(TOKEN)}]},
    )

    response = await app.client.get("/api/detect_data_drift", headers=AUTH)
    assert response.status == 200, await response.text()

    (entry,) = (await _audit(app.client))["entries"]
    assert (entry["action"], entry["subject"], entry["principal"]) == (
        "drift_check",
        "default",
        "token 'platform'",
    )
    assert entry["details"]["drift"] is True
    assert entry["details"]["archived_reference"]
    assert entry["details"]["dag_run_id"]
