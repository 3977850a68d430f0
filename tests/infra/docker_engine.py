"""A real Docker Engine for integration tests.

Uses the engine named by CLARUS_TEST_DOCKER_HOST when set (a developer's running
test engine); otherwise starts Debian's dockerd as root with a temporary
--data-root and its own socket, and tears it down after the session.
"""

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.infra import processes
from tests.infra.ports import wait_until

ENV_VAR = "CLARUS_TEST_DOCKER_HOST"


def _engine_answers(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    result = subprocess.run(
        ["curl", "-sf", "--unix-socket", str(socket_path), "http://localhost/_ping"],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


@dataclass
class DockerEngine:
    """A dockerd the tests own (root is set) or borrow (root is None)."""

    url: str
    root: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def socket_path(self) -> Path:
        return Path(self.url.removeprefix("unix://"))

    def env(self) -> dict[str, str]:
        return {**os.environ, "DOCKER_HOST": self.url}

    def cli(self, *args: str, check: bool = True, input_text: str | None = None) -> str:
        result = subprocess.run(
            ["docker", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            input=input_text,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"docker {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def start(self) -> None:
        """Start (or restart) the owned dockerd and wait until it answers."""
        assert self.root is not None, "a borrowed engine is not started by the tests"
        argv = [
            "dockerd",
            f"--data-root={self.root / 'data'}",
            f"--exec-root={self.root / 'exec'}",
            f"--pidfile={self.root / 'docker.pid'}",
            f"--host={self.url}",
            "--userland-proxy=false",
        ]
        self.process = processes.start(argv, self.root / "dockerd.log")
        wait_until(lambda: _engine_answers(self.socket_path), 60, "dockerd")

    def stop(self) -> None:
        if self.process is not None:
            processes.stop(self.process, timeout_s=30)
            self.process = None

    def kill(self) -> None:
        """SIGKILL dockerd and its containerd, as a crash would."""
        if self.process is None:
            return
        processes.kill(self.process)
        self.process = None
        assert self.root is not None
        # A killed containerd may linger as a zombie nobody reaps here; its pid file
        # would make the next dockerd wait for it forever.
        (self.root / "exec" / "containerd" / "containerd.pid").unlink(missing_ok=True)


def _start_owned_engine() -> DockerEngine:
    if shutil.which("dockerd") is None:
        pytest.skip("dockerd is not installed (apt-get install docker.io)")
    root = Path(tempfile.mkdtemp(prefix="clarus-dockerd-"))
    engine = DockerEngine(url=f"unix://{root / 'docker.sock'}", root=root)
    engine.start()
    return engine


def api_get(engine: DockerEngine, path: str) -> object:
    """A raw Engine API read, independent of the code under test."""
    result = subprocess.run(
        ["curl", "-sf", "--unix-socket", str(engine.socket_path), f"http://localhost{path}"],
        capture_output=True,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def docker_engine() -> Iterator[DockerEngine]:
    borrowed = os.environ.get(ENV_VAR)
    if borrowed:
        yield DockerEngine(url=borrowed)
        return
    engine = _start_owned_engine()
    try:
        yield engine
    finally:
        engine.stop()
        assert engine.root is not None
        # container shims orphaned by a test that SIGKILLed the engine outlive it
        subprocess.run(["pkill", "-9", "-f", str(engine.root)], check=False)
        shutil.rmtree(engine.root, ignore_errors=True)
