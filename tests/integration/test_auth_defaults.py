"""Out of the box: a generated token beyond loopback, trusted networks as an opt-in, and
browser attacks refused; the shipped files never open the API."""

import re
import stat
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from clarus_daemon.app import create_app
from clarus_daemon.config.auth import token_digest
from tests.infra.app_settings import make_settings
from tests.infra.daemon_process import http_get, start_daemon
from tests.infra.ports import free_port

ROOT = Path(__file__).parents[2]
SHIPPED = ["docker-compose.yml", "systemd/clarus-daemon.service", "config/clarus-daemon.toml"]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


def _get(url: str, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as r:
            return int(r.status)
    except urllib.error.HTTPError as err:
        return err.code


def test_shipped_files_never_open_the_api() -> None:
    for name in SHIPPED:
        text = (ROOT / name).read_text()
        assert "--insecure-no-auth" not in text, name
        assert not re.search(r"^\s*allow_insecure_no_auth\s*=\s*true", text, re.M), name
        assert not re.search(r'^\s*allowed_images\s*=\s*\[\s*"\*"', text, re.M), name


def test_first_start_with_shipped_defaults_generates_a_token(tmp_path: Path) -> None:
    port = free_port()
    config = (ROOT / "config/clarus-daemon.toml").read_text()
    state = tmp_path / "state"
    env = {"CLARUS__HISTORY__PATH": str(state / "history.sqlite3")}
    args = ["--port", str(port)]
    ping = f"http://127.0.0.1:{port}/api/ping"
    daemon = start_daemon(tmp_path, config, ping_url=ping, env=env, args=args)
    try:
        token_file = state / "api-token"
        token = token_file.read_text().strip()
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        digest = (state / "api-token.sha256").read_text().strip()
        assert digest == token_digest(token)
        assert token not in (state / "api-token.sha256").read_text()
        assert daemon.log().count(str(token_file)) == 1
        assert token not in daemon.log()
        health = f"http://127.0.0.1:{port}/api/health"
        assert _get(health) == 401
        assert _get(health, token) == 200
    finally:
        daemon.terminate()
    again = start_daemon(tmp_path, config, ping_url=ping, env=env, args=args)
    try:
        assert (state / "api-token").read_text().strip() == token
        assert "generated one" not in again.log().split("stopped")[-1]
        assert _get(f"http://127.0.0.1:{port}/api/health", token) == 200
    finally:
        again.terminate()


def test_trusted_networks_are_an_opt_in_named_at_start_and_in_health(tmp_path: Path) -> None:
    port = free_port()
    config = (
        f'[server]\nlisten = ["0.0.0.0:{port}"]\ncompat_drift_listen = ""\n'
        '[auth]\ntrusted_networks = [{ cidr = "127.0.0.0/8", scope = "read" }]\n'
    )
    daemon = start_daemon(tmp_path, config, ping_url=f"http://127.0.0.1:{port}/api/ping")
    try:
        status, body = http_get(f"http://127.0.0.1:{port}/api/health")
        assert status == 200
        assert b'"trusted_networks": [{"cidr": "127.0.0.0/8", "scope": "read"}]' in body
        assert "127.0.0.0/8" in daemon.log() and "trusted_networks" in daemon.log()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/inference/deploy", data=b"{}", method="POST"
        )
        try:
            urllib.request.urlopen(request, timeout=5)
        except urllib.error.HTTPError as err:
            assert err.code == 403
        else:
            raise AssertionError("a read-scope network deployed")
    finally:
        daemon.terminate()


async def test_write_network_passes_without_token_and_others_need_one(
    aiohttp_client: ClientFactory,
) -> None:
    auth = {
        "tokens": [{"name": "ops", "sha256": token_digest("t" * 24)}],
        "trusted_networks": ["127.0.0.0/8"],
    }
    trusted = await aiohttp_client(create_app(make_settings(auth=auth)))
    other = await aiohttp_client(
        create_app(make_settings(auth={**auth, "trusted_networks": ["10.0.0.0/8"]}))
    )

    assert (await trusted.get("/api/events")).status == 200
    assert (await other.get("/api/events")).status == 401
    wrong = await trusted.get("/api/events", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401


async def test_a_rebound_host_name_is_refused(aiohttp_client: ClientFactory) -> None:
    client = await aiohttp_client(create_app(make_settings(server={"allowed_hosts": ["edge-01"]})))

    rebound = await client.get("/api/events", headers={"Host": "attacker.example"})
    named = await client.get("/api/events", headers={"Host": "edge-01:8081"})
    local = await client.get("/api/events", headers={"Host": "localhost:8081"})
    address = await client.get("/api/events", headers={"Host": "[::1]:8081"})

    assert rebound.status == 403
    assert (await rebound.json())["error"] == "host_not_allowed"
    assert [named.status, local.status, address.status] == [200, 200, 200]


async def test_cross_site_state_changes_are_refused(aiohttp_client: ClientFactory) -> None:
    client = await aiohttp_client(create_app(make_settings()))
    evil = {"Origin": "http://attacker.example"}

    deploy = await client.post("/api/inference/deploy", json={}, headers=evil)
    image_tag = await client.get("/api/detect_data_drift", headers={"Sec-Fetch-Site": "cross-site"})
    linked = await client.get(
        "/api/detect_data_drift", headers={"Referer": "http://attacker.example/page"}
    )
    run = await client.post("/api/drift/monitors/default/run", headers=evil)
    reading = await client.get("/api/events", headers=evil)
    old_client = await client.get("/api/detect_data_drift")
    same_site = await client.post(
        "/api/drift/monitors/nope/run", headers={"Origin": str(client.make_url("")).rstrip("/")}
    )

    for refused in (deploy, image_tag, linked, run):
        assert refused.status == 403
        assert (await refused.json())["error"] == "cross_origin_refused"
    assert reading.status == 200
    assert (await old_client.json()).get("error") != "cross_origin_refused"
    assert (await same_site.json()).get("error") != "cross_origin_refused"
