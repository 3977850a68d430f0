"""POST /api/v3/inference/deploy: image and port from the data space (IDS agent fake)."""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.infra.ids_agent import IdsAgentFake
from tests.infra.images import InferenceApi, InferenceLab, fetch
from tests.infra.ports import free_port

pytestmark = pytest.mark.integration

V3 = "/api/v3/inference/deploy"
PROVIDER = {"provider_ip": "10.8.0.7", "provider_port": 8086}


async def v3_client(api: InferenceApi, ids_url: str | None, **ids: Any) -> TestClient[Any, Any]:
    section = {"url": ids_url, **PROVIDER, **ids} if ids_url else {}
    return await api(sections={"ids": section})


def v3_body(exp_id: str, inference_id: str, port: int, **extra: Any) -> dict[str, Any]:
    return {
        "exp_id": exp_id,
        "inference_id": inference_id,
        "inference_rest_api_forward_port": str(port),
        **extra,
    }


async def test_deploys_the_image_the_data_space_names(
    inference_api: InferenceApi, inference_lab: InferenceLab, ids_agent: IdsAgentFake
) -> None:
    ids_agent.state.consumer_assets["UC_Wine"] = {
        "title": "wine inference engine",
        "metadata": {
            "docker_img_uri": inference_lab.images.good_v2,
            "inference_rest_api_port": "8080",
        },
    }
    client = await v3_client(inference_api, ids_agent.url)
    inference_id, port = inference_lab.new_id(), free_port()

    response = await client.post(V3, json=v3_body("UC_Wine", inference_id, port, env={"K": "v"}))

    answer = await response.json()
    assert response.status == 201, answer
    assert (answer["source"], answer["exp_id"], answer["provider"]) == (
        "data_space",
        "UC_Wine",
        "10.8.0.7:8086",
    )
    assert fetch(port) == "v2\n"
    labels = inference_lab.inspect(inference_id)["Config"]["Labels"]
    assert labels["clarus.source"] == "data_space"
    assert labels["clarus.data_space.provider"] == "10.8.0.7:8086"
    assert ids_agent.state.consumer_requests == [
        {"exp_id": "UC_Wine", "provider_ip": "10.8.0.7", "provider_port": "8086"}
    ]

    again = await client.post(V3, json=v3_body("UC_Wine", inference_id, port, env={"K": "v"}))
    assert again.status == 200 and (await again.json())["outcome"] == "unchanged"


async def test_top_level_keys_and_integer_port(
    inference_api: InferenceApi, inference_lab: InferenceLab, ids_agent: IdsAgentFake
) -> None:
    ids_agent.state.consumer_assets["UC_Top"] = {
        "docker_img_uri": inference_lab.images.good_v1,
        "inference_rest_api_port": 8080,
    }
    client = await v3_client(inference_api, ids_agent.url)
    inference_id, port = inference_lab.new_id(), free_port()

    response = await client.post(V3, json=v3_body("UC_Top", inference_id, port))

    assert response.status == 201, await response.json()
    assert fetch(port) == "v1\n"


@pytest.mark.parametrize(
    ("asset", "status", "error", "says"),
    [
        (None, 404, "not_found", "UC_X"),
        (
            {"metadata": {"inference_rest_api_port": "8080"}},
            502,
            "upstream_error",
            "docker_img_uri",
        ),
        (
            {"content": {"docker_img_uri": "x/y:1"}},
            502,
            "upstream_error",
            "inference_rest_api_port",
        ),
        (
            {"docker_img_uri": "x/y:1", "inference_rest_api_port": "http"},
            502,
            "upstream_error",
            "http",
        ),
    ],
)
async def test_asset_errors_deploy_nothing(
    inference_api: InferenceApi,
    inference_lab: InferenceLab,
    ids_agent: IdsAgentFake,
    *,
    asset: Any,
    status: int,
    error: str,
    says: str,
) -> None:
    if asset is not None:
        ids_agent.state.consumer_assets["UC_X"] = asset
    client = await v3_client(inference_api, ids_agent.url)
    inference_id = inference_lab.new_id()

    response = await client.post(V3, json=v3_body("UC_X", inference_id, free_port()))

    answer = await response.json()
    assert (response.status, answer["error"]) == (status, error), answer
    assert says in answer["message"]
    assert inference_lab.containers_of(inference_id) == []


async def test_ids_unreachable_or_not_configured_is_503(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    inference_id = inference_lab.new_id()
    unreachable = await v3_client(inference_api, f"http://127.0.0.1:{free_port()}")
    unconfigured = await v3_client(inference_api, None)

    down = await unreachable.post(V3, json=v3_body("UC_X", inference_id, free_port()))
    missing = await unconfigured.post(V3, json=v3_body("UC_X", inference_id, free_port()))

    assert down.status == 503 and (await down.json())["details"]["service"] == "ids"
    assert missing.status == 503 and "ids.url" in (await missing.json())["message"]
    assert inference_lab.containers_of(inference_id) == []


async def test_v3_body_is_validated(
    inference_api: InferenceApi, inference_lab: InferenceLab, ids_agent: IdsAgentFake
) -> None:
    client = await v3_client(inference_api, ids_agent.url)

    response = await client.post(V3, json={"exp_id": "UC_X", "inference_rest_api_forward_port": 1})

    answer = await response.json()
    assert response.status == 400 and "inference_id" in answer["message"]
    assert ids_agent.state.consumer_requests == []
