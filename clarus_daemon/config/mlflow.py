"""Where production models come from and where they are kept."""

from pathlib import Path

from pydantic import AnyHttpUrl, Field, SecretStr

from clarus_daemon.config.base import PositiveSeconds, Section


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
    read_timeout_s: PositiveSeconds = Field(
        60.0, description="A download stalled this long fails (s); big models have no total limit."
    )
    min_free_bytes: int = Field(
        512 * 1024 * 1024, ge=0, description="Free space left on the models volume after a fetch."
    )
    restart_inference: bool = Field(
        False, description="Restart the experiment's managed inference containers after a switch."
    )
    s3_endpoint_url: AnyHttpUrl | None = Field(
        None,
        description="S3 server holding MLflow's artifacts when they are s3:// URIs "
        "(MLflow's MLFLOW_S3_ENDPOINT_URL); the [minio] server when unset.",
    )
    s3_access_key: str | None = Field(None, description="Access key for s3_endpoint_url.")
    s3_secret_key: SecretStr | None = Field(None, description="Secret key for s3_endpoint_url.")
