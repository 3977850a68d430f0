"""Entry points the worker processes run, importable without pandas or Evidently.

The daemon's process refers to these functions to submit them; the heavy modules
are imported inside, so they load only in the workers (where the pool's
initializer has already imported them once).
"""

import contextlib
import ctypes
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from clarus_daemon.drift.results import Detection, DetectOptions, RenderedReport

P = ParamSpec("P")
T = TypeVar("T")


def detect_files(
    reference: Path | None,
    current: Path,
    options: DetectOptions,
    names: tuple[str, str],
    cache_file: Path | None = None,
) -> Detection:
    """detect() on downloaded files; files, not bytes, keep big datasets out of the
    pickles the daemon's process would have to build on its event loop's GIL.

    reference None: its summary is read from `cache_file` (ReferenceNotCached when it
    is gone); otherwise the summary is written there for the next check.
    """
    from clarus_daemon.drift import reference_cache  # noqa: PLC0415
    from clarus_daemon.drift.detect import detect_against, read_reference  # noqa: PLC0415

    started = time.perf_counter()
    total = None
    if reference is None:
        assert cache_file is not None
        summary = reference_cache.load(cache_file)
    else:
        summary, total = read_reference(reference, names[0], options)
        if cache_file is not None:
            reference_cache.store(cache_file, summary)
    read_s = time.perf_counter() - started
    detection = detect_against(summary, current, options, names, read_s, reference_total=total)
    return detection.from_cache(reference is None)


def render_report(
    reference: Path,
    current: Path,
    options: DetectOptions,
    names: tuple[str, str],
    max_rows: int,
) -> RenderedReport:
    """Evidently's HTML and JSON report, from at most max_rows rows of each side."""
    from clarus_daemon.drift.report_render import render  # noqa: PLC0415

    return render(reference, current, options, names, max_rows)


def rss_kib(pid: int | str = "self") -> int:
    """A process's resident memory (0 when it is gone); the daemon reads its workers' too."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def release_memory() -> None:
    """Hand what a task freed back to the system: glibc and Arrow keep it otherwise, and
    a worker whose memory does not come back is replaced instead of serving again.
    (No gc.collect(): with pandas and scipy loaded it costs tens of milliseconds, and
    a check's arrays are freed by reference counting.)"""
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:
        pyarrow.default_memory_pool().release_unused()
    with contextlib.suppress(AttributeError, OSError):  # glibc only
        ctypes.CDLL(None).malloc_trim(0)


def served(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """fn(*args) as a worker runs every task: its memory released afterwards."""
    try:
        return fn(*args, **kwargs)
    finally:
        release_memory()


def warm_up() -> int:
    """The worker's resident memory (KiB) once ready: submitted first, it makes an
    executor start its process (and imports) now, and gives the pool its baseline."""
    release_memory()
    return rss_kib()
