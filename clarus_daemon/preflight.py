"""What check-config can tell before `serve` runs: reasons it would refuse to start,
and old variables a feature still lacks.
"""

from clarus_daemon.config import Settings
from clarus_daemon.config.legacy_env import DEFAULT_MONITOR
from clarus_daemon.inference.ports import bind_error
from clarus_daemon.listeners import exposed_without_auth
from clarus_daemon.server import StartupError, tls_context


def _port_problem(host: str, port: int) -> str | None:
    error = bind_error(host, port)
    return None if error is None else error.strerror or str(error)


def start_blockers(settings: Settings) -> list[str]:
    """Every setting that makes `serve` exit instead of starting."""
    found = []
    exposed = exposed_without_auth(settings)
    if exposed and not settings.auth.allow_insecure_no_auth:
        where = ", ".join(map(str, exposed))
        found.append(
            f"serve will refuse to start: no API token is configured and it would listen on "
            f"{where}; configure [auth] tokens, listen on 127.0.0.1, or start it with "
            "--insecure-no-auth (as the shipped docker-compose.yml does)"
        )
    try:
        tls_context(settings)
    except StartupError as err:
        found.append(f"serve will refuse to start: {err}")
    for address in settings.server.listen_addresses:
        problem = _port_problem(address.host, address.port)
        if problem is not None:
            found.append(f"serve will refuse to start: cannot listen on {address}: {problem}")
    return found


def missing_old_variables(settings: Settings) -> list[str]:
    """Features the old .env configured for the old services that lack a value here."""
    found = []
    ids = settings.ids
    if ids.url is None:
        found.append(
            "v3 deploys and the data-space update after drift need the IDS agent: "
            "add IDS_PROVIDER_IP (and IDS_PROVIDER_PORT, 8082 when unset)"
        )
    elif ids.provider_ip is None:
        found.append("v3 deploys need the providing connector: add IDS_PROVIDER_IP")
    docker_config = settings.docker.config_file
    if docker_config is not None and not docker_config.is_file():
        found.append(
            f"docker.config_file {docker_config} is not a file: private registries are "
            "pulled from without a login (copy the kit's config.json there)"
        )
    monitor = settings.drift.monitors.get(DEFAULT_MONITOR)
    if monitor is None:
        return found
    if settings.minio.endpoint is None:
        found.append("drift detection reads MinIO: add MINIO_IP (and MINIO_PORT, 9000 when unset)")
    if settings.minio.access_key is None or settings.minio.secret_key is None:
        found.append("drift detection logs in to MinIO: add MINIO_USER and MINIO_PASSWORD")
    if monitor.dag_id is not None and settings.airflow.url is None:
        found.append(
            "retraining on drift triggers Airflow: add AIRFLOW_IP (and AIRFLOW_PORT, "
            "8080 when unset)"
        )
    if monitor.dag_id is None:
        found.append("retraining on drift needs the DAG to trigger: add ID_AIRFLOW_DAG")
    if monitor.experiment_id is None and ids.url is not None:
        found.append("the data-space update after drift needs the asset id: add EXPERIMENT_ID")
    return found
