"""Inference deploy latency next to `docker run`, and list latency with many services.

    DOCKER_HOST=unix:///var/run/docker.sock \\
    .venv/bin/python -m bench.inference.deploy_latency [--runs 5] [--services 50] \\
        [--payload-mb 32] [--out bench/results/inference.md]

Starts docker-registry (htpasswd) on 127.0.0.1, pushes a busybox-httpd image with a
random payload layer, and runs a real `clarus-daemon serve` against the engine
DOCKER_HOST names. Each run times, one after the other on the same engine: the
daemon's POST /api/inference/deploy until its 201 (pull, create, start, readiness,
rename), and `docker run -d -p ...` until the port answers HTTP; once with the image
cached, once after `docker rmi` (so both pull). Then it deploys --services services
and times GET /api/inference/all. Everything it starts is removed at the end.
"""

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.inference.stage import Stage, cli_config, open_stage, wait_http
from tests.infra.ports import free_port

Timings = dict[str, list[float]]


def _call(method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"}, method=method)
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, json.load(response)


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _daemon_deploy(url: str, image: str, inference_id: str) -> None:
    body = {
        "inference_id": inference_id,
        "docker_img_uri": image,
        "inference_rest_api_port": 8080,
        "inference_rest_api_forward_port": free_port(),
    }
    status, answer = _call("POST", f"{url}/api/inference/deploy", body)
    assert status == 201, answer


def _docker_run(stage: Stage, image: str, name: str) -> None:
    port = free_port()
    stage.engine.cli(
        "--config", str(cli_config(stage.registry, stage.work)), "run", "-d", "--name", name,
        "--label", "clarus.bench=1", "--network", stage.network,
        "-p", f"127.0.0.1:{port}:8080", image,
    )  # fmt: skip
    wait_http(port)


def _measure_deploys(stage: Stage, url: str, image: str, runs: int) -> Timings:
    timings: Timings = {
        key: [] for key in ("daemon cached", "docker cached", "daemon pull", "docker pull")
    }
    for run in range(runs):
        for cached in (True, False):
            suffix = "cached" if cached else "pull"
            for who in ("daemon", "docker"):
                stage.remove_all()
                if not cached:
                    stage.engine.cli("rmi", "-f", image)
                name = f"bench-{who}-{suffix}-{run}"
                if who == "daemon":
                    seconds = _timed(lambda n=name: _daemon_deploy(url, image, n))
                else:
                    seconds = _timed(lambda n=name: _docker_run(stage, image, n))
                timings[f"{who} {suffix}"].append(seconds)
    stage.remove_all()
    return timings


def _measure_list(stage: Stage, url: str, image: str, services: int) -> tuple[list[float], int]:
    for index in range(services):
        _daemon_deploy(url, image, f"bench-list-{index}")
    seconds = []
    listed = 0
    for _ in range(20):
        started = time.perf_counter()
        _status, answer = _call("GET", f"{url}/api/inference/all")
        seconds.append(time.perf_counter() - started)
        listed = len(answer)
    return seconds, listed


def _ms(values: list[float]) -> str:
    return ", ".join(f"{v * 1000:.0f}" for v in values)


def _row(name: str, values: list[float]) -> str:
    return f"| {name} | {_ms(values)} | {statistics.median(values) * 1000:.0f} |"


def _report(args: argparse.Namespace, deploys: Timings, listing: list[float], listed: int) -> str:
    version = args.engine_version
    p95 = sorted(listing)[int(len(listing) * 0.95) - 1]
    return "\n".join(
        [
            "# Inference deploy and list latency",
            "",
            f"`DOCKER_HOST=... .venv/bin/python -m bench.inference.deploy_latency --runs "
            f"{args.runs} --services {args.services} --payload-mb {args.payload_mb}` on "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, Docker Engine "
            f"{version}, docker-registry with htpasswd on 127.0.0.1.",
            "",
            f"Image: busybox httpd FROM scratch plus a {args.payload_mb} MiB random layer. "
            "`daemon` is the time until POST /api/inference/deploy answers 201: pull "
            "(registry contacted even when cached), create under a temporary name, start, "
            "readiness (the port holds a connection on 127.0.0.1), restart policy, rename. "
            "`docker` is `docker run -d -p 127.0.0.1:P:8080` (the CLI pulls when the image "
            "is missing) until the port answers HTTP. Runs alternate on the same engine; "
            "`pull` runs start after `docker rmi`.",
            "",
            "| what | ms per run | median ms |",
            "|---|---|---|",
            *(_row(name, values) for name, values in deploys.items()),
            "",
            f"GET /api/inference/all with {listed} managed services (each running one "
            f"published port, probed for the health column): median "
            f"{statistics.median(listing) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms over "
            f"{len(listing)} calls ({_ms(listing)} ms).",
            "",
            "The daemon's extra time over `docker run` is its checks and bookkeeping: the "
            "registry round trip of the pull, the port and name checks, the temporary name "
            "and the rename, the restart policy set after readiness, and the readiness probe "
            "holding the connection briefly (behind docker-proxy a connection alone proves "
            f"nothing). Load average when the runs began: {args.load_at_start:.1f}.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--payload-mb", type=int, default=32)
    parser.add_argument("--out", type=Path, default=Path("bench/results/inference.md"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clarus-bench-") as tmp:
        work = Path(tmp)
        (work / "registry").mkdir()
        stage, image = open_stage(work, args.payload_mb)
        daemon = None
        try:
            args.engine_version = stage.engine.cli("version", "--format", "{{.Server.Version}}")
            args.load_at_start = os.getloadavg()[0]
            daemon, url = stage.start_daemon()
            deploys = _measure_deploys(stage, url, image, args.runs)
            listing, listed = _measure_list(stage, url, image, args.services)
        finally:
            if daemon is not None:
                daemon.terminate()
            stage.close()
            stage.engine.cli("rmi", "-f", image, check=False)
    report = _report(args, deploys, listing, listed)
    args.out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
