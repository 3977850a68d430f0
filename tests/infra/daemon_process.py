"""The daemon as a real process: `clarus-daemon serve` with a config file of the test's."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.infra import processes
from tests.infra.ports import wait_until

DAEMON = [sys.executable, "-m", "clarus_daemon"]


def http_get(url: str, timeout_s: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def _answers(url: str) -> bool:
    try:
        return http_get(url, 0.5)[0] == 200
    except OSError:
        return False


@dataclass
class DaemonProcess:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def terminate(self, timeout_s: float = 10.0) -> tuple[int, float]:
        """SIGTERM; (exit code, seconds it took)."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout_s)
        return code, time.monotonic() - started

    def kill(self) -> None:
        processes.kill(self.process)


def start_daemon(
    tmp_path: Path,
    config_toml: str | Path,
    *,
    ping_url: str | None,
    env: dict[str, str] | None = None,
    args: list[str] | None = None,
) -> DaemonProcess:
    """Start the daemon with the given TOML text, or config file as it is; wait until
    ping_url answers (None: do not wait)."""
    config = config_toml if isinstance(config_toml, Path) else tmp_path / "clarus-daemon.toml"
    if not isinstance(config_toml, Path):
        config.write_text(config_toml)
    log_path = tmp_path / "daemon.log"
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("MINIO_", "AIRFLOW_"))}
    argv = [*DAEMON, "serve", "--config", str(config), "--env-file", str(tmp_path / ".env")]
    process = subprocess.Popen(
        [*argv, *(args or [])],
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
        env={
            **clean_env,
            "CLARUS__HISTORY__PATH": str(tmp_path / "history.sqlite3"),
            **(env or {}),
        },
        cwd=tmp_path,
        start_new_session=True,
    )
    daemon = DaemonProcess(process, log_path)
    if ping_url is not None:
        try:
            wait_until(lambda: _answers(ping_url) or process.poll() is not None, 30, "daemon")
        except TimeoutError:
            daemon.kill()
            raise
        if process.poll() is not None:
            raise RuntimeError(f"daemon exited with {process.returncode}:\n{daemon.log()}")
    return daemon
