"""Does the event loop stay free? /api/ping latency while a 1M-row drift check runs.

    .venv/bin/python -m bench.drift.ping_latency [--rows 1000000] [--checks 2] [--out FILE.md]

Starts a moto S3 server and a real `clarus-daemon serve` on 127.0.0.1, uploads a
reference (red wines resampled) and new data (white wines resampled), then pings
/api/ping over one keep-alive connection every 5 ms: first while idle, then while
GET /api/detect_data_drift runs (the first check also starts the worker). The
reference is put back between checks so each one drifts and runs every step.
"""

import argparse
import http.client
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import boto3

from bench.drift.synth import write_pair
from tests.infra import processes
from tests.infra.daemon_process import DaemonProcess, start_daemon
from tests.infra.ports import free_port, port_open, wait_until

BUCKET = "datasets"
REFERENCE = "uc_wine/winequality-red.csv"
NEW_DATA = "uc_wine/winequality-red-new.csv"
KEYS = {"access_key": "bench", "secret_key": "bench-secret"}


def _config(daemon_port: int, s3_port: int, tmp: Path) -> str:
    return f"""
[server]
listen = ["127.0.0.1:{daemon_port}"]
compat_drift_listen = ""
log_level = "WARNING"
[minio]
endpoint = "127.0.0.1:{s3_port}"
access_key = "{KEYS["access_key"]}"
secret_key = "{KEYS["secret_key"]}"
[history]
path = "{tmp / "history.sqlite3"}"
[drift.monitors.default]
bucket = "{BUCKET}"
reference = "{REFERENCE}"
new_data = "{NEW_DATA}"
report_path = "uc_wine/reports"
"""


class Pinger(threading.Thread):
    """GET /api/ping every `gap_s` over one connection, until stopped; latencies in ms."""

    def __init__(self, port: int, gap_s: float = 0.005) -> None:
        super().__init__(daemon=True)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.gap_s = gap_s
        self.latencies_ms: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            self.connection.request("GET", "/api/ping")
            response = self.connection.getresponse()
            response.read()
            assert response.status == 200
            self.latencies_ms.append((time.perf_counter() - started) * 1000)
            time.sleep(self.gap_s)


def ping_while(port: int, work: Any) -> tuple[list[float], Any]:
    pinger = Pinger(port)
    pinger.start()
    try:
        result = work()
    finally:
        pinger.stop.set()
        pinger.join()
    return pinger.latencies_ms, result


def check(port: int) -> dict[str, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", "/api/detect_data_drift")
    response = connection.getresponse()
    body = response.read().decode()
    assert response.status == 200, body
    import json  # noqa: PLC0415

    return {"wall_s": time.perf_counter() - started, **json.loads(body)}


def stats(latencies: list[float]) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    return (
        f"{len(latencies)} | {statistics.median(latencies):.2f} | {cuts[98]:.2f} "
        f"| {max(latencies):.1f}"
    )


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def start_s3(tmp: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    moto = Path(sys.executable).with_name("moto_server")
    process = processes.start([str(moto), "-H", "127.0.0.1", "-p", str(port)], tmp / "moto.log")
    wait_until(lambda: port_open(port), 30, "moto_server")
    return process, port


def bucket_client(s3_port: int) -> Any:
    """A boto3 client of the moto server, its bucket created."""
    s3 = boto3.client(
        "s3", endpoint_url=f"http://127.0.0.1:{s3_port}", region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"], aws_secret_access_key=KEYS["secret_key"],
    )  # fmt: skip
    s3.create_bucket(Bucket=BUCKET)
    return s3


def measure(daemon: DaemonProcess, port: int, s3: Any, reference: Path, checks: int) -> list[str]:
    idle, _ = ping_while(port, lambda: time.sleep(3))
    lines = [f"| idle | {stats(idle)} | - | - |"]
    for number in range(1, checks + 1):
        s3.upload_file(str(reference), BUCKET, REFERENCE)
        busy, answer = ping_while(port, lambda: check(port))
        label = "first check (worker starts)" if number == 1 else f"check {number}"
        lines.append(
            f"| {label} | {stats(busy)} | {answer['wall_s']:.1f} | {answer['duration_s']:.1f} |"
        )
    children = ", ".join(f"{peak_rss_mib(p):.0f}" for p in worker_pids(daemon.process.pid))
    memory = (
        f"Peak RSS: daemon process {peak_rss_mib(daemon.process.pid):.0f} MiB; its child "
        f"processes (multiprocessing's resource tracker, the worker) {children} MiB."
    )
    return [*lines, "", memory]


def run(rows: int, checks: int, data_dir: Path, tmp: Path) -> str:
    reference, new_data = write_pair(data_dir, rows)
    moto, s3_port = start_s3(tmp)
    try:
        s3 = bucket_client(s3_port)
        s3.upload_file(str(new_data), BUCKET, NEW_DATA)
        port = free_port()
        config = _config(port, s3_port, tmp)
        daemon = start_daemon(tmp, config, ping_url=f"http://127.0.0.1:{port}/api/ping")
        try:
            lines = measure(daemon, port, s3, reference, checks)
        finally:
            daemon.terminate()
    finally:
        processes.stop(moto)
    size_mb = (reference.stat().st_size + new_data.stat().st_size) / 1e6
    return "\n".join(
        [
            f"{rows:,} rows per file ({size_mb:.0f} MB both), ping every 5 ms on one connection.",
            "",
            "| phase | pings | p50 ms | p99 ms | max ms | check wall s | check duration_s |",
            "|---|---|---|---|---|---|---|",
            *lines,
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--checks", type=int, default=2)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="drift-ping-") as tmp:
        text = run(args.rows, args.checks, args.data_dir or Path(tmp), Path(tmp))
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
