"""The environment variables of the old node agent and drift detector.

A pilot switching to the daemon keeps its `.env`; each old name lands on the key of
the settings tree that has the same meaning. Compose files of the old kit quote
values (`AIRFLOW_PORT='30007'`) and older docker-compose passes the quotes through,
so one level of matching quotes is stripped.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from clarus_daemon.config.errors import ConfigError

DEFAULT_MONITOR = "default"

# env name -> path in the settings tree, for variables that map one to one
DIRECT: dict[str, tuple[str, ...]] = {
    "DOCKER_HOST": ("docker", "url"),
    "MLFLOW_TRACKING_URI": ("mlflow", "tracking_uri"),
    "MLFLOW_TRACKING_USERNAME": ("mlflow", "username"),
    "MLFLOW_TRACKING_PASSWORD": ("mlflow", "password"),
    # MLflow's own names for the S3 store behind s3:// artifact URIs
    "MLFLOW_S3_ENDPOINT_URL": ("mlflow", "s3_endpoint_url"),
    "AWS_ACCESS_KEY_ID": ("mlflow", "s3_access_key"),
    "AWS_SECRET_ACCESS_KEY": ("mlflow", "s3_secret_key"),
    "AIRFLOW_USER": ("airflow", "username"),
    "AIRFLOW_PASSWORD": ("airflow", "password"),
    "MINIO_USER": ("minio", "access_key"),
    "MINIO_PASSWORD": ("minio", "secret_key"),
    "MINIO_BUCKET": ("drift", "monitors", DEFAULT_MONITOR, "bucket"),
    "MINIO_REF_DATA": ("drift", "monitors", DEFAULT_MONITOR, "reference"),
    "MINIO_NEW_DATA": ("drift", "monitors", DEFAULT_MONITOR, "new_data"),
    "MINIO_REPORT_PATH": ("drift", "monitors", DEFAULT_MONITOR, "report_path"),
    "EXPERIMENT_ID": ("drift", "monitors", DEFAULT_MONITOR, "experiment_id"),
    "ID_AIRFLOW_DAG": ("drift", "monitors", DEFAULT_MONITOR, "dag_id"),
    "DRIFT_SCHEDULE": ("drift", "monitors", DEFAULT_MONITOR, "schedule"),
}

# (host variable, port variable, default port, scheme) -> path of the joined address
ADDRESSES: dict[tuple[str, str], tuple[tuple[str, ...], int | None, str | None]] = {
    ("AIRFLOW_IP", "AIRFLOW_PORT"): (("airflow", "url"), 8080, "http"),
    ("IDS_PROVIDER_IP", "IDS_PROVIDER_PORT"): (("ids", "url"), 8082, "http"),
    ("MINIO_IP", "MINIO_PORT"): (("minio", "endpoint"), 9000, None),
}

# The old node agent passed IDS_PROVIDER_IP to the data space as the connector that
# offers inference images (/api/v3 deploys), next to the agent reached on that host.
PROVIDER_HOST = ("IDS_PROVIDER_IP", ("ids", "provider_ip"))

OVERRIDE_PREFIX = "CLARUS__"


@dataclass
class LegacyOverlay:
    """Values taken from the environment, and which variable each came from."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[tuple[str, ...], str] = field(default_factory=dict)

    def put(self, path: tuple[str, ...], value: Any, source: str) -> None:
        node = self.values
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
        self.sources[path] = source


def unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _port(env: Mapping[str, str], name: str, default: int | None) -> int | None:
    raw = env.get(name)
    if raw is None or unquote(raw) == "":
        return default
    text = unquote(raw)
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ConfigError(f"{name}: {text!r} is not a port number (1-65535)")
    return int(text)


def _join_address(host: str, port: int | None, scheme: str | None) -> str:
    if "://" in host:  # already a URL; the port variable only fills a missing port
        return host if port is None or host.count(":") > 1 else f"{host}:{port}"
    address = host if port is None else f"{host}:{port}"
    return f"{scheme}://{address}" if scheme else address


def _host_of(address: str) -> str:
    return (urlsplit(address).hostname or address) if "://" in address else address


def _override_path(name: str) -> tuple[str, ...]:
    return tuple(part.lower() for part in name[len(OVERRIDE_PREFIX) :].split("__") if part)


def overlay_from_env(env: Mapping[str, str]) -> LegacyOverlay:
    """Translate old variable names (and CLARUS__SECTION__KEY overrides) into settings."""
    overlay = LegacyOverlay()
    for name, path in DIRECT.items():
        if env.get(name) not in (None, ""):
            overlay.put(path, unquote(env[name]), name)
    for (host_var, port_var), (path, default_port, scheme) in ADDRESSES.items():
        host = unquote(env.get(host_var, ""))
        port = _port(env, port_var, default_port)
        if host:
            overlay.put(path, _join_address(host, port, scheme), f"{host_var}, {port_var}")
    provider_var, provider_path = PROVIDER_HOST
    if provider := unquote(env.get(provider_var, "")):
        overlay.put(provider_path, _host_of(provider), provider_var)
    for name, raw in env.items():
        if name.startswith(OVERRIDE_PREFIX) and len(path := _override_path(name)) >= 2:
            overlay.put(path, unquote(raw), name)
    return overlay
