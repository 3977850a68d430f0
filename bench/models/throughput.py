"""Model download throughput: the daemon's PUT /api/mlflow/model next to curl, same server.

    .venv/bin/python -m bench.models.throughput [--mb 200] [--runs 3] [--out FILE.md]

Starts an MLflow server from scripts/mlflow-venv on 127.0.0.1, registers a model
whose files total about --mb MB (one random blob plus the usual MLmodel, skops,
requirements), then alternates: curl fetching every file of that version from the
artifact proxy (one process, one connection, like the daemon), and a real
`clarus-daemon serve` process fetching the same version into an emptied models root.
Only loopback traffic; everything it starts is stopped at the end.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from tests.infra.daemon_process import start_daemon
from tests.infra.mlflow_server import MlflowServer, mlflow_venv
from tests.infra.ports import free_port
from tests.infra.venvs import SETUP_SECONDS, record

EXP_ID = "UC_Bench"
ARTIFACTS = "api/2.0/mlflow-artifacts/artifacts"


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _list_files(server: MlflowServer, root: str, directory: str = "") -> list[str]:
    query = urllib.parse.urlencode({"path": f"{root}/{directory}".rstrip("/")})
    files: list[str] = []
    for entry in _get_json(f"{server.url}/{ARTIFACTS}?{query}").get("files", []):
        path = f"{directory}{entry['path']}"
        files += _list_files(server, root, f"{path}/") if entry["is_dir"] else [path]
    return files


def _artifact_root(server: MlflowServer) -> str:
    query = urllib.parse.urlencode({"name": EXP_ID, "version": "1"})
    uri = _get_json(f"{server.url}/api/2.0/mlflow/model-versions/get-download-uri?{query}")
    return str(uri["artifact_uri"]).removeprefix("mlflow-artifacts:/")


def curl_once(
    server: MlflowServer, root: str, files: list[str], target: Path
) -> tuple[float, float]:
    """Seconds for curl alone, and for curl followed by sha256sum and sync of the files
    (the daemon's guarantees, one step after the other instead of streamed)."""
    shutil.rmtree(target, ignore_errors=True)
    argv = ["curl", "-sSf", "--create-dirs"]
    for path in files:
        argv += ["-o", str(target / path), f"{server.url}/{ARTIFACTS}/{root}/{path}"]
    started = time.perf_counter()
    subprocess.run(argv, check=True)
    fetched = time.perf_counter() - started
    local = [str(target / path) for path in files]
    subprocess.run(["sha256sum", *local], check=True, capture_output=True)
    subprocess.run(["sync", *local], check=True)
    return fetched, time.perf_counter() - started


def put_model(daemon_url: str) -> tuple[float, dict[str, Any]]:
    """One PUT /api/mlflow/model; (seconds, answer)."""
    request = urllib.request.Request(
        f"{daemon_url}/api/mlflow/model",
        data=json.dumps({"exp_id": EXP_ID}).encode(),
        headers={"Content-Type": "application/json"},
        method="PUT",
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        answer = json.load(response)
    return time.perf_counter() - started, answer


def _row(name: str, seconds: list[float], mb: float) -> str:
    best, median = min(seconds), statistics.median(seconds)
    runs = ", ".join(f"{s:.2f}" for s in seconds)
    return f"| {name} | {runs} | {median:.2f} | {mb / median:.0f} | {mb / best:.0f} |"


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _report(args: argparse.Namespace, mb: float, results: dict[str, list[float]]) -> str:
    setup = ", ".join(
        f"{step}: {seconds:.1f} s" for step, seconds in SETUP_SECONDS["MLflow"].items()
    )
    return "\n".join(
        [
            "# Model download throughput",
            "",
            f"`.venv/bin/python -m bench.models.throughput --mb {args.mb} --runs {args.runs}` "
            f"on {os.cpu_count()} cores, Python {platform.python_version()}, MLflow "
            "3.17.2 (`mlflow server --serve-artifacts`, SQLite registry, local artifact root), "
            "all on 127.0.0.1.",
            "",
            f"One registered model version, {mb:.1f} MB in total (a {args.mb} MiB random blob "
            "in code/ plus MLmodel, model.skops, requirements). Each run starts from an empty "
            "target. curl fetches every file of the version in one process over one "
            "connection; the daemon (`clarus-daemon serve`, a separate process) answers "
            "PUT /api/mlflow/model: resolves the Production version, lists the files "
            "recursively, streams each to a staging directory with size check and SHA-256, "
            "fsyncs it, renames it into place and switches `current`.",
            "",
            "| client | seconds per run | median s | MB/s (median) | MB/s (best) |",
            "|---|---|---|---|---|",
            _row("curl", results["curl"], mb),
            _row("curl, then sha256sum + sync", results["curl_checked"], mb),
            _row("clarus-daemon", results["daemon"], mb),
            "",
            "Server and clients share the machine's cores (the daemon hashes while it reads): "
            "the best run shows the ceiling, the median the typical case. Load average "
            f"when the runs began: {args.load_at_start:.1f}.",
            "",
            f"Re-fetch of the same version (already on the volume, nothing downloaded): "
            f"{statistics.median(results['skipped']) * 1000:.0f} ms median. Peak resident "
            f"memory of the daemon process over all runs: {args.daemon_peak_rss_mb:.0f} MB "
            "(files are streamed, never held whole).",
            "",
            f"Set-up, once: {setup}.",
            "",
        ]
    )


def _run(args: argparse.Namespace, work: Path) -> str:
    server = MlflowServer(mlflow_venv(), work / "mlflow")
    server.root.mkdir()
    record("MLflow", "mlflow server start", server.start())
    daemon = None
    try:
        started = time.monotonic()
        server.log_models(
            [{"name": EXP_ID, "versions": [{"stage": "Production"}], "blob_mb": args.mb}]
        )
        record("MLflow", f"logging the {args.mb} MiB model", time.monotonic() - started)
        root = _artifact_root(server)
        files = _list_files(server, root)
        port, models_root = free_port(), work / "models"
        config = (
            f'[server]\nlisten = ["127.0.0.1:{port}"]\ncompat_drift_listen = ""\n'
            f'[mlflow]\ntracking_uri = "{server.url}"\nmodels_root = "{models_root}"\n'
        )
        daemon_dir = work / "daemon"
        daemon_dir.mkdir()
        daemon_url = f"http://127.0.0.1:{port}"
        daemon = start_daemon(daemon_dir, config, ping_url=f"{daemon_url}/api/ping")
        results: dict[str, list[float]] = {
            "curl": [], "curl_checked": [], "daemon": [], "skipped": []
        }  # fmt: skip
        total_bytes = 0
        args.load_at_start = os.getloadavg()[0]
        for _ in range(args.runs):
            fetched, checked = curl_once(server, root, files, work / "curl")
            results["curl"].append(fetched)
            results["curl_checked"].append(checked)
            shutil.rmtree(models_root / EXP_ID, ignore_errors=True)
            seconds, answer = put_model(daemon_url)
            assert answer["skipped"] is False, answer
            results["daemon"].append(seconds)
            total_bytes = answer["bytes"]
            seconds, answer = put_model(daemon_url)
            assert answer["skipped"] is True, answer
            results["skipped"].append(seconds)
        args.daemon_peak_rss_mb = _peak_rss_mb(daemon.process.pid)
        return _report(args, total_bytes / 1e6, results)
    finally:
        if daemon is not None:
            daemon.terminate()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the model's blob, MiB")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench/results/models.md"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clarus-bench-models-") as work:
        report = _run(args, Path(work))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
