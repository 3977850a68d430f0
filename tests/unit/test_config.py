"""Settings: the old variable names, quoting, precedence and clear errors."""

from pathlib import Path

import pytest

from clarus_daemon.config import ConfigError, load_settings
from clarus_daemon.config.legacy_env import DEFAULT_MONITOR

OLD_ENV = {
    "MLFLOW_TRACKING_URI": "http://10.0.0.12:5000",
    "IDS_PROVIDER_IP": "10.0.0.13",
    "IDS_PROVIDER_PORT": "8082",
    "AIRFLOW_IP": "10.0.0.10",
    "AIRFLOW_PORT": "'30007'",
    "AIRFLOW_USER": "admin",
    "AIRFLOW_PASSWORD": '"s3cret"',
    "ID_AIRFLOW_DAG": "redwine_production_dag_over_k8s",
    "MINIO_IP": "10.0.0.11",
    "MINIO_PORT": "9000",
    "MINIO_USER": "minio",
    "MINIO_PASSWORD": "minio-secret",
    "MINIO_BUCKET": "datasets",
    "MINIO_REF_DATA": "uc_wine/winequality-red.csv",
    "MINIO_NEW_DATA": "uc_wine/winequality-red-new.csv",
    "MINIO_REPORT_PATH": "reports",
    "EXPERIMENT_ID": "Clarus_RedWine_experiment",
}


def load(environ: dict[str, str], config: Path | None = None, env_file: Path | None = None):
    return load_settings(config, env_file=env_file, environ=environ)


def test_embedded_default_needs_nothing() -> None:
    settings = load({})
    assert settings.server.listen == ["0.0.0.0:8081"]
    assert settings.docker.url == "unix:///var/run/docker.sock"
    assert settings.drift.monitors == {}
    assert settings.mlflow.tracking_uri is None


def test_every_old_variable_keeps_its_meaning() -> None:
    settings = load(OLD_ENV)
    assert str(settings.mlflow.tracking_uri) == "http://10.0.0.12:5000/"
    assert str(settings.ids.url) == "http://10.0.0.13:8082/"
    assert settings.ids.provider_ip == "10.0.0.13"
    assert settings.ids.provider_port is None
    assert str(settings.airflow.url) == "http://10.0.0.10:30007/"
    assert settings.airflow.username == "admin"
    assert settings.airflow.password is not None
    assert settings.airflow.password.get_secret_value() == "s3cret"
    assert settings.minio.endpoint == "10.0.0.11:9000"
    assert settings.minio.access_key == "minio"
    assert settings.minio.secret_key is not None
    assert settings.minio.secret_key.get_secret_value() == "minio-secret"
    monitor = settings.drift.monitors[DEFAULT_MONITOR]
    assert monitor.bucket == "datasets"
    assert monitor.reference == "uc_wine/winequality-red.csv"
    assert monitor.new_data == "uc_wine/winequality-red-new.csv"
    assert monitor.report_path == "reports"
    assert monitor.experiment_id == "Clarus_RedWine_experiment"
    assert monitor.dag_id == "redwine_production_dag_over_k8s"


def test_dotenv_file_is_read_like_the_old_kit(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("AIRFLOW_IP=airflow.local\nAIRFLOW_PORT='30007'\n")
    settings = load({}, env_file=env_file)
    assert str(settings.airflow.url) == "http://airflow.local:30007/"


def test_environment_overrides_dotenv_and_file(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[airflow]\nurl = "http://from-file:1"\n[server]\nlog_format = "json"\n')
    env_file = tmp_path / ".env"
    env_file.write_text("AIRFLOW_IP=from-dotenv\n")
    settings = load({"AIRFLOW_IP": "from-env"}, config=config, env_file=env_file)
    assert str(settings.airflow.url) == "http://from-env:8080/"
    assert settings.server.log_format == "json"


def test_file_defines_extra_monitors(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[drift.monitors.white]\nbucket = "b"\nreference = "r.csv"\nnew_data = "n.csv"\n'
    )
    settings = load(OLD_ENV, config=config)
    assert set(settings.drift.monitors) == {"white", DEFAULT_MONITOR}


def test_nested_override_variables() -> None:
    settings = load({"CLARUS__SERVER__LOG_LEVEL": "DEBUG"})
    assert settings.server.log_level == "DEBUG"


def test_example_config_and_env_are_valid() -> None:
    root = Path(__file__).parents[2]
    settings = load(
        {}, config=root / "config/clarus-daemon.toml", env_file=root / "config/example.env"
    )
    assert DEFAULT_MONITOR in settings.drift.monitors


@pytest.mark.parametrize(
    ("environ", "toml", "named"),
    [
        ({"AIRFLOW_IP": "a", "AIRFLOW_PORT": "99999"}, "", "AIRFLOW_PORT"),
        ({"MINIO_IP": "m", "MINIO_PORT": "nine"}, "", "MINIO_PORT"),
        ({"MLFLOW_TRACKING_URI": "not a url"}, "", "MLFLOW_TRACKING_URI"),
        ({"MINIO_BUCKET": "datasets"}, "", "drift.monitors.default.reference"),
        ({}, "[server]\nlisten = ['0.0.0.0:70000']\n", "server.listen"),
        ({}, "[server]\nlog_format = 3\n", "server.log_format"),
        ({}, "[server]\nbogus = 1\n", "server.bogus"),
        ({}, "[inference]\nreadiness_timeout_s = 'soon'\n", "inference.readiness_timeout_s"),
        ({}, "[inference]\nhost_port_range = [9000, 80]\n", "host_port_range"),
        ({}, "[inference]\nhost_port_range = [0, 80]\n", "inference.host_port_range"),
        ({}, "[server\n", "not valid TOML"),
    ],
)
def test_invalid_configuration_names_the_key(
    tmp_path: Path, environ: dict[str, str], toml: str, named: str
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        load(environ, config=config)


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml"):
        load({}, config=tmp_path / "nope.toml")
