"""What makes two deploys the same service, and what a service's container looks like."""

from clarus_daemon.config.inference import InferenceSettings
from clarus_daemon.inference.container_spec import container_config
from clarus_daemon.inference.image_ref import ImageRef
from clarus_daemon.inference.pull import PulledImage
from clarus_daemon.inference.spec import DeployRequest, ServiceSpec

IMAGE = PulledImage(ImageRef.parse("r:5/uc:1"), "sha256:aaa", "sha256:ddd", (8080,))


def spec(settings: InferenceSettings | None = None, **changes: object) -> ServiceSpec:
    fields: dict[str, object] = {
        "inference_id": "UC",
        "image": IMAGE.ref,
        "container_port": 8080,
        "host_port": 7070,
        "env": {"A": "1"},
    }
    fields.update(changes)
    request = DeployRequest(**fields)  # type: ignore[arg-type]
    return ServiceSpec.resolve(request, IMAGE, settings or InferenceSettings())


def test_fingerprint_follows_image_ports_env_and_runtime() -> None:
    base = spec().fingerprint()

    assert spec(env={"A": "1"}).fingerprint() == base
    assert spec(env={"A": "2"}).fingerprint() != base
    assert spec(host_port=7071).fingerprint() != base
    assert spec(InferenceSettings(memory_limit_mb=256)).fingerprint() != base


def test_old_body_takes_the_exposed_port_and_configured_host_port() -> None:
    settings = InferenceSettings(legacy_host_ports={"UC": 9000})

    resolved = spec(settings, container_port=None, host_port=None, body="experiment")

    assert (resolved.container_port, resolved.host_port) == (8080, 9000)
    assert spec(container_port=None, host_port=None).host_port == 8080


def test_container_config_is_unprivileged_with_a_read_only_models_volume() -> None:
    settings = InferenceSettings(memory_limit_mb=512, cpus=1.5, host_ip="127.0.0.1")

    config = container_config(spec(settings), {"extra": "label"})

    host = config["HostConfig"]
    assert config["Image"] == "sha256:aaa" and config["Env"] == ["A=1"]
    assert host["Privileged"] is False and "Binds" not in host
    assert host["Mounts"] == [
        {"Type": "volume", "Source": "clarus_models", "Target": "/models", "ReadOnly": True}
    ]
    assert host["PortBindings"] == {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "7070"}]}
    assert (host["Memory"], host["NanoCpus"]) == (512 * 1024 * 1024, 1_500_000_000)
    assert config["Labels"]["clarus.managed"] == "true" and config["Labels"]["extra"] == "label"
