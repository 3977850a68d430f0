"""Inference test images (FROM scratch + busybox) in the test registry, and where they run.

`inference_lab` (session) builds and pushes the images, and gives the session its own
network and models volume. `inference_api` builds the real app against them and
removes, after each test, every container of the ids the test took from `lab.new_id()`.
"""

import shutil
import subprocess
import urllib.request
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from clarus_daemon import keys
from clarus_daemon.app import create_app
from clarus_daemon.events import Event
from clarus_daemon.inference.ownership import instance_id
from tests.infra.app_settings import make_settings
from tests.infra.docker_engine import DockerEngine, api_get
from tests.infra.registry import Registry

HTTPD = '["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]'
DOCKERFILES = {
    # name: (Dockerfile body after FROM scratch + busybox, site served)
    "good:1": (f"COPY www-v1 /www\nEXPOSE 8080\nCMD {HTTPD}", "v1"),
    "good:2": (f"COPY www-v2 /www\nEXPOSE 8080\nCMD {HTTPD}", "v2"),
    "broken:1": (
        'EXPOSE 8080\nCMD ["/bin/busybox", "sh", "-c", "echo model file missing >&2; exit 3"]',
        None,
    ),
    "silent:1": ('EXPOSE 8080\nCMD ["/bin/busybox", "sleep", "600"]', None),
    "two-ports:1": (f"COPY www-v1 /www\nEXPOSE 8080 9090\nCMD {HTTPD}", None),
}


def fetch(port: int, path: str = "/") -> str:
    """GET from a published port on 127.0.0.1, as a client of the service would."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
        return str(answer.read().decode())


class EventRecorder:
    """An event sink that keeps what the app emitted, for assertions."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    async def emit(self, event: Event) -> None:
        self.events.append(event)

    def kinds(self) -> list[tuple[str, str]]:
        return [(event.kind, event.outcome) for event in self.events]


def record_events(client: TestClient[Any, Any]) -> EventRecorder:
    recorder = EventRecorder()
    client.app[keys.EVENTS].add_sink(recorder)
    return recorder


@dataclass(frozen=True)
class InferenceImages:
    registry: Registry
    good_v1: str
    good_v2: str
    broken: str
    silent: str
    """Runs, never listens."""
    two_ports: str


def _build(engine: DockerEngine, context: Path, name: str, body: str) -> str:
    dockerfile = context / f"Dockerfile.{name.replace(':', '-')}"
    # SIGKILL: busybox as PID 1 ignores SIGTERM, and tests should not wait for stop timeouts
    dockerfile.write_text(f"FROM scratch\nCOPY bin /bin\nSTOPSIGNAL SIGKILL\n{body}\n")
    tag = f"clarus-test/{name}"
    subprocess.run(
        ["docker", "build", "-q", "-f", str(dockerfile), "-t", tag, str(context)],
        env={**engine.env(), "DOCKER_BUILDKIT": "0"},
        capture_output=True,
        check=True,
    )
    return tag


def _context(root: Path) -> Path:
    busybox = Path(shutil.which("busybox") or "/bin/busybox")
    if not busybox.exists():
        pytest.skip("busybox is not installed (apt-get install busybox-static)")
    (root / "bin").mkdir(parents=True)
    shutil.copy(busybox, root / "bin" / "busybox")
    for version in ("v1", "v2"):
        (root / f"www-{version}").mkdir()
        (root / f"www-{version}" / "index.html").write_text(f"{version}\n")
    return root


def push_images(engine: DockerEngine, registry: Registry, root: Path) -> InferenceImages:
    context = _context(root / "context")
    login = root / "docker-client"
    engine.cli(
        "--config", str(login), "login", "-u", registry.username, "--password-stdin",
        registry.host, input_text=registry.password,
    )  # fmt: skip
    pushed = {}
    for name, (body, _site) in DOCKERFILES.items():
        local = _build(engine, context, name, body)
        remote = registry.ref(f"clarus-test/{name}")
        engine.cli("tag", local, remote)
        engine.cli("--config", str(login), "push", remote)
        pushed[name] = remote
    return InferenceImages(
        registry,
        pushed["good:1"],
        pushed["good:2"],
        pushed["broken:1"],
        pushed["silent:1"],
        pushed["two-ports:1"],
    )


@dataclass
class InferenceLab:
    engine: DockerEngine
    images: InferenceImages
    root: Path
    network: str
    volume: str
    ids: list[str] = field(default_factory=list)

    @property
    def models_root(self) -> Path:
        return self.root / "models"

    @property
    def instance_id(self) -> str:
        """The id the app's state directory (the lab's root) marks its containers with."""
        return instance_id(self.root)

    def new_id(self, prefix: str = "it") -> str:
        """A fresh inference id, cleaned up after the test that took it."""
        inference_id = f"{prefix}-{uuid.uuid4().hex[:8]}"
        self.ids.append(inference_id)
        return inference_id

    def settings(self, **inference: Any) -> dict[str, Any]:
        registry = self.images.registry
        return {
            "docker": {
                "url": self.engine.url,
                "registries": {registry.host: registry.credentials()},
            },
            "inference": {
                "host_ip": "127.0.0.1",
                "network": self.network,
                "models_volume": self.volume,
                "readiness_timeout_s": 15,
                "stop_timeout_s": 1,
                # tests publish on free ephemeral ports, outside the default 7000-9999
                "host_port_range": (1024, 65535),
                **inference,
            },
            "mlflow": {"models_root": str(self.models_root)},
            "history": {"path": str(self.root / "history.sqlite3")},
        }

    def body(self, inference_id: str, port: int, **extra: Any) -> dict[str, Any]:
        """A deploy body of the inference kit's shape for good_v1, ports as strings."""
        return {
            "inference_id": inference_id,
            "docker_img_uri": self.images.good_v1,
            "inference_rest_api_port": "8080",
            "inference_rest_api_forward_port": str(port),
            **extra,
        }

    def inspect(self, name: str) -> dict[str, Any]:
        info = api_get(self.engine, f"/containers/{name}/json")
        assert isinstance(info, dict)
        return info

    def containers_of(self, inference_id: str) -> list[str]:
        found = self.engine.cli(
            "ps", "-aq", "--no-trunc", "--filter", f"label=clarus.inference_id={inference_id}"
        )
        return found.split()

    def clean(self) -> None:
        for inference_id in self.ids:
            leftovers = self.containers_of(inference_id)
            named = self.engine.cli("ps", "-aq", "--filter", f"name=^{inference_id}$")
            stale = leftovers + named.split()
            if stale:
                self.engine.cli("rm", "-f", *stale, check=False)
        self.ids.clear()


@pytest.fixture(scope="session")
def inference_lab(
    docker_engine: DockerEngine, registry: Registry, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[InferenceLab]:
    root = tmp_path_factory.mktemp("inference")
    images = push_images(docker_engine, registry, root)
    suffix = uuid.uuid4().hex[:6]
    lab = InferenceLab(
        docker_engine, images, root, f"clarus-test-net-{suffix}", f"clarus-test-models-{suffix}"
    )
    try:
        yield lab
    finally:
        lab.clean()
        docker_engine.cli("volume", "rm", "-f", lab.volume, check=False)
        docker_engine.cli("network", "rm", lab.network, check=False)
        # the registry's port changes every session: drop its tags, keep the local builds
        pushed = [images.good_v1, images.good_v2, images.broken, images.silent, images.two_ports]
        docker_engine.cli("rmi", *pushed, check=False)


InferenceApi = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def inference_api(
    inference_lab: InferenceLab, aiohttp_client: Callable[..., Awaitable[TestClient[Any, Any]]]
) -> AsyncIterator[InferenceApi]:
    """inference_api(**inference_settings, sections={...}) -> a client of the real app."""

    async def build(
        sections: dict[str, Any] | None = None, **inference: Any
    ) -> TestClient[Any, Any]:
        merged = inference_lab.settings(**inference)
        for name, values in (sections or {}).items():
            merged[name] = {**merged.get(name, {}), **values}
        return await aiohttp_client(create_app(make_settings(**merged)))

    try:
        yield build
    finally:
        inference_lab.clean()
