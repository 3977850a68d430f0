"""AirflowClient against the contract fake: both API generations, auth, repeats, errors."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientSession

from clarus_daemon.config.endpoints import AirflowSettings
from clarus_daemon.errors import UpstreamError, UpstreamUnavailable
from clarus_daemon.integrations.airflow import AirflowClient
from tests.fakes.airflow import DAG_ID
from tests.infra.airflow import AirflowFake
from tests.infra.ports import free_port

CONF = {"monitor": "default", "report": {"html": "r/x.html"}}


@pytest.fixture
async def session() -> AsyncIterator[ClientSession]:
    async with ClientSession() as session:
        yield session


def client(session: ClientSession, **settings: Any) -> AirflowClient:
    return AirflowClient(session, AirflowSettings.model_validate(settings))


@pytest.mark.parametrize(
    ("served", "configured"), [("v1", "v1"), ("v2", "v2"), ("v1", "auto"), ("v2", "auto")]
)
async def test_a_dag_run_is_triggered_with_the_id_and_conf_given(
    session: ClientSession, airflow: AirflowFake, served: str, configured: str
) -> None:
    airflow.state.version = served  # type: ignore[assignment]
    airflow_client = client(session, **airflow.settings(api_version=configured))

    run = await airflow_client.trigger_dag(DAG_ID, dag_run_id="clarus__r1", conf=CONF)

    assert (run.dag_run_id, run.state, run.created) == ("clarus__r1", "queued", True)
    assert airflow.state.runs == [
        {"dag_id": DAG_ID, "dag_run_id": "clarus__r1", "conf": CONF, "api": served}
    ]
    assert await airflow_client.api_version() == served


@pytest.mark.parametrize("served", ["v1", "v2"])
async def test_triggering_the_same_run_id_again_creates_nothing(
    session: ClientSession, airflow: AirflowFake, served: str
) -> None:
    airflow.state.version = served  # type: ignore[assignment]
    airflow_client = client(session, **airflow.settings())
    await airflow_client.trigger_dag(DAG_ID, dag_run_id="clarus__r1", conf=CONF)

    again = await airflow_client.trigger_dag(DAG_ID, dag_run_id="clarus__r1", conf=CONF)

    assert not again.created and len(airflow.state.runs) == 1


async def test_a_token_is_reused_and_renewed_once_it_expires(
    session: ClientSession, airflow: AirflowFake
) -> None:
    airflow_client = client(session, **airflow.settings(api_version="v2"))
    await airflow_client.trigger_dag(DAG_ID, dag_run_id="r1", conf={})
    await airflow_client.trigger_dag(DAG_ID, dag_run_id="r2", conf={})
    assert airflow.state.tokens_issued == 1

    airflow.state.expire_tokens()
    await airflow_client.trigger_dag(DAG_ID, dag_run_id="r3", conf={})

    assert airflow.state.tokens_issued == 2 and len(airflow.state.runs) == 3


@pytest.mark.parametrize("served", ["v1", "v2"])
async def test_wrong_credentials_name_the_settings(
    session: ClientSession, airflow: AirflowFake, served: str
) -> None:
    airflow.state.version = served  # type: ignore[assignment]
    airflow_client = client(session, **airflow.settings(password="wrong"))

    with pytest.raises(UpstreamError, match="AIRFLOW_PASSWORD") as caught:
        await airflow_client.trigger_dag(DAG_ID, dag_run_id="r1", conf={})

    assert caught.value.details["status"] == 401 and airflow.state.runs == []


async def test_an_unknown_dag_is_named(session: ClientSession, airflow: AirflowFake) -> None:
    with pytest.raises(UpstreamError, match="no DAG 'nope'"):
        await client(session, **airflow.settings()).trigger_dag("nope", dag_run_id="r", conf={})


async def test_a_server_that_is_not_airflow_is_named(
    session: ClientSession, airflow: AirflowFake
) -> None:
    airflow.state.version = "v3"  # type: ignore[assignment]
    with pytest.raises(UpstreamError, match="neither /api/v2/version"):
        await client(session, **airflow.settings()).trigger_dag(DAG_ID, dag_run_id="r", conf={})


async def test_unreachable_airflow_is_upstream_unavailable(session: ClientSession) -> None:
    airflow_client = client(session, url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(UpstreamUnavailable) as caught:
        await airflow_client.trigger_dag(DAG_ID, dag_run_id="r", conf={})
    assert caught.value.details["service"] == "airflow"
