"""The systemd unit and the compose file are valid for their tools."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_unit_verifies_clean(tmp_path: Path) -> None:
    # The unit names the installed entry point; point it at this environment's one.
    installed = str(Path(sys.executable).with_name("clarus-daemon"))
    unit = (ROOT / "systemd/clarus-daemon.service").read_text()
    (tmp_path / "clarus-daemon.service").write_text(
        unit.replace("/usr/local/bin/clarus-daemon", installed)
    )
    result = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "clarus-daemon.service")],
        capture_output=True,
        text=True,
        check=False,
    )
    problems = [
        line
        for line in result.stderr.splitlines()
        if "clarus-daemon.service" in line and "docker.service" not in line
    ]
    assert problems == [], result.stderr


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_compose_file_validates(tmp_path: Path) -> None:
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / "config/example.env", tmp_path / ".env")
    result = subprocess.run(
        ["docker-compose", "config", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
