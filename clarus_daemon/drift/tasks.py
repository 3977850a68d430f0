"""Entry points the worker pool runs, importable without pandas or Evidently.

The daemon's process refers to these functions to submit them; the heavy modules
are imported inside, so they load only in the worker (where the pool's
initializer has already imported them once).
"""

from pathlib import Path

from clarus_daemon.drift.results import Detection, DetectOptions


def detect_files(
    reference: Path, current: Path, options: DetectOptions, names: tuple[str, str]
) -> Detection:
    """detect() on two downloaded files; files, not bytes, keep big datasets out of
    the pickles the daemon's process would have to build on its event loop's GIL."""
    from clarus_daemon.drift.detect import detect  # noqa: PLC0415

    return detect(reference.read_bytes(), current.read_bytes(), options, names)


def warm_up() -> None:
    """Nothing: submitting it makes the pool start a worker (and import) ahead of need."""
