"""After a restart, even a SIGKILL mid-deploy, the labels alone tell what to keep and undo."""

import asyncio
import contextlib
import json
import os
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from clarus_daemon.inference.owner import _identity
from tests.infra.daemon_process import start_daemon
from tests.infra.images import InferenceApi, InferenceLab, fetch
from tests.infra.ports import eventually, free_port

pytestmark = pytest.mark.integration

DEPLOY = "/api/inference/deploy"


def leave_candidate(
    lab: InferenceLab,
    inference_id: str,
    *,
    replaces: str | None,
    port: int | None = None,
    **labels: str,
) -> str:
    """A container as an interrupted deploy leaves it: temporary name, candidate labels."""
    name = f"{inference_id}.next-0ff1ce"
    wanted = {
        "clarus.managed": "true",
        "clarus.instance": lab.instance_id,
        "clarus.inference_id": inference_id,
        "clarus.candidate_name": name,
        "clarus.image": lab.images.good_v2,
        "clarus.host_port": str(port or ""),
        "clarus.container_port": "8080",
        **({"clarus.replaces": replaces, "clarus.replaces_running": "true"} if replaces else {}),
        **labels,
    }
    label_args = [arg for key, value in wanted.items() for arg in ("--label", f"{key}={value}")]
    publish = ["-p", f"127.0.0.1:{port}:8080"] if port else []
    return lab.engine.cli("run", "-d", "--name", name, *label_args, *publish, "clarus-test/good:2")


def state(lab: InferenceLab, name: str) -> str | None:
    found = lab.engine.cli("ps", "-a", "--filter", f"name=^{name}$", "--format", "{{.State}}")
    return found or None


async def deployed(api: InferenceApi, lab: InferenceLab, inference_id: str, port: int) -> str:
    client = await api()
    response = await client.post(DEPLOY, json=lab.body(inference_id, port))
    answer = await response.json()
    assert response.status == 201, answer
    await client.close()
    return str(answer["container_id"])


async def test_a_new_instance_lists_and_removes_what_an_old_one_deployed(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    inference_id = inference_lab.new_id()
    await deployed(inference_api, inference_lab, inference_id, free_port())

    client = await inference_api()
    listing = await (await client.get("/api/inference/all")).json()
    removed = await client.delete(DEPLOY, params={"inference_id": inference_id})

    assert inference_id in {entry["inference_id"] for entry in listing}
    assert removed.status == 201
    assert inference_lab.containers_of(inference_id) == []


async def test_unfinished_replacement_is_undone_at_start(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    inference_id, port = inference_lab.new_id(), free_port()
    old = await deployed(inference_api, inference_lab, inference_id, port)
    inference_lab.engine.cli("stop", inference_id)
    candidate = leave_candidate(inference_lab, inference_id, replaces=old)

    await inference_api()

    await eventually(lambda: state(inference_lab, f"{inference_id}.next-0ff1ce") is None)
    await eventually(lambda: state(inference_lab, inference_id) == "running")
    assert inference_lab.containers_of(inference_id) == [old]
    assert candidate not in inference_lab.containers_of(inference_id)
    assert fetch(port) == "v1\n"


async def test_replacement_past_its_switch_is_completed_at_start(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    inference_id, port = inference_lab.new_id(), free_port()
    candidate = leave_candidate(inference_lab, inference_id, replaces="f" * 64, port=port)

    client = await inference_api()

    await eventually(lambda: state(inference_lab, inference_id) == "running")
    assert inference_lab.containers_of(inference_id) == [candidate]
    listing = await (await client.get("/api/inference/all")).json()
    (entry,) = [e for e in listing if e["inference_id"] == inference_id]
    assert entry["pending"] is False and entry["container_name"] == inference_id
    assert fetch(port) == "v2\n"


async def test_unfinished_first_deploy_is_removed_at_start(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    inference_id = inference_lab.new_id()
    leave_candidate(inference_lab, inference_id, replaces=None)

    await inference_api()

    await eventually(lambda: inference_lab.containers_of(inference_id) == [])


async def test_a_live_process_deploy_is_left_alone(
    inference_api: InferenceApi, inference_lab: InferenceLab
) -> None:
    inference_id = inference_lab.new_id()
    # the process that started pytest stands in for another daemon still deploying
    owner = _identity(os.getppid())
    leave_candidate(inference_lab, inference_id, replaces=None, **{"clarus.owner": owner})

    client = await inference_api()
    listing = await (await client.get("/api/inference/all")).json()
    await asyncio.sleep(1)

    assert state(inference_lab, f"{inference_id}.next-0ff1ce") == "running"
    assert [e["pending"] for e in listing if e["inference_id"] == inference_id] == [True]


def _toml(settings: dict[str, Any], port: int) -> str:
    """The test's settings as the daemon's TOML file (tables of scalars, lists, dicts)."""
    lines = ["[server]", f'listen = ["127.0.0.1:{port}"]']
    for section, values in settings.items():
        lines.append(f"[{section}]")
        for key, value in values.items():
            lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def _post_in_background(url: str, body: dict[str, Any]) -> threading.Thread:
    def post() -> None:
        request = urllib.request.Request(
            url, json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        # the daemon dies mid-request: that is the point
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=120)

    thread = threading.Thread(target=post, daemon=True)
    thread.start()
    return thread


async def test_sigkill_mid_replacement_is_rolled_back_by_the_next_instance(
    inference_api: InferenceApi, inference_lab: InferenceLab, tmp_path: Path
) -> None:
    inference_id, port, api_port = inference_lab.new_id(), free_port(), free_port()
    settings = inference_lab.settings(readiness_timeout_s=120)
    daemon = start_daemon(
        tmp_path,
        _toml_with_registries(settings, api_port),
        ping_url=f"http://127.0.0.1:{api_port}/api/ping",
        env={"CLARUS__HISTORY__PATH": settings["history"]["path"]},  # same state directory
    )
    url = f"http://127.0.0.1:{api_port}{DEPLOY}"
    try:
        _post_in_background(url, inference_lab.body(inference_id, port)).join(60)
        assert fetch(port) == "v1\n", daemon.log()
        silent = inference_lab.body(inference_id, port, docker_img_uri=inference_lab.images.silent)
        _post_in_background(url, silent)
        await eventually(lambda: state(inference_lab, inference_id) == "exited", 30)
        await eventually(lambda: len(inference_lab.containers_of(inference_id)) == 2)
    finally:
        daemon.kill()

    await inference_api()

    await eventually(lambda: len(inference_lab.containers_of(inference_id)) == 1)
    await eventually(lambda: state(inference_lab, inference_id) == "running")
    assert fetch(port) == "v1\n"


def _toml_with_registries(settings: dict[str, Any], port: int) -> str:
    docker = dict(settings["docker"])
    registries = docker.pop("registries")
    text = _toml({**settings, "docker": docker}, port)
    for host, creds in registries.items():
        text += f'[docker.registries."{host}"]\n'
        text += "".join(f"{key} = {json.dumps(value)}\n" for key, value in creds.items())
    return text
