"""The daemon's drift check end to end next to pandas + Evidently's Report.run.

    .venv/bin/python -m bench.drift.end_to_end [--rows 10000 100000 1000000] [--out FILE.md]

One run, the same files: for each size, a reference (red wines resampled) and new
data (red wines resampled again: no drift, so no report) are uploaded to a moto
S3 server, and a real `clarus-daemon serve` checks them twice through
GET /api/detect_data_drift: the first check reads both objects, the repeat check
finds the reference's summary cached (same ETag) and reads only the new data.
/api/ping is called every 5 ms meanwhile. The daemon's process tree is sampled
every 50 ms: the workers' peak RSS, and how long the tree takes to come back to
its idle RSS after a check. Then, in a fresh process, `pd.read_csv` of both files
and `Report([DataDriftPreset()], include_tests=True).run` (Evidently imported
before the clock starts). Last, one drifted check (red against white) at the
largest size, and the cost of Evidently's report alone.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.drift.ping_latency import (
    BUCKET,
    NEW_DATA,
    REFERENCE,
    bucket_client,
    check,
    ping_while,
    start_s3,
    stats,
)
from bench.drift.ping_latency import _config as daemon_config
from bench.drift.synth import resampled, write_pair
from bench.drift.throughput import evidently_report
from tests.infra import processes
from tests.infra.daemon_process import DaemonProcess, start_daemon
from tests.infra.ports import free_port

SIZES = (10_000, 100_000, 1_000_000)
SETTLE_S = 10.0


def _rss_kib(pid: int, field: str = "VmRSS:") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    try:
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return children + [grandchild for child in children for grandchild in _descendants(child)]


def tree_rss_mib(pid: int) -> float:
    return sum(_rss_kib(p) for p in [pid, *_descendants(pid)]) / 1024


class TreeSampler(threading.Thread):
    """Highest VmHWM seen per child process of the daemon, every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peaks: dict[int, int] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for child in _descendants(self.pid):
                self.peaks[child] = max(self.peaks.get(child, 0), _rss_kib(child, "VmHWM:"))
            time.sleep(0.05)

    def worker_peak_mib(self) -> float:
        return max(self.peaks.values(), default=0) / 1024


def settle(pid: int, idle_mib: float) -> tuple[float, float]:
    """(seconds until the tree is within 100 MB of idle, RSS then); at most SETTLE_S."""
    started = time.perf_counter()
    while True:
        rss = tree_rss_mib(pid)
        waited = time.perf_counter() - started
        if rss <= idle_mib + 100 or waited >= SETTLE_S:
            return waited, rss
        time.sleep(0.1)


def daemon_check(daemon: DaemonProcess, port: int, idle_mib: float) -> dict[str, Any]:
    sampler = TreeSampler(daemon.process.pid)
    sampler.start()
    try:
        pings, answer = ping_while(port, lambda: check(port))
    finally:
        sampler.stop.set()
        sampler.join()
    settle_s, after_mib = settle(daemon.process.pid, idle_mib)
    return {
        "wall_s": answer["wall_s"],
        "drift": answer["drift"],
        "pings": stats(pings),
        "worker_peak_mib": sampler.worker_peak_mib(),
        "settle_s": settle_s,
        "after_mib": after_mib,
    }


def evidently_child(reference: str, new_data: str) -> None:
    os.environ["DO_NOT_TRACK"] = "1"
    import evidently.presets  # noqa: F401, PLC0415

    started = time.perf_counter()
    evidently_report(Path(reference), Path(new_data))
    seconds = time.perf_counter() - started
    peak = _rss_kib(os.getpid(), "VmHWM:") / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak}))


def report_child(reference: str, new_data: str) -> None:
    from clarus_daemon.drift.report_render import render  # noqa: PLC0415
    from clarus_daemon.drift.results import DetectOptions  # noqa: PLC0415

    started = time.perf_counter()
    rendered = render(
        Path(reference).read_bytes(),
        Path(new_data).read_bytes(),
        DetectOptions(),
        ("r.csv", "n.csv"),
        100_000,
    )
    seconds = time.perf_counter() - started
    peak = _rss_kib(os.getpid(), "VmHWM:") / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "sampled": rendered.sampled}))


def in_child(kind: str, reference: Path, new_data: Path) -> dict[str, Any]:
    argv = [sys.executable, "-m", "bench.drift.end_to_end", "--child", kind]
    result = subprocess.run(
        [*argv, str(reference), str(new_data)], capture_output=True, text=True, check=True
    )
    measured: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def same_distribution_pair(directory: Path, rows: int) -> tuple[Path, Path]:
    reference, _ = write_pair(directory, rows)
    new_data = directory / f"red-again-{rows}.csv"
    if not new_data.exists():
        resampled("red", rows, seed=3).to_csv(new_data, sep=";", index=False)
    return reference, new_data


def _row(rows: int, first: dict[str, Any], repeat: dict[str, Any], theirs: dict[str, Any]) -> str:
    return (
        f"| {rows:,} | {theirs['seconds']:.2f} | {first['wall_s']:.2f} "
        f"| {theirs['seconds'] / first['wall_s']:.1f}x | {repeat['wall_s']:.2f} "
        f"| {theirs['seconds'] / repeat['wall_s']:.1f}x | {theirs['peak_mib']:,.0f} "
        f"| {max(first['worker_peak_mib'], repeat['worker_peak_mib']):,.0f} "
        f"| {first['settle_s']:.1f} s ({first['after_mib']:,.0f} MiB) "
        f"| {first['pings'].split(' | ')[2]} / {repeat['pings'].split(' | ')[2]} |"
    )


def run(sizes: list[int], data_dir: Path, tmp: Path) -> str:
    moto, s3_port = start_s3(tmp)
    lines: list[str] = []
    try:
        s3 = bucket_client(s3_port)
        port = free_port()
        config = daemon_config(port, s3_port, tmp)
        daemon = start_daemon(tmp, config, ping_url=f"http://127.0.0.1:{port}/api/ping")
        try:
            time.sleep(8)  # the workers import their modules
            idle_mib = tree_rss_mib(daemon.process.pid)
            lines.append(f"Idle: daemon process tree {idle_mib:,.0f} MiB (workers included).")
            lines += [
                "",
                "| rows (each side) | pd.read_csv + Report.run s | daemon first check s | "
                "ratio | daemon repeat check s | ratio | Evidently peak MiB "
                "| daemon worker peak MiB | tree back to idle+100 MB after | "
                "/api/ping p99 ms first / repeat |",
                "|---|---|---|---|---|---|---|---|---|---|",
            ]
            for rows in sizes:
                reference, new_data = same_distribution_pair(data_dir, rows)
                s3.upload_file(str(reference), BUCKET, REFERENCE)
                s3.upload_file(str(new_data), BUCKET, NEW_DATA)
                first = daemon_check(daemon, port, idle_mib)
                repeat = daemon_check(daemon, port, idle_mib)
                assert not first["drift"] and not repeat["drift"]
                theirs = in_child("evidently", reference, new_data)
                lines.append(_row(rows, first, repeat, theirs))
            rows = max(sizes)
            reference, white = write_pair(data_dir, rows)
            s3.upload_file(str(reference), BUCKET, REFERENCE)
            s3.upload_file(str(white), BUCKET, NEW_DATA)
            drifted = daemon_check(daemon, port, idle_mib)
            assert drifted["drift"]
            report = in_child("report", reference, white)
        finally:
            daemon.terminate()
    finally:
        processes.stop(moto)
    lines += [
        "",
        f"Drifted check at {rows:,} rows (red against white; all five steps, the report "
        f"rendered by Evidently in its own process from 100,000 rows per side): "
        f"{drifted['wall_s']:.2f} s end to end; the report alone {report['seconds']:.2f} s, "
        f"peak {report['peak_mib']:,.0f} MiB in the report process; worker peak "
        f"{drifted['worker_peak_mib']:,.0f} MiB (report process included); tree back to idle "
        f"+100 MB after {drifted['settle_s']:.1f} s.",
        "",
        f"Load average at the end: {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} "
        f"(1 / 5 min), {len(os.sched_getaffinity(0))} cores.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, reference, new_data = args.child
        (evidently_child if kind == "evidently" else report_child)(reference, new_data)
        return
    with tempfile.TemporaryDirectory(prefix="drift-e2e-") as tmp:
        text = run(args.rows, args.data_dir or Path(tmp), Path(tmp))
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
