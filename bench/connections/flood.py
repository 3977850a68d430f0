"""Does /api/ping keep answering while idle sockets and slowloris clients flood the daemon?

    .venv/bin/python -m bench.connections.flood [--idle 2000] [--slowloris 200] [--out FILE.md]

Starts a real `clarus-daemon serve` on 127.0.0.1 with its default connection
settings (idle timeout 15 s, cap 4096), then pings /api/ping the way curl does
(a new connection per request) every 20 ms for 20 s, longer than the idle
timeout: first unloaded, then while a child process holds `--idle` idle sockets
and `--slowloris` clients trickling one header line a second, each reconnecting
as soon as the daemon closes it. Reports ping latency and the
daemon's open file descriptors (sampled every ping) in both phases.
"""

import argparse
import http.client
import statistics
import tempfile
import time
from pathlib import Path

from tests.infra.daemon_process import DaemonProcess, start_daemon
from tests.infra.flood import Flood, FloodProcess, open_fds
from tests.infra.ports import free_port

PINGS = 1000


def _config(port: int, tmp: Path) -> str:
    return f"""
[server]
listen = ["127.0.0.1:{port}"]
compat_drift_listen = ""
log_level = "WARNING"
[history]
path = "{tmp / "history.sqlite3"}"
"""


def ping_series(daemon: DaemonProcess, port: int, count: int) -> tuple[list[float], int, int]:
    """(latencies ms, failed pings, peak open fds of the daemon)."""
    latencies: list[float] = []
    failures = 0
    peak_fds = 0
    for _ in range(count):
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/ping")
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                failures += 1
        except OSError:
            failures += 1
        latencies.append((time.perf_counter() - started) * 1000)
        peak_fds = max(peak_fds, open_fds(daemon.process.pid))
        time.sleep(0.02)
    return latencies, failures, peak_fds


def row(phase: str, series: tuple[list[float], int, int]) -> str:
    latencies, failures, peak_fds = series
    cuts = statistics.quantiles(latencies, n=100)
    return (
        f"| {phase} | {len(latencies)} | {failures} | {statistics.median(latencies):.2f} "
        f"| {cuts[98]:.2f} | {max(latencies):.1f} | {peak_fds} |"
    )


def run(idle: int, slowloris: int, tmp: Path) -> str:
    port = free_port()
    daemon = start_daemon(tmp, _config(port, tmp), ping_url=f"http://127.0.0.1:{port}/api/ping")
    try:
        baseline = ping_series(daemon, port, PINGS)
        with FloodProcess(Flood(port, idle=idle, slowloris=slowloris)):
            time.sleep(5)  # every flood client connected at least once
            flooded = ping_series(daemon, port, PINGS)
    finally:
        daemon.terminate()
    p99_ratio = (
        statistics.quantiles(flooded[0], n=100)[98] / statistics.quantiles(baseline[0], n=100)[98]
    )
    return "\n".join(
        [
            f"{idle:,} idle sockets + {slowloris:,} slowloris clients (reconnecting when "
            "closed); one new connection per ping, every 20 ms.",
            "",
            "| phase | pings | failed | p50 ms | p99 ms | max ms | daemon open fds (peak) |",
            "|---|---|---|---|---|---|---|",
            row("unloaded", baseline),
            row("flooded", flooded),
            "",
            f"p99 flooded / unloaded: {p99_ratio:.1f}x",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle", type=int, default=2000)
    parser.add_argument("--slowloris", type=int, default=200)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="connections-flood-") as tmp:
        text = run(args.idle, args.slowloris, Path(tmp))
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
