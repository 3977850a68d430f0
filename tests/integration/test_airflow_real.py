"""The drift pipeline against a real Airflow 3 (`airflow standalone`; CLARUS_TEST_REAL_AIRFLOW=0
skips it: it needs ~300 MB of disk and ~5 GB of memory, and a minute to install and start).

The other drift tests make the same calls to the contract fake (Airflow 2's v1 API has
no real server here); this test checks the fake's contract against the real thing:
version detection, the token, the trigger body, the answer to a repeated run id, and
that the DAG run really executes.
"""

import asyncio
from typing import Any

import pytest
from aiohttp import ClientSession

from clarus_daemon.config.endpoints import AirflowSettings
from clarus_daemon.integrations.airflow import AirflowClient
from tests.fakes.airflow import DAG_ID
from tests.infra.airflow_server import AirflowServer
from tests.infra.drift_app import NEW_DATA, REFERENCE, DriftAppFactory, monitor, wine
from tests.infra.s3 import S3Bucket

pytestmark = pytest.mark.integration


async def _api(
    session: ClientSession, server: AirflowServer, method: str, path: str, **kw: Any
) -> Any:
    token_answer = await session.post(
        f"{server.url}/auth/token", json={"username": "admin", "password": server.password}
    )
    token = (await token_answer.json())["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    async with session.request(method, f"{server.url}{path}", headers=headers, **kw) as response:
        return response.status, await response.json()


async def _dag_parsed(session: ClientSession, server: AirflowServer) -> None:
    for _ in range(120):
        status, _ = await _api(session, server, "GET", f"/api/v2/dags/{DAG_ID}")
        if status == 200:
            return
        await asyncio.sleep(1)
    raise TimeoutError(f"DAG {DAG_ID} not parsed")


async def _run_state(session: ClientSession, server: AirflowServer, run_id: str) -> dict[str, Any]:
    for _ in range(180):
        _, run = await _api(session, server, "GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}")
        if run.get("state") in ("success", "failed"):
            return dict(run)
        await asyncio.sleep(1)
    raise TimeoutError(f"DAG run {run_id} did not finish")


async def test_drift_triggers_a_real_airflow_3_dag_run_that_executes(
    airflow_server: AirflowServer, drift_app: DriftAppFactory, s3_bucket: S3Bucket
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, wine("white"))
    settings = {"url": airflow_server.url, "username": "admin", "password": airflow_server.password}
    async with ClientSession() as session:
        await _dag_parsed(session, airflow_server)
        await _api(
            session, airflow_server, "PATCH", f"/api/v2/dags/{DAG_ID}", json={"is_paused": False}
        )
        app = await drift_app({"default": monitor(s3_bucket, experiment_id=None)}, airflow=settings)

        answer = await app.check()

        assert answer["message"] == "Drift detected and retraining triggered"
        run = await _run_state(session, airflow_server, answer["dag_run_id"])
        assert run["state"] == "success" and run["conf"]["run_id"] == answer["run_id"]

        client = AirflowClient(session, AirflowSettings.model_validate(settings))
        again = await client.trigger_dag(DAG_ID, dag_run_id=answer["dag_run_id"], conf={})
        assert not again.created and await client.api_version() == "v2"
