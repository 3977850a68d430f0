"""Failures of the models volume itself (the MLflow side uses the common tree)."""

from clarus_daemon.errors import DaemonError


class InsufficientStorage(DaemonError):
    """The model would not fit on the models volume with the configured margin."""

    status = 507
    code = "insufficient_storage"


class ModelsVolumeError(DaemonError):
    """Writing the models volume failed (permissions, I/O error, full disk mid-way)."""

    status = 500
    code = "models_volume_error"
