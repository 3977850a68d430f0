"""Entry points the worker processes run, importable without pandas or Evidently.

The daemon's process refers to these functions to submit them; the heavy modules
are imported inside, so they load only in the workers (where the pool's
initializer has already imported them once).
"""

import time
from pathlib import Path

from clarus_daemon.drift.results import Detection, DetectOptions, RenderedReport


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


def warm_up() -> None:
    """Nothing: submitting it makes an executor start its process (and imports) now."""
