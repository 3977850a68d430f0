"""A pilot's migration, as the README tells it, with the kit's own files and nothing else."""

import json
import shutil
import subprocess
import tomllib
import urllib.request
from typing import Any

from clarus_daemon.config import load_settings
from tests.infra.drift_app import EXPERIMENT, REFERENCE, wine
from tests.infra.ids_agent import IdsAgentFake
from tests.infra.images import fetch
from tests.infra.migration_site import REPORTS, MigratedSite, push_as
from tests.infra.ports import free_host_port, wait_until
from tests.infra.s3 import S3Bucket

DEPLOY = "/api/inference/deploy"


def send(site: MigratedSite, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """A request as the kit's clients send it: no token, JSON typed by hand."""
    data = None if body is None else json.dumps(body, indent="\t").encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{site.agent_port}{path}", data=data, method=method
    )
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _answers(port: int) -> bool:
    try:
        fetch(port)
    except OSError:
        return False
    return True


def kit_body(site: MigratedSite, inference_id: str, port: int, image: str) -> dict[str, Any]:
    return {
        "inference_id": inference_id,
        "docker_img_uri": image,
        "inference_rest_api_port": "8080",
        "inference_rest_api_forward_port": str(port),
        "env": {"env1": "envValue1", "env2": "envValue2"},
    }


def test_migrate_reads_the_kit_files_as_they_are(migrated_site: MigratedSite) -> None:
    site = migrated_site
    registry = site.lab.images.registry

    dry = site.migrate()
    dry_run_wrote = (site.home / "docker-compose.yml").exists()
    written = site.migrate("--write", str(site.home))

    assert dry.returncode == 0, dry.stderr
    assert f"registry logins (config.json) = {registry.host}" in dry.stdout
    assert "ids.provider_ip = 127.0.0.1" in dry.stdout
    assert "trusted_networks" in dry.stdout and "What behaves differently now" in dry.stdout
    assert not dry_run_wrote
    assert written.returncode == 0, written.stderr
    assert tomllib.loads(site.written_config.read_text())["auth"]["trusted_networks"]
    # the daemon reads what migrate wrote, with the kit's .env beside it
    settings = load_settings(site.written_config, env_file=site.home / ".env")
    assert "127.0.0.0/8" in {str(n.cidr) for n in settings.auth.trusted_networks}
    low, high = settings.inference.host_port_range
    assert all(low <= port <= high for port in (7070, 7072, 8081))  # the collection's ports
    assert settings.inference.network != "clarus_inference_network"  # not the daemon's
    compose = (site.home / "docker-compose.yml").read_text()
    assert "./config.json:/root/.docker/config.json:ro" in compose
    assert '"8081:8081"' in compose and '"5000:8081"' in compose
    assert "insecure" not in compose
    checked = site.cli("check-config", "--config", str(site.written_config))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    if shutil.which("docker-compose"):
        checked = subprocess.run(
            ["docker-compose", "config", "-q"],
            cwd=site.home,
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stderr


def test_the_pilot_path_drift_deploys_list_and_delete(
    migrated_site: MigratedSite, s3_bucket: S3Bucket, ids_agent: IdsAgentFake
) -> None:
    site = migrated_site
    daemon = site.start()
    listening = [line for line in daemon.log().splitlines() if "listening on" in line]
    # every listener, the added :5000 too, on the host given
    assert len(listening) == 2 and all("http://127.0.0.1:" in line for line in listening)
    # the written trusted networks let the kit's tokenless clients in; anyone else needs
    # the token the first start generated
    assert (site.home / "state" / "api-token").is_file()
    status, health = site.get("/api/health")
    assert {"cidr": "127.0.0.0/8", "scope": "write"} in health["trusted_networks"]

    status, drift = site.get("/api/detect_data_drift", site.drift_port)
    assert status == 200, drift
    assert drift["message"] == "Drift detected and retraining triggered"
    assert s3_bucket.contents()[REFERENCE] == wine("white")
    assert any(key.startswith(f"{REPORTS}/") for key in s3_bucket.contents())
    assert ids_agent.state.dataset_updates[0]["exp_id"] == EXPERIMENT

    v1_id, v1_port = site.lab.new_id("kit"), free_host_port()
    status, deployed = send(site, "POST", DEPLOY, kit_body(site, v1_id, v1_port, site.image))
    assert status == 201, deployed
    assert fetch(v1_port) == "v1\n"
    v3_id, v3_port = site.lab.new_id("kit"), free_host_port()
    v3_body = {
        "exp_id": EXPERIMENT,
        "inference_id": v3_id,
        "inference_rest_api_forward_port": str(v3_port),
        "env": {"env1": "envValue1", "env2": "envValue2"},
    }
    status, deployed = send(site, "POST", "/api/v3/inference/deploy", v3_body)
    assert status == 201, deployed
    assert deployed["source"] == "data_space" and fetch(v3_port) == "v1\n"
    assert ids_agent.state.consumer_requests[-1]["provider_ip"] == "127.0.0.1"

    status, listing = send(site, "GET", "/api/inference/all")
    assert status == 200
    assert {v1_id, v3_id} <= {entry["inference_id"] for entry in listing}

    for inference_id in (v1_id, v3_id):
        status, removed = send(site, "DELETE", f"{DEPLOY}?inference_id={inference_id}")
        assert (status, removed["removed"]) == (201, [inference_id])
    assert site.lab.containers_of(v1_id) == site.lab.containers_of(v3_id) == []


def _run_as_the_old_agent(site: MigratedSite, name: str, port: int) -> dict[str, Any]:
    """A plain container named after the inference id, as the old node agent left it."""
    site.lab.engine.cli(
        "run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:8080", site.image
    )  # fmt: skip
    info: dict[str, Any] = site.lab.inspect(name)
    return info


def test_a_container_of_the_old_agent_is_adopted_and_replaced_with_rollback(
    migrated_site: MigratedSite,
) -> None:
    site = migrated_site
    lab = site.lab
    old_id, port = lab.new_id("old"), free_host_port()
    old = _run_as_the_old_agent(site, old_id, port)
    original, started_at = old["Id"], old["State"]["StartedAt"]

    dry = site.migrate()
    assert f"{old_id} (port {port})" in dry.stdout  # the containers it would adopt
    site.start()  # migrate --write lists it in inference.adopt: adopted at start-up

    status, listing = send(site, "GET", "/api/inference/all")
    (entry,) = [e for e in listing if e["inference_id"] == old_id]
    assert (entry["container_id"], entry["host_port"], entry["source"]) == (
        original,
        port,
        "adopted",
    )
    assert lab.inspect(old_id)["State"]["StartedAt"] == started_at  # never restarted

    broken = push_as(lab, "clarus-test/broken:1", "redwine:broken")
    status, failed = send(site, "POST", DEPLOY, kit_body(site, old_id, port, broken))
    assert status == 502, failed
    assert failed["details"]["rolled_back"] is True
    assert failed["details"]["previous_running"] is True
    assert lab.inspect(old_id)["Id"] == original
    wait_until(lambda: _answers(port), 15, "the adopted container, started again")
    assert fetch(port) == "v1\n"

    better = push_as(lab, "clarus-test/good:2", "redwine:v2")
    status, replaced = send(site, "POST", DEPLOY, kit_body(site, old_id, port, better))
    assert status == 201, replaced
    assert replaced["outcome"] == "replaced" and replaced["replaced"]["container_id"] == original
    assert fetch(port) == "v2\n"
    status, removed = send(site, "DELETE", f"{DEPLOY}?inference_id={old_id}")
    assert (status, removed["removed"]) == (201, [old_id])


def test_a_container_migrate_did_not_see_is_left_alone_until_adopted(
    migrated_site: MigratedSite,
) -> None:
    site = migrated_site
    site.start()
    late_id, port = site.lab.new_id("old"), free_host_port()
    original = _run_as_the_old_agent(site, late_id, port)["Id"]

    status, health = send(site, "GET", "/api/health")
    assert {"name": late_id, "host_ports": [port]} in health["unmanaged_containers"]
    status, listing = send(site, "GET", "/api/inference/all")
    assert late_id not in {entry["inference_id"] for entry in listing}
    assert send(site, "DELETE", f"{DEPLOY}?inference_id={late_id}")[0] == 404
    assert site.lab.inspect(late_id)["Id"] == original

    adopted = site.cli("adopt", late_id)  # README step 5
    assert adopted.returncode == 0, adopted.stderr
    status, listing = send(site, "GET", "/api/inference/all")
    assert [e["source"] for e in listing if e["inference_id"] == late_id] == ["adopted"]
    status, removed = send(site, "DELETE", f"{DEPLOY}?inference_id={late_id}")
    assert (status, removed["removed"]) == (201, [late_id])
