"""A real Docker registry (Debian's docker-registry) with htpasswd auth on a loopback port.

dockerd treats 127.0.0.0/8 registries as insecure, so plain HTTP with basic auth works
without touching the engine's configuration.
"""

import base64
import json
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.infra import processes
from tests.infra.ports import free_port, wait_until

USERNAME = "clarus"
PASSWORD = "registry-secret"
CONFIG = """\
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {root}/data
http:
  addr: {host}
auth:
  htpasswd:
    realm: clarus-test
    path: {root}/htpasswd
"""


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)
    except urllib.error.HTTPError as err:
        return err.code == 401  # up, and asking for credentials
    except OSError:
        return False
    return True


@dataclass
class Registry:
    host: str
    """127.0.0.1:PORT, the registry part of image references."""
    root: Path
    username: str = USERNAME
    password: str = PASSWORD
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def ref(self, name: str) -> str:
        return f"{self.host}/{name}"

    def docker_config(self, directory: Path, password: str | None = None) -> Path:
        """A client config.json whose `auths` log in here, as `docker login` writes it."""
        secret = f"{self.username}:{password or self.password}".encode()
        auths = {self.host: {"auth": base64.b64encode(secret).decode()}}
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "config.json"
        path.write_text(json.dumps({"auths": auths}))
        return path

    def credentials(self, password: str | None = None) -> dict[str, str]:
        """docker.registries entry of the daemon's settings."""
        return {"username": self.username, "password": password or self.password}


def start_registry(root: Path) -> Registry:
    """Start one in `root`; stop it with processes.stop(registry.process)."""
    registry = Registry(host=f"127.0.0.1:{free_port()}", root=root)
    hashed = subprocess.run(
        ["htpasswd", "-Bbn", USERNAME, PASSWORD], capture_output=True, text=True, check=True
    ).stdout
    (root / "htpasswd").write_text(hashed)
    (root / "config.yml").write_text(CONFIG.format(root=root, host=registry.host))
    registry.process = processes.start(
        ["docker-registry", "serve", str(root / "config.yml")], root / "registry.log"
    )
    wait_until(lambda: _answers(f"http://{registry.host}/v2/"), 30, "docker-registry")
    return registry


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    for tool in ("docker-registry", "htpasswd"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install docker-registry apache2-utils)")
    registry = start_registry(tmp_path_factory.mktemp("registry"))
    try:
        yield registry
    finally:
        assert registry.process is not None
        processes.stop(registry.process)
