"""Bearer tokens on the real app and on the real process; TLS; no open API by accident."""

import ssl
import subprocess
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from clarus_daemon.app import create_app
from clarus_daemon.config.auth import token_digest
from tests.infra.app_settings import make_settings
from tests.infra.daemon_process import http_get, start_daemon
from tests.infra.ports import free_port, wait_until

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
WRITER, READER = "writer-token-0123456789", "reader-token-0123456789"


@pytest.fixture
async def client(aiohttp_client: ClientFactory) -> TestClient[Any, Any]:
    auth = {
        "tokens": [
            {"name": "ops", "sha256": token_digest(WRITER)},
            {"name": "dashboard", "token": READER, "scope": "read"},
        ]
    }
    return await aiohttp_client(create_app(make_settings(auth=auth)))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("path", ["/api/ping", "/api/docs/openapi.json", "/swagger"])
async def test_public_paths_need_no_token(client: TestClient[Any, Any], path: str) -> None:
    assert (await client.get(path)).status == 200


async def test_missing_token_is_401_json(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/health")
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert (await response.json())["error"] == "unauthorized"


async def test_wrong_token_is_401(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/health", headers=bearer("guess"))
    assert response.status == 401


async def test_valid_tokens_pass(client: TestClient[Any, Any]) -> None:
    for token in (WRITER, READER):
        assert (await client.get("/api/health", headers=bearer(token))).status == 200


async def test_read_token_cannot_change_anything(client: TestClient[Any, Any]) -> None:
    response = await client.post("/api/inference/deploy", headers=bearer(READER), json={})
    assert response.status == 403
    assert (await response.json())["error"] == "forbidden"
    drift_check = await client.get("/api/detect_data_drift", headers=bearer(READER))
    assert drift_check.status == 403


def test_open_listener_without_a_token_it_can_keep_refuses_to_start(tmp_path: Path) -> None:
    port = free_port()
    config = f'[server]\nlisten = ["0.0.0.0:{port}"]\ncompat_drift_listen = ""\n'
    (tmp_path / "not-a-dir").write_text("")
    env = {"CLARUS__HISTORY__PATH": str(tmp_path / "not-a-dir" / "history.sqlite3")}
    daemon = start_daemon(tmp_path, config, ping_url=None, env=env)
    assert daemon.process.wait(15) == 1
    assert "no API token is configured and none can be kept" in daemon.log()


def test_insecure_flag_starts_and_health_warns(tmp_path: Path) -> None:
    port = free_port()
    config = f'[server]\nlisten = ["0.0.0.0:{port}"]\ncompat_drift_listen = ""\n'
    daemon = start_daemon(
        tmp_path, config, ping_url=f"http://127.0.0.1:{port}/api/ping", args=["--insecure-no-auth"]
    )
    try:
        status, body = http_get(f"http://127.0.0.1:{port}/api/health")
        assert status == 200
        assert b"without authentication" in body
    finally:
        daemon.terminate()


def test_token_file_and_tls(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp_path / "tokens").write_text(f"# operators\nops:{token_digest(WRITER)}\n")
    (tmp_path / "tokens").chmod(0o600)
    port = free_port()
    config = (
        f'[server]\nlisten = ["0.0.0.0:{port}"]\ncompat_drift_listen = ""\n'
        f'[auth]\ntoken_file = "{tmp_path / "tokens"}"\n'
        f'tls_cert = "{cert}"\ntls_key = "{key}"\n'
    )
    daemon = start_daemon(tmp_path, config, ping_url=None)
    context = ssl.create_default_context(cafile=str(cert))
    try:
        url = f"https://127.0.0.1:{port}/api/health"
        _wait_https(url, context)
        request = urllib.request.Request(url, headers=bearer(WRITER))
        with urllib.request.urlopen(request, context=context, timeout=5) as response:
            assert response.status == 200
    finally:
        daemon.terminate()


def _wait_https(url: str, context: ssl.SSLContext) -> None:
    def answers() -> bool:
        try:
            urllib.request.urlopen(
                url.replace("/api/health", "/api/ping"), context=context, timeout=1
            )
        except OSError:
            return False
        return True

    wait_until(answers, 20, "daemon over TLS")


def test_a_token_file_others_can_read_stops_the_start(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text(f"ops:{token_digest(WRITER)}\n")
    tokens.chmod(0o644)
    config = (
        f'[server]\nlisten = ["127.0.0.1:{free_port()}"]\ncompat_drift_listen = ""\n'
        f'[auth]\ntoken_file = "{tokens}"\n'
    )
    daemon = start_daemon(tmp_path, config, ping_url=None)

    assert daemon.process.wait(20) != 0
    assert f"chmod 600 {tokens}" in daemon.log()
