"""The Clarus IDS agent (data-space connector front) as the daemon uses it."""

from collections.abc import Mapping
from typing import Any

from aiohttp import ClientSession

from clarus_daemon.errors import UpstreamError
from clarus_daemon.integrations.http import query, request_json

SERVICE = "ids"


class IdsAgent:
    def __init__(self, session: ClientSession, base_url: str) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")

    async def update_dataset_asset(self, exp_id: str, bucket: str, path: str) -> Any:
        """Tell the data space where the experiment's current dataset lives."""
        body = {"exp_id": exp_id, "minio_bucket": bucket, "minio_path": path}
        return await request_json(
            self._session, SERVICE, "PUT", f"{self._base_url}/api/provider/asset", json=body
        )

    async def consumer_asset(
        self, exp_id: str, provider_ip: str, provider_port: int | None = None
    ) -> Mapping[str, Any]:
        """An asset another connector offers, e.g. an inference image's metadata."""
        params = query(
            {"exp_id": exp_id, "provider_ip": provider_ip, "provider_port": provider_port}
        )
        asset = await request_json(
            self._session,
            SERVICE,
            "GET",
            f"{self._base_url}/api/v2/consumer/asset",
            params=params,
            not_found=f"The data space offers no asset for experiment {exp_id!r}",
        )
        if not isinstance(asset, Mapping):
            raise UpstreamError(SERVICE, f"asset of {exp_id!r} is not a JSON object")
        return asset
