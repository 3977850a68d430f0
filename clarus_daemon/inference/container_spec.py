"""The Engine API body of an inference container: what runs, and the limits it runs in.

Nothing in a request reaches Privileged, capabilities, devices or binds; the only
mount is the models volume, read-only; no process may gain privileges (setuid), and
memory, CPU and processes are limited (the configured defaults, or what the deploy
asked for within the configured caps).
"""

from typing import Any

from clarus_daemon.inference.spec import ServiceSpec

SERVICE_RESTART_POLICY = {"Name": "unless-stopped"}
"""Set once the container is ready; until then a crash ends it, with its exit code, and
does not loop through restarts while readiness is being judged."""
MB = 1024 * 1024
NANO = 1_000_000_000


def _resources(spec: ServiceSpec) -> dict[str, Any]:
    limits = spec.limits
    return {
        "Memory": limits.memory_mb * MB,
        "MemorySwap": limits.memory_mb * MB,  # no swap beyond the memory limit
        "NanoCpus": int(limits.cpus * NANO),
        "PidsLimit": limits.pids,
    }


def container_config(spec: ServiceSpec, extra_labels: dict[str, str]) -> dict[str, Any]:
    settings = spec.settings
    port_key = f"{spec.container_port}/tcp"
    return {
        "Image": spec.image.id,
        "Env": [f"{name}={value}" for name, value in spec.request.env.items()],
        "ExposedPorts": {port_key: {}},
        "Labels": {**spec.labels(), **extra_labels},
        "StopTimeout": settings.stop_timeout_s,
        "HostConfig": {
            "PortBindings": {port_key: [{"HostIp": spec.host_ip, "HostPort": str(spec.host_port)}]},
            "RestartPolicy": {"Name": "no"},
            "NetworkMode": settings.network,
            "Mounts": [
                {
                    "Type": "volume",
                    "Source": settings.models_volume,
                    "Target": settings.models_mount,
                    "ReadOnly": True,
                }
            ],
            "Privileged": False,
            "SecurityOpt": ["no-new-privileges:true"],
            **_resources(spec),
        },
    }
