"""Where production models come from and where they are kept."""

from pathlib import Path

from pydantic import AnyHttpUrl, Field, SecretStr

from clarus_daemon.config.base import Section


class MlflowSettings(Section):
    tracking_uri: AnyHttpUrl | None = Field(
        None, description="MLflow tracking server; MLFLOW_TRACKING_URI."
    )
    username: str | None = Field(None, description="MLFLOW_TRACKING_USERNAME, if any.")
    password: SecretStr | None = Field(None, description="MLFLOW_TRACKING_PASSWORD, if any.")
    models_root: Path = Field(
        Path("/var/lib/clarus-daemon/models"),
        description="Directory behind the models volume shared with inference containers.",
    )
    stage: str = Field("Production", description="Model stage resolved by default.")
    alias: str | None = Field(None, description="Resolve this alias instead of the stage.")
    keep_versions: int = Field(3, ge=1, description="Model versions kept per experiment.")
    model_names: dict[str, str] = Field(
        default_factory=dict, description="exp_id -> registered model name, when they differ."
    )
