"""Which configured column methods the engine computes itself (importable anywhere)."""

from clarus_daemon.drift.results import DetectOptions

NATIVE_METHODS = frozenset({"ks", "wasserstein", "jensenshannon", "chisquare", "z"})


def by_evidently(column: str, options: DetectOptions) -> bool:
    """Whether the column's configured method is left to Evidently's own function."""
    method = options.column_methods.get(column)
    return method is not None and method not in NATIVE_METHODS
