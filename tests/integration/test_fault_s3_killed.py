"""The S3 server dies while a drift check is detecting: the reference is intact, the run
is recorded as failed at the step that could not reach S3, and a re-run finishes once.
"""

import asyncio
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

from tests.infra.airflow import AirflowFake
from tests.infra.drift_app import NEW_DATA, REFERENCE, URL, DriftAppFactory, monitor, wine
from tests.infra.ids_agent import IdsAgentFake
from tests.infra.ports import free_port, port_open, wait_until
from tests.infra.s3 import S3Bucket, S3Server

pytestmark = pytest.mark.integration


class KillableS3:
    """A second moto server over the same in-process store, so it can die and come back."""

    def __init__(self) -> None:
        self.port = free_port()
        self._server: ThreadedMotoServer | None = None

    def start(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()
        wait_until(lambda: port_open(self.port), 10, "S3 server")

    @property
    def running(self) -> bool:
        return self._server is not None

    def kill(self) -> None:
        assert self._server is not None
        self._server.stop()
        self._server = None


@pytest.fixture
def killable_s3() -> Iterator[KillableS3]:
    s3 = KillableS3()
    s3.start()
    try:
        yield s3
    finally:
        if s3.running:
            s3.kill()


def big_white(copies: int = 25) -> bytes:
    """White wine rows repeated: detection then takes seconds, reading a fraction of that."""
    header, *rows = wine("white").splitlines(keepends=True)
    return header + b"".join(rows) * copies


async def test_s3_killed_mid_check_loses_nothing(
    drift_app: DriftAppFactory,
    s3_server: S3Server,
    s3_bucket: S3Bucket,
    killable_s3: KillableS3,
    ids_agent: IdsAgentFake,
    airflow: AirflowFake,
) -> None:
    s3_bucket.put(REFERENCE, wine("red"))
    s3_bucket.put(NEW_DATA, big_white())
    minio = {**s3_server.minio_settings(), "endpoint": f"127.0.0.1:{killable_s3.port}"}
    deps = {"minio": minio, "ids": {"url": ids_agent.url}, "airflow": airflow.settings()}
    app = await drift_app({"default": monitor(s3_bucket)}, **deps)

    checking = asyncio.create_task(app.client.get(URL))
    await asyncio.sleep(1.0)  # both CSVs are read by now; the worker is comparing them
    assert not checking.done()
    killable_s3.kill()
    response = await checking
    failed = await response.json()

    assert response.status in {502, 503}, failed
    assert s3_bucket.get(REFERENCE) == wine("red"), "the reference changed"
    (run,) = app.runs()
    assert run.outcome == "failed"
    assert run.details["failed_step"] in {"read", "save_report"}
    assert airflow.state.runs == [] and ids_agent.state.dataset_updates == []

    killable_s3.start()
    finished = await app.check()
    assert finished["message"] == "Drift detected and retraining triggered"
    assert s3_bucket.get(REFERENCE) == big_white()
    assert len(airflow.state.runs) == 1 and len(ids_agent.state.dataset_updates) == 1
