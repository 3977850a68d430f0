"""Virtualenvs of the test servers (MLflow, Airflow) and the time their set-up took.

Their pins clash with the daemon's, so each lives in a venv of its own that a
script under scripts/ creates once; the set-up times are printed at the end of the
run because they are most of the CI budget.
"""

import subprocess
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

SETUP_SECONDS: dict[str, dict[str, float]] = defaultdict(dict)
"""Server -> set-up step -> seconds."""


def record(server: str, step: str, seconds: float) -> None:
    SETUP_SECONDS[server][step] = seconds


def venv_from_script(server: str, script: str) -> Path:
    """Run scripts/<script> (idempotent; prints the venv path last) and time it."""
    started = time.monotonic()
    result = subprocess.run(
        [str(REPO / "scripts" / script)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"scripts/{script} failed:\n{result.stderr[-3000:]}")
    record(server, f"{server.lower()} venv (scripts/{script})", time.monotonic() - started)
    return Path(result.stdout.strip().splitlines()[-1])


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for server, steps in SETUP_SECONDS.items():
        timed = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in steps.items())
        terminalreporter.write_line(f"{server} set-up: {timed}")
