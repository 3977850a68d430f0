"""Reading image and port out of a data-space asset; the per-experiment cache."""

import json
from collections.abc import Mapping
from typing import Any

import pytest

from clarus_daemon.config.endpoints import IdsSettings
from clarus_daemon.errors import UpstreamError, UpstreamUnavailable
from clarus_daemon.inference.data_space import DataSpaceImages, find_key

SETTINGS = IdsSettings.model_validate({"url": "http://ids:8082", "provider_ip": "10.0.0.9"})


class FakeAgent:
    def __init__(self, asset: Mapping[str, Any]) -> None:
        self.asset = asset
        self.calls: list[tuple[str, str, int | None]] = []

    async def consumer_asset(
        self, exp_id: str, provider_ip: str, provider_port: int | None = None
    ) -> Mapping[str, Any]:
        self.calls.append((exp_id, provider_ip, provider_port))
        return self.asset


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def images(agent: FakeAgent, ttl_s: float, clock: Clock) -> DataSpaceImages:
    return DataSpaceImages(agent, SETTINGS, ttl_s, clock)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "asset",
    [
        {"docker_img_uri": "r/i:1"},
        {"metadata": {"docker_img_uri": "r/i:1"}, "docker_img": "other"},
        {"content": json.dumps({"docker_img_uri": "r/i:1"})},
        {"title": "x", "resource": {"docker_img_uri": "r/i:1"}},
    ],
)
def test_key_at_the_top_or_one_level_down(asset: dict[str, Any]) -> None:
    assert find_key(asset, "docker_img_uri", "UC") == "r/i:1"


def test_missing_key_is_named() -> None:
    with pytest.raises(UpstreamError, match="'inference_rest_api_port'") as caught:
        find_key(
            {"metadata": {"a": {"inference_rest_api_port": 1}}}, "inference_rest_api_port", "UC"
        )
    assert caught.value.details["missing"] == "inference_rest_api_port"


async def test_cache_reuses_an_answer_until_it_expires() -> None:
    agent, clock = (
        FakeAgent({"docker_img_uri": "r/i:1", "inference_rest_api_port": "8080"}),
        Clock(),
    )
    cached = images(agent, 30, clock)

    first = await cached.lookup("UC")
    clock.now += 29
    await cached.lookup("UC")
    clock.now += 2
    await cached.lookup("UC")

    assert (first.image.raw, first.port, first.provider) == ("r/i:1", 8080, "10.0.0.9")
    assert len(agent.calls) == 2


async def test_no_cache_asks_every_time() -> None:
    agent = FakeAgent({"docker_img_uri": "r/i:1", "inference_rest_api_port": 8080})
    uncached = images(agent, 0, Clock())

    await uncached.lookup("UC")
    await uncached.lookup("UC")

    assert len(agent.calls) == 2


async def test_not_configured_is_503() -> None:
    unconfigured = DataSpaceImages(None, IdsSettings(), 0)

    with pytest.raises(UpstreamUnavailable, match=r"ids\.url"):
        await unconfigured.lookup("UC")
