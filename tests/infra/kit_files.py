"""The old inference kit's files, written exactly as a pilot has them.

Format from the kit (see the migration section of the README): every `.env` value
single-quoted, three lines holding one space, a blank line and a commented-out copy
of the block; `config.json` tab-indented with an empty `auths` entry per registry;
the compose file with its two services. Addresses are the test's loopback servers.
"""

import json
from dataclasses import dataclass
from pathlib import Path

ENV_KEYS = (
    ("AIRFLOW_IP", "AIRFLOW_PORT", "ID_AIRFLOW_DAG", "AIRFLOW_USER", "AIRFLOW_PASSWORD"),
    (
        "MINIO_IP",
        "MINIO_PORT",
        "MINIO_USER",
        "MINIO_PASSWORD",
        "MINIO_BUCKET",
        "MINIO_REF_DATA",
        "MINIO_NEW_DATA",
        "MINIO_REPORT_PATH",
    ),
    ("EXPERIMENT_ID", "IDS_PROVIDER_IP", "IDS_PROVIDER_PORT"),
)

COMPOSE = """\
version: '3.7'

services:
  clarus_node_agent:
    image: clarusproject/clarus_node_agent:v0.0.4
    container_name: clarus_node_agent
    hostname: clarus_node_agent
    ports:
      - "8081:8081"
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - ./config.json:/root/.docker/config.json
    environment:
      - IDS_PROVIDER_IP={ids_host}
    logging:
      driver: "json-file"
      options:
        max-size: "50m"
        max-file: "5"
    networks:
      - clarus_inference_network

  clarus_drift_detector:
    image: clarusproject/clarus_edge_drift_detector:v0.0.1
    container_name: clarus_drift_detector
    env_file: .env
    ports:
      - "5000:5000"
    networks:
      - clarus_inference_network

networks:
  clarus_inference_network:
    external: true
"""


def env_text(values: dict[str, str]) -> str:
    """The kit's .env layout: quoted values, groups split by a line holding one space."""
    blocks = ["\n".join(f"{key}='{values.get(key, '')}'" for key in keys) for keys in ENV_KEYS]
    active = "\n \n".join(blocks)
    commented = "\n".join(f"# {line}" if line.strip() else "# " for line in active.splitlines())
    return f"{active}\n\n# Wine example from Ikerlan\n{commented}\n \n"


def docker_config_text(auths: dict[str, dict[str, str]]) -> str:
    return json.dumps({"auths": auths}, indent="\t")


@dataclass(frozen=True)
class KitFiles:
    directory: Path

    @property
    def env(self) -> Path:
        return self.directory / ".env"

    @property
    def docker_config(self) -> Path:
        return self.directory / "config.json"

    @property
    def compose(self) -> Path:
        return self.directory / "docker-compose.yml"


def write_kit_files(
    directory: Path, env: dict[str, str], auths: dict[str, dict[str, str]]
) -> KitFiles:
    directory.mkdir(parents=True, exist_ok=True)
    files = KitFiles(directory)
    files.env.write_text(env_text(env))
    files.docker_config.write_text(docker_config_text(auths))
    files.compose.write_text(COMPOSE.format(ids_host=env.get("IDS_PROVIDER_IP", "")))
    return files
