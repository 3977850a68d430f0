"""The one typed settings object the daemon is built from."""

from pathlib import Path

from pydantic import Field

from clarus_daemon.config.auth import AuthSettings
from clarus_daemon.config.base import Section
from clarus_daemon.config.drift import DriftSettings
from clarus_daemon.config.endpoints import AirflowSettings, IdsSettings, MinioSettings
from clarus_daemon.config.history import HistorySettings
from clarus_daemon.config.inference import DockerSettings, InferenceSettings
from clarus_daemon.config.limits import LimitsSettings
from clarus_daemon.config.mlflow import MlflowSettings
from clarus_daemon.config.scheduling import SchedulerSettings
from clarus_daemon.config.server import ServerSettings


class Settings(Section):
    server: ServerSettings = Field(default_factory=ServerSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    docker: DockerSettings = Field(default_factory=DockerSettings)
    inference: InferenceSettings = Field(default_factory=InferenceSettings)
    mlflow: MlflowSettings = Field(default_factory=MlflowSettings)
    minio: MinioSettings = Field(default_factory=MinioSettings)
    airflow: AirflowSettings = Field(default_factory=AirflowSettings)
    ids: IdsSettings = Field(default_factory=IdsSettings)
    drift: DriftSettings = Field(default_factory=DriftSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    history: HistorySettings = Field(default_factory=HistorySettings)
    limits: LimitsSettings = Field(default_factory=LimitsSettings)

    @property
    def state_dir(self) -> Path:
        """Where the daemon keeps what must survive a restart: the history's directory."""
        return self.history.path.parent
