"""Caps on what API clients can make the daemon hold at once."""

from pydantic import Field

from clarus_daemon.config.base import Section


class LimitsSettings(Section):
    max_services: int = Field(
        50, ge=1, description="Managed inference services at most; a new one beyond is a 429."
    )
    max_pending_deploys: int = Field(
        8, ge=1, description="Deploy and remove calls running or waiting at once."
    )
    max_pending_pulls: int = Field(
        8, ge=1, description="Image pulls running or waiting for a slot at once."
    )
    max_pending_drift_checks: int = Field(
        8, ge=1, description="Drift checks called through the API, running or waiting."
    )
    min_free_pull_mb: int = Field(
        2048, ge=0, description="Free space the Docker data root must keep for a pull (MiB)."
    )
    max_pending_model_fetches: int = Field(
        4, ge=1, description="Model fetches running or waiting at once."
    )
