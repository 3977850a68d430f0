"""Reading the kit's files as they are, and the records adoption keeps."""

from datetime import UTC, datetime
from pathlib import Path

from clarus_daemon.config import load_settings
from clarus_daemon.inference import labels
from clarus_daemon.inference.adopt import Unmanaged
from clarus_daemon.inference.adoption import Adoptions, adoption_labels, looks_like_old_service
from clarus_daemon.inference.containers import ContainerSummary
from clarus_daemon.inference.ownership import Ownership
from clarus_daemon.migration.kit import read_compose, read_kit
from clarus_daemon.migration.proposal import derive, toml_text
from tests.infra.kit_files import write_kit_files

OLD_CONTAINER = {
    "Name": "/inference01",
    "Image": "sha256:abc",
    "Config": {"Image": "reg.plant:5001/redwine:prod"},
    "HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "", "HostPort": "7070"}]}},
}


def _summary(container_id: str, name: str, **extra: object) -> ContainerSummary:
    return ContainerSummary(
        container_id,
        name,
        "running",
        "Up",
        datetime.now(UTC),
        **extra,  # type: ignore[arg-type]
    )


def _listing(container_id: str, name: str) -> dict[str, object]:
    return {"Id": container_id, "Names": [f"/{name}"], "State": "running", "Labels": {}}


def test_kit_compose_and_env_are_read_as_written(tmp_path: Path) -> None:
    files = write_kit_files(tmp_path, {"IDS_PROVIDER_IP": "10.0.0.5", "MINIO_PORT": "9000"}, {})
    kit = read_kit(files.env, files.docker_config, files.compose)
    compose = read_compose(files.compose)

    assert kit.env["IDS_PROVIDER_IP"] == "10.0.0.5" and kit.env["MINIO_PORT"] == "9000"
    assert (compose.agent_port, compose.drift_port) == (8081, 5000)
    assert compose.networks == ["clarus_inference_network"]
    assert compose.agent_environment == {"IDS_PROVIDER_IP": "10.0.0.5"}
    assert compose.container_names == ["clarus_node_agent", "clarus_drift_detector"]


def test_adoption_shows_the_recorded_labels_and_nothing_else(tmp_path: Path) -> None:
    adoptions = Adoptions(tmp_path / "state")
    shown = adoption_labels(OLD_CONTAINER)
    adoptions.save("gone", shown, ["c1"])
    adoptions.save("c1", shown, ["c1"])

    ownership = Ownership("instance", adoptions=adoptions)
    records = ownership.adoption_records()
    adopted, stranger = (
        ContainerSummary.from_listing(_listing(cid, name), ownership, records.get(cid))
        for cid, name in (("c1", "inference01"), ("c2", "x"))
    )

    assert adopted.managed and adopted.is_service and adopted.host_port == 7070
    assert adopted.labels[labels.IMAGE] == "reg.plant:5001/redwine:prod"
    assert adopted.labels[labels.CONTAINER_PORT] == "8080"
    assert not stranger.managed
    assert Adoptions(tmp_path / "state").records() == {"c1": shown}


def test_old_service_look_alikes() -> None:
    ports = frozenset({7070})
    assert looks_like_old_service(_summary("a", "inference01", published_ports=ports))
    assert not looks_like_old_service(_summary("b", "clarus_node_agent", published_ports=ports))
    assert not looks_like_old_service(_summary("c", "no-ports"))
    compose = {"com.docker.compose.project": "plant"}
    assert not looks_like_old_service(_summary("d", "svc", published_ports=ports, labels=compose))


def test_the_proposed_toml_admits_the_adopted_ports_and_loads(tmp_path: Path) -> None:
    files = write_kit_files(tmp_path / "kit", {"IDS_PROVIDER_IP": "10.0.0.5"}, {})
    kit = read_kit(files.env, files.docker_config, files.compose)
    adoptable = [Unmanaged("inference01", [31000]), Unmanaged("web", [80])]
    proposal = derive(kit, adoptable)
    config = tmp_path / "clarus-daemon.toml"
    config.write_text(toml_text(proposal))

    settings = load_settings(config, env_file=files.env)

    assert settings.inference.host_port_range == (7000, 31000)  # not down to 80
    assert settings.inference.adopt == ["inference01", "web"]
    assert str(settings.auth.trusted_networks[0].cidr) == "127.0.0.0/8"
    assert any("web (port 80)" in line for line in proposal.differences)


def test_trusted_networks_are_loopback_the_gateway_and_the_platform_subnets(
    tmp_path: Path,
) -> None:
    env = {"AIRFLOW_IP": "10.1.2.3", "MINIO_IP": "192.168.5.7", "IDS_PROVIDER_IP": "192.168.5.7"}
    files = write_kit_files(tmp_path / "kit", env, {})
    kit = read_kit(files.env, files.docker_config, files.compose)

    proposal = derive(kit, [], gateway="172.18.0.1")

    assert proposal.trusted_networks == [
        "127.0.0.0/8",
        "::1/128",
        "172.18.0.1/32",
        "10.1.2.0/24",
        "192.168.5.0/24",
    ]
