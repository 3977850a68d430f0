"""Docker Engine killed in the middle of a replacement, then started again: nothing is lost.

The old service was stopped to free its port and its successor was waiting for
readiness when dockerd died. After the engine is back, a new daemon instance
removes the half-made successor and keeps the old service, listed and intact.
"""

import asyncio

import pytest

from tests.infra.docker_engine import DockerEngine
from tests.infra.images import InferenceApi, InferenceLab
from tests.infra.ports import eventually, free_port

pytestmark = pytest.mark.integration

DEPLOY = "/api/inference/deploy"


async def test_engine_killed_mid_replacement_keeps_the_old_service(
    inference_api: InferenceApi, inference_lab: InferenceLab, docker_engine: DockerEngine
) -> None:
    if docker_engine.root is None:
        pytest.skip("the engine is borrowed (CLARUS_TEST_DOCKER_HOST): it is not killed by tests")
    inference_id, port = inference_lab.new_id("fault"), free_port()
    client = await inference_api(readiness_timeout_s=30)
    first = await client.post(DEPLOY, json=inference_lab.body(inference_id, port))
    assert first.status == 201, await first.json()

    silent = inference_lab.body(inference_id, port, docker_img_uri=inference_lab.images.silent)
    replacing = asyncio.create_task(client.post(DEPLOY, json=silent))
    await eventually(lambda: len(inference_lab.containers_of(inference_id)) == 2)
    docker_engine.kill()
    try:
        response = await asyncio.wait_for(replacing, 60)
        assert response.status in {502, 503}, await response.json()
    finally:
        docker_engine.start()
    await client.close()

    recovered = await inference_api()
    await eventually(lambda: len(inference_lab.containers_of(inference_id)) == 1)
    listing = await (await recovered.get("/api/inference/all")).json()
    (service,) = [s for s in listing if s["inference_id"] == inference_id]
    assert service["image"] == inference_lab.images.good_v1
    assert service["state"] in {"running", "exited", "created"}
    # Whether it runs again at once is up to the engine: dockerd 20.10 restored after a
    # SIGKILL can keep the dead candidate's host port allocated (its network store
    # outlives the crash), and then refuses the old container's start; recovery keeps
    # retrying and logs why. What matters here: nothing was removed that worked.
    inspected = inference_lab.inspect(inference_id)
    assert inspected["Config"]["Labels"]["clarus.image"] == inference_lab.images.good_v1
