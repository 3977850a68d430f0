"""clarus-daemon: the edge agent of a CLARUS MLOps pilot."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("clarus-daemon")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
