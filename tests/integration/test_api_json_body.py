"""JSON bodies sent under curl's default form type or text/plain are read as JSON."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from clarus_daemon.app import create_app
from tests.infra.app_settings import make_settings
from tests.infra.ports import free_port

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
BODY = {
    "inference_id": "inference01",
    "docker_img_uri": "elsewhere.example:5001/redwine:prod",
    "inference_rest_api_port": "8080",
    "inference_rest_api_forward_port": "7072",
}


@pytest.fixture
async def client(aiohttp_client: ClientFactory) -> TestClient[Any, Any]:
    settings = make_settings(
        docker={"url": f"unix:///nonexistent/{free_port()}.sock"},
        inference={"allowed_images": ["registry.plant:5001/*"]},
    )
    return await aiohttp_client(create_app(settings))


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain; charset=utf-8", None]
)
async def test_json_body_under_another_type_is_read_as_json(
    client: TestClient[Any, Any], content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = await client.post(
        "/api/inference/deploy", data=json.dumps(BODY).encode(), headers=headers
    )
    body = await response.json()
    # the fields were read: the answer is about the image, not a missing field
    assert response.status == 403, body
    assert "elsewhere.example:5001/redwine:prod" in body["message"]


async def test_a_real_form_gets_a_clear_json_error(client: TestClient[Any, Any]) -> None:
    response = await client.post("/api/inference/deploy", data={"inference_id": "x"})
    body = await response.json()
    assert response.status == 400
    assert "not valid JSON" in body["message"]
