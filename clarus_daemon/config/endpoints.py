"""Where the daemon's upstream services live: MinIO, Airflow, the IDS agent."""

from typing import Literal

from pydantic import AnyHttpUrl, Field, SecretStr

from clarus_daemon.config.base import Section


class MinioSettings(Section):
    endpoint: str | None = Field(
        None, description="host:port of the MinIO (S3) server; MINIO_IP and MINIO_PORT."
    )
    access_key: str | None = Field(None, description="MINIO_USER.")
    secret_key: SecretStr | None = Field(None, description="MINIO_PASSWORD.")
    secure: bool = Field(False, description="Use HTTPS towards MinIO.")
    region: str | None = Field(None, description="S3 region, when the server needs one.")


class AirflowSettings(Section):
    url: AnyHttpUrl | None = Field(
        None, description="Base URL of Airflow's API server; AIRFLOW_IP and AIRFLOW_PORT."
    )
    username: str | None = Field(None, description="AIRFLOW_USER.")
    password: SecretStr | None = Field(None, description="AIRFLOW_PASSWORD.")
    api_version: Literal["auto", "v1", "v2"] = Field(
        "auto", description="v1 = Airflow 2 (basic auth), v2 = Airflow 3 (token); auto detects."
    )


class IdsSettings(Section):
    url: AnyHttpUrl | None = Field(
        None, description="Base URL of the local IDS agent; IDS_PROVIDER_IP and IDS_PROVIDER_PORT."
    )
    provider_ip: str | None = Field(
        None, description="Connector of the MLOps platform that offers inference images (v3)."
    )
    provider_port: int | None = Field(None, ge=1, le=65535)
