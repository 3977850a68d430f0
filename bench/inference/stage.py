"""What the inference benchmark runs against: registry, image, daemon, all on 127.0.0.1.

The engine is the one DOCKER_HOST names (never a second dockerd). The image is busybox
httpd FROM scratch plus a random payload layer, so a pull moves real bytes.
"""

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.infra import processes
from tests.infra.daemon_process import DaemonProcess, start_daemon
from tests.infra.docker_engine import DockerEngine
from tests.infra.ports import free_port
from tests.infra.registry import Registry, start_registry

DOCKERFILE = """FROM scratch
COPY bin /bin
COPY www /www
COPY payload.bin /payload.bin
EXPOSE 8080
STOPSIGNAL SIGKILL
CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
"""


def build_and_push(engine: DockerEngine, registry: Registry, work: Path, payload_mb: int) -> str:
    context = work / "context"
    (context / "bin").mkdir(parents=True)
    (context / "www").mkdir()
    shutil.copy(shutil.which("busybox") or "/bin/busybox", context / "bin" / "busybox")
    (context / "www" / "index.html").write_text("bench\n")
    (context / "payload.bin").write_bytes(os.urandom(payload_mb * 1024 * 1024))
    (context / "Dockerfile").write_text(DOCKERFILE)
    local, remote = "clarus-bench/httpd:1", registry.ref("clarus-bench/httpd:1")
    subprocess.run(
        ["docker", "build", "-q", "-t", local, str(context)],
        env={**engine.env(), "DOCKER_BUILDKIT": "0"},
        capture_output=True,
        check=True,
    )
    engine.cli("tag", local, remote)
    engine.cli("--config", str(cli_config(registry, work)), "push", remote)
    engine.cli("rmi", local)  # the registry reference alone holds the layers now
    return remote


def cli_config(registry: Registry, work: Path) -> Path:
    """A docker client config logged in to the registry, for `docker run` to pull."""
    return registry.docker_config(work / "docker-client").parent


def wait_http(port: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.01)
    raise TimeoutError(f"127.0.0.1:{port} did not answer")


def _toml(settings: dict[str, dict[str, Any]]) -> str:
    lines = []
    for section, values in settings.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


@dataclass
class Stage:
    engine: DockerEngine
    registry: Registry
    work: Path
    network: str = field(default_factory=lambda: f"clarus-bench-net-{uuid.uuid4().hex[:6]}")
    volume: str = field(default_factory=lambda: f"clarus-bench-models-{uuid.uuid4().hex[:6]}")

    def start_daemon(self) -> tuple[DaemonProcess, str]:
        port = free_port()
        settings = {
            "server": {"listen": [f"127.0.0.1:{port}"]},
            "docker": {"url": self.engine.url},
            "inference": {
                "host_ip": "127.0.0.1",
                "network": self.network,
                "models_volume": self.volume,
                "readiness_timeout_s": 30,
            },
            "mlflow": {"models_root": str(self.work / "models")},
            "history": {"path": str(self.work / "history.sqlite3")},
            f'docker.registries."{self.registry.host}"': self.registry.credentials(),
        }
        url = f"http://127.0.0.1:{port}"
        daemon = start_daemon(self.work, _toml(settings), ping_url=f"{url}/api/ping")
        return daemon, url

    def remove_all(self) -> None:
        found = self.engine.cli("ps", "-aq", "--filter", "label=clarus.bench=1")
        managed = self.engine.cli("ps", "-aq", "--filter", f"network={self.network}")
        stale = set(found.split()) | set(managed.split())
        if stale:
            self.engine.cli("rm", "-f", *stale)

    def close(self) -> None:
        self.remove_all()
        self.engine.cli("volume", "rm", "-f", self.volume, check=False)
        self.engine.cli("network", "rm", self.network, check=False)
        if self.registry.process is not None:
            processes.stop(self.registry.process)


def open_stage(work: Path, payload_mb: int) -> tuple[Stage, str]:
    engine = DockerEngine(url=os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock"))
    registry = start_registry(work / "registry")
    stage = Stage(engine, registry, work)
    return stage, build_and_push(engine, registry, work, payload_mb)
