"""A host port someone else holds is a 409 that names the holder; nothing is started."""

import os
import socket

import pytest

from tests.infra.images import InferenceApi, InferenceLab
from tests.infra.ports import free_port

pytestmark = pytest.mark.integration

DEPLOY = "/api/inference/deploy"


async def test_port_held_by_a_process(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    inference_id = inference_lab.new_id()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        response = await client.post(DEPLOY, json=inference_lab.body(inference_id, port))

    answer = await response.json()
    assert response.status == 409, answer
    assert answer["error"] == "port_in_use"
    assert f"process {os.getpid()}" in answer["message"]
    assert inference_lab.containers_of(inference_id) == []


async def test_port_held_by_an_unmanaged_container(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    holder, inference_id, port = inference_lab.new_id("other"), inference_lab.new_id(), free_port()
    inference_lab.engine.cli(
        "run", "-d", "--name", holder, "-p", f"127.0.0.1:{port}:8080", "clarus-test/good:1"
    )

    response = await client.post(DEPLOY, json=inference_lab.body(inference_id, port))

    answer = await response.json()
    assert response.status == 409, answer
    assert holder in answer["message"] and answer["details"]["holder"] == holder
    assert inference_lab.containers_of(inference_id) == []
    assert inference_lab.inspect(holder)["State"]["Running"] is True


async def test_port_held_by_another_service(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api()
    first, second, port = inference_lab.new_id(), inference_lab.new_id(), free_port()
    assert (await client.post(DEPLOY, json=inference_lab.body(first, port))).status == 201

    response = await client.post(DEPLOY, json=inference_lab.body(second, port))

    answer = await response.json()
    assert response.status == 409, answer
    assert f"inference service {first}" in answer["message"]


async def test_host_port_outside_the_allowed_range_is_403(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    client = await inference_api(host_port_range=(20000, 20010))
    inference_id = inference_lab.new_id()

    response = await client.post(DEPLOY, json=inference_lab.body(inference_id, 30000))

    assert response.status == 403
    assert (await response.json())["error"] == "port_not_allowed"
