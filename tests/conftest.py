pytest_plugins = [
    "tests.infra.docker_engine",
    "tests.infra.venvs",
    "tests.infra.ids_agent",
    "tests.infra.registry",
    "tests.infra.images",
    "tests.infra.mlflow_server",
    "tests.infra.s3",
    "tests.infra.airflow",
    "tests.infra.airflow_server",
    "tests.infra.drift_app",
    "tests.infra.migration_site",
    "tests.infra.full_daemon",
]
