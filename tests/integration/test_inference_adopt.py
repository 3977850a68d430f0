"""Containers listed in inference.adopt are adopted at start-up, without a restart."""

import asyncio

from tests.infra.images import InferenceApi, InferenceLab
from tests.infra.ports import free_port


async def test_listed_container_is_adopted_at_start_and_removable(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    name, port = inference_lab.new_id("old"), free_port()
    inference_lab.engine.cli(
        "run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:8080", "clarus-test/good:1"
    )  # fmt: skip
    started_at = inference_lab.inspect(name)["State"]["StartedAt"]
    client = await inference_api(adopt=[name])

    listed: list[str] = []
    for _ in range(100):  # the start-up task adopts once the engine answers
        listing = await (await client.get("/api/inference/all")).json()
        listed = [entry["inference_id"] for entry in listing if entry["source"] == "adopted"]
        if name in listed:
            break
        await asyncio.sleep(0.1)

    assert name in listed
    assert inference_lab.inspect(name)["State"]["StartedAt"] == started_at
    health = await (await client.get("/api/health")).json()
    assert name not in {u["name"] for u in health["unmanaged_containers"]}
    removed = await client.delete("/api/inference/deploy", params={"inference_id": name})
    assert removed.status == 201 and (await removed.json())["removed"] == [name]
    assert inference_lab.engine.cli("ps", "-aq", "--filter", f"name=^{name}$") == ""
