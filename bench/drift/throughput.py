"""Drift detection cost in one process: the daemon's detect() next to Evidently called directly.

    .venv/bin/python -m bench.drift.throughput [--rows 10000 100000 1000000] [--out FILE.md]

For each size, on the same files: detect() as the worker runs it (bytes in: CSV
parse, checks, typing, the engine's verdict; no report, which a drifted check
renders in a process of its own), and Evidently called directly (pandas read, the
same DataDefinition, Report.run, its HTML and JSON). `bench.drift.end_to_end`
measures the daemon as a whole. Each measurement runs in a fresh process, so its peak RSS is
its own. Also the CSV read alone: pandas' pyarrow engine (the daemon's) and C engine.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.drift.synth import write_pair

SIZES = (10_000, 100_000, 1_000_000)


def _ours(reference: Path, new_data: Path) -> None:
    from clarus_daemon.drift.detect import detect  # noqa: PLC0415
    from clarus_daemon.drift.results import DetectOptions  # noqa: PLC0415

    detection = detect(reference.read_bytes(), new_data.read_bytes(), DetectOptions(), ("r", "n"))
    assert detection.drift


def evidently_report(reference: Path, new_data: Path) -> Any:
    """What a user runs instead of the daemon: pandas' read and Evidently's preset."""
    import pandas as pd  # noqa: PLC0415
    from evidently import DataDefinition, Dataset, Report  # noqa: PLC0415
    from evidently.presets import DataDriftPreset  # noqa: PLC0415

    ref = pd.read_csv(reference, sep=";", engine="pyarrow")
    cur = pd.read_csv(new_data, sep=";", engine="pyarrow")
    definition = DataDefinition(numerical_columns=list(ref.columns), categorical_columns=[])
    snapshot = Report([DataDriftPreset()], include_tests=True).run(
        Dataset.from_pandas(cur, data_definition=definition),
        Dataset.from_pandas(ref, data_definition=definition),
    )
    snapshot.dict()
    return snapshot


def _direct(reference: Path, new_data: Path) -> None:
    snapshot = evidently_report(reference, new_data)
    assert snapshot.get_html_str(as_iframe=False) and snapshot.json()


def _read(engine: str, reference: Path, new_data: Path) -> None:
    import pandas as pd  # noqa: PLC0415

    for path in (reference, new_data):
        pd.read_csv(path, sep=";", engine=engine)


MEASURES = {
    "ours": _ours,
    "direct": _direct,
    "read_pyarrow": lambda r, n: _read("pyarrow", r, n),
    "read_c": lambda r, n: _read("c", r, n),
}


def measure_here(kind: str, reference: Path, new_data: Path) -> None:
    """In the child: import what a worker imports at start (not timed), then time one run."""
    import importlib  # noqa: PLC0415

    from clarus_daemon.drift.worker_pool import PRELOADED  # noqa: PLC0415

    os.environ["DO_NOT_TRACK"] = "1"
    for module in (*PRELOADED, "evidently.presets"):
        importlib.import_module(module)
    started = time.perf_counter()
    MEASURES[kind](reference, new_data)
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_rss_mib": peak_mib}))


def measure_once(kind: str, reference: Path, new_data: Path) -> dict[str, float]:
    child = ["--child", kind, str(reference), str(new_data)]
    result = subprocess.run(
        [sys.executable, "-m", "bench.drift.throughput", *child],
        capture_output=True,
        text=True,
        check=True,
    )
    measured: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def measure(
    kinds: list[str], reference: Path, new_data: Path, repeat: int
) -> list[dict[str, float]]:
    """Per kind: median seconds and highest peak RSS over `repeat` runs, the kinds taking
    turns so that a change in the machine's load falls on all of them alike."""
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    for _ in range(repeat):
        for kind in kinds:
            runs[kind].append(measure_once(kind, reference, new_data))
    return [
        {
            "seconds": statistics.median(run["seconds"] for run in runs[kind]),
            "peak_rss_mib": max(run["peak_rss_mib"] for run in runs[kind]),
        }
        for kind in kinds
    ]


def _row(rows: int, label: str, measured: dict[str, float]) -> str:
    rate = rows / measured["seconds"]
    return (
        f"| {rows:,} | {label} | {measured['seconds']:.2f} | {rate:,.0f} "
        f"| {measured['peak_rss_mib']:,.0f} |"
    )


def report(sizes: list[int], workdir: Path, repeat: int) -> str:
    lines = [
        "| rows (each side) | what | seconds | rows/s | peak RSS MiB |",
        "|---|---|---|---|---|",
    ]
    reads = [
        "| rows (each side) | pyarrow engine s | C engine s | MB (both files) |",
        "|---|---|---|---|",
    ]
    for rows in sizes:
        reference, new_data = write_pair(workdir, rows)
        ours, direct = measure(["ours", "direct"], reference, new_data, repeat)
        lines += [_row(rows, "daemon `detect()`", ours), _row(rows, "Evidently directly", direct)]
        arrow, c = measure(["read_pyarrow", "read_c"], reference, new_data, repeat)
        megabytes = (reference.stat().st_size + new_data.stat().st_size) / 1e6
        reads.append(
            f"| {rows:,} | {arrow['seconds']:.3f} | {c['seconds']:.3f} | {megabytes:.0f} |"
        )
    machine = f"{platform.python_version()}, {len(os.sched_getaffinity(0))} cores"
    header = (
        f"Python {machine}; median of {repeat} runs per measurement, each in a fresh process, "
        f"load average {os.getloadavg()[0]:.1f} at the end."
    )
    return "\n".join([header, "", *lines, "", "CSV read:", "", *reads, ""])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--data-dir", type=Path, help="keep the synthesized CSVs here")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "REF", "NEW"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        measure_here(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    with tempfile.TemporaryDirectory(prefix="drift-bench-") as tmp:
        text = report(args.rows, args.data_dir or Path(tmp), args.repeat)
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
