"""Contract fake of the Clarus IDS agent, from ../shared/reference/clarus_ids_agent.md.

Enforces the documented paths, query parameters and bodies of the two calls the
daemon makes, records every call, and serves consumer assets the test sets up.
"""

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

PROVIDER_ASSET_KEYS = ("exp_id", "minio_bucket", "minio_path")


@dataclass
class IdsAgentState:
    consumer_assets: dict[str, Any] = field(default_factory=dict)
    dataset_updates: list[dict[str, Any]] = field(default_factory=list)
    consumer_requests: list[dict[str, str]] = field(default_factory=list)
    fail_with_status: int | None = None


def _bad(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


def build_app(state: IdsAgentState) -> web.Application:
    async def ping(_request: web.Request) -> web.Response:
        return web.json_response("OK")

    async def update_asset(request: web.Request) -> web.Response:
        if state.fail_with_status:
            return web.json_response({"error": "injected"}, status=state.fail_with_status)
        try:
            body = await request.json()
        except ValueError:
            return _bad("body is not JSON")
        missing = [k for k in PROVIDER_ASSET_KEYS if not isinstance(body.get(k), str)]
        if missing:
            return _bad(f"missing or not a string: {', '.join(missing)}")
        state.dataset_updates.append(body)
        return web.json_response({"message": "asset updated"})

    async def consumer_asset(request: web.Request) -> web.Response:
        params = dict(request.query)
        if "exp_id" not in params or "provider_ip" not in params:
            return _bad("exp_id and provider_ip are required")
        state.consumer_requests.append(params)
        if state.fail_with_status:
            return web.json_response({"error": "injected"}, status=state.fail_with_status)
        asset = state.consumer_assets.get(params["exp_id"])
        if asset is None:
            return web.json_response({"error": "asset not found"}, status=404)
        return web.json_response(asset)

    app = web.Application()
    app.router.add_get("/api/ping", ping)
    app.router.add_put("/api/provider/asset", update_asset)
    app.router.add_get("/api/v2/consumer/asset", consumer_asset)
    return app
