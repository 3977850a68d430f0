"""Which image and port the data space names for an experiment (v3 deploys).

The IDS agent's answer for an inference asset is not published; the keys are the
registry body's (`docker_img_uri`, `inference_rest_api_port`), at the top level or
one level down (`metadata`, `content`, or a JSON string there).
"""

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from clarus_daemon.config.endpoints import IdsSettings
from clarus_daemon.digits import ascii_number
from clarus_daemon.errors import UpstreamError, UpstreamUnavailable
from clarus_daemon.inference.image_ref import ImageRef, InvalidImageReference
from clarus_daemon.inference.spec import DeployRequest, ResourceLimits
from clarus_daemon.integrations.ids import SERVICE, IdsAgent

IMAGE_KEY = "docker_img_uri"
PORT_KEY = "inference_rest_api_port"
PREFERRED_NESTS = ("metadata", "content")


@dataclass(frozen=True)
class DataSpaceImage:
    image: ImageRef
    port: int
    provider: str


def _nested(asset: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield asset
    rest = [k for k in asset if k not in PREFERRED_NESTS]
    for key in (*PREFERRED_NESTS, *rest):
        value = asset.get(key)
        if isinstance(value, str) and value.lstrip().startswith("{"):
            try:
                value = json.loads(value)
            except ValueError:
                continue
        if isinstance(value, Mapping):
            yield value


def find_key(asset: Mapping[str, Any], key: str, exp_id: str) -> Any:
    for level in _nested(asset):
        if level.get(key) not in (None, ""):
            return level[key]
    raise UpstreamError(
        SERVICE,
        f"The data space asset of {exp_id!r} names no {key!r} "
        "(looked at the top level and one level down)",
        details={"missing": key, "keys": sorted(asset)},
    )


def _port(value: Any, exp_id: str) -> int:
    port = ascii_number(str(value).strip())
    if port is not None and 1 <= port <= 65535:
        return port
    raise UpstreamError(
        SERVICE, f"The data space asset of {exp_id!r} has an invalid {PORT_KEY!r}: {value!r}"
    )


class DataSpaceImages:
    def __init__(
        self,
        agent: IdsAgent | None,
        settings: IdsSettings,
        cache_ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._agent = agent
        self._settings = settings
        self._ttl_s = cache_ttl_s
        self._clock = clock
        self._cache: dict[str, tuple[float, DataSpaceImage]] = {}

    async def lookup(self, exp_id: str) -> DataSpaceImage:
        cached = self._cache.get(exp_id)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        found = await self._ask(exp_id)
        if self._ttl_s > 0:
            self._cache[exp_id] = (self._clock() + self._ttl_s, found)
        return found

    async def _ask(self, exp_id: str) -> DataSpaceImage:
        provider_ip, provider_port = self._settings.provider_ip, self._settings.provider_port
        if self._agent is None or provider_ip is None:
            raise UpstreamUnavailable(
                SERVICE,
                "Data-space deployment is not configured: set ids.url (the local IDS agent) "
                "and ids.provider_ip (the connector offering the images)",
            )
        asset = await self._agent.consumer_asset(exp_id, provider_ip, provider_port)
        image = str(find_key(asset, IMAGE_KEY, exp_id)).strip()
        port = _port(find_key(asset, PORT_KEY, exp_id), exp_id)
        provider = provider_ip if provider_port is None else f"{provider_ip}:{provider_port}"
        try:
            ref = ImageRef.parse(image)
        except InvalidImageReference as err:
            raise UpstreamError(
                SERVICE, f"The data space names an invalid image for {exp_id!r}: {err}"
            ) from err
        return DataSpaceImage(ref, port, provider)

    async def request_for(
        self,
        exp_id: str,
        inference_id: str,
        host_port: int,
        env: Mapping[str, str],
        limits: ResourceLimits | None = None,
    ) -> DeployRequest:
        found = await self.lookup(exp_id)
        return DeployRequest(
            inference_id=inference_id,
            image=found.image,
            container_port=found.port,
            host_port=host_port,
            env=dict(env),
            body="data_space",
            exp_id=exp_id,
            provider=found.provider,
            limits=limits or ResourceLimits(),
        )
