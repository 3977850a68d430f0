"""What the daemon makes of the old kit's files: settings, adoptions, differences, files."""

import contextlib
import ipaddress
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from clarus_daemon.config import Settings, load_settings
from clarus_daemon.inference.adopt import Unmanaged
from clarus_daemon.migration.kit import DOCKER_CONFIG_MOUNT, Kit
from clarus_daemon.preflight import missing_old_variables

DEFAULT_NETWORK = "clarus_inference_network"
MONITOR_KEYS = {"bucket", "reference", "new_data", "report_path", "experiment_id", "dag_id"}
"""The monitor keys the old variables set."""
LOOPBACK_NETWORKS = ("127.0.0.0/8", "::1/128")
PLATFORM_PREFIX = 24
"""The subnet around each platform host the .env names, where the old clients call from."""
KIT_FORWARD_PORTS = (7070, 7072, 8081)
"""The forward ports of the kit's request collection and its environment."""
UNPRIVILEGED = 1024
TOKEN_PATH = "/var/lib/clarus-daemon/state/api-token"
"""Where the first start in the proposed compose file writes its generated token."""


@dataclass(frozen=True)
class Proposal:
    settings: Settings
    network: str
    agent_port: int
    drift_port: int
    adopt: list[Unmanaged]
    registries: list[str]
    old_services: list[str]
    """The kit's own containers, which the daemon replaces."""
    trusted_networks: list[str] = field(default_factory=lambda: list(LOOPBACK_NETWORKS))
    differences: list[str] = field(default_factory=list)

    @property
    def host_port_range(self) -> tuple[int, int]:
        """The default range, widened to the unprivileged ports adopted containers publish on,
        so that each can be replaced on its own port."""
        low, high = self.settings.inference.host_port_range
        ports = [p for u in self.adopt for p in u.host_ports if p >= UNPRIVILEGED]
        return min([low, *ports]), max([high, *ports])

    @property
    def privileged_adopted(self) -> list[str]:
        return [u.describe() for u in self.adopt if any(p < UNPRIVILEGED for p in u.host_ports)]


def _host(url: object | None) -> str | None:
    if url is None:
        return None
    text = str(url)
    return urlsplit(text if "//" in text else f"//{text}").hostname


def trusted_networks(settings: Settings, gateway: str | None) -> list[str]:
    """Loopback, the Docker gateway through which callers on the edge machine itself reach
    a published port, and the subnets of the platform hosts the .env names (Airflow,
    MinIO, the data-space connector): never a whole private range, which would hold the
    inference containers' own network too."""
    found = list(LOOPBACK_NETWORKS)
    if gateway:
        found.append(str(ipaddress.ip_network(gateway)))
    urls = (settings.airflow.url, settings.minio.endpoint, settings.ids.url)
    for host in filter(None, map(_host, urls)):
        with contextlib.suppress(ValueError):
            address = ipaddress.ip_address(host)
            if address.is_private and not address.is_loopback:
                found.append(
                    str(ipaddress.ip_network(f"{address}/{PLATFORM_PREFIX}", strict=False))
                )
    return list(dict.fromkeys(found))


def derive(kit: Kit, adoptable: list[Unmanaged], gateway: str | None = None) -> Proposal:
    """Settings exactly as `serve` will read the .env, plus what the compose file said."""
    compose = kit.compose
    agent_environment = compose.agent_environment if compose else {}
    # compose `environment` wins over env_file, as compose itself applies them
    settings = load_settings(None, env_file=kit.env_path, environ=agent_environment)
    network = (compose.networks[0] if compose and compose.networks else None) or DEFAULT_NETWORK
    agent_port = (compose.agent_port if compose else None) or 8081
    drift_port = (compose.drift_port if compose else None) or 5000
    registries = kit.docker_config.registries if kit.docker_config else []
    old_services = compose.container_names if compose else []
    proposal = Proposal(
        settings,
        network,
        agent_port,
        drift_port,
        adoptable,
        registries,
        old_services,
        trusted_networks(settings, gateway),
    )
    return Proposal(**{**proposal.__dict__, "differences": _differences(proposal)})


def _differences(proposal: Proposal) -> list[str]:
    inference = proposal.settings.inference
    low, high = proposal.host_port_range
    kit_ports = ", ".join(map(str, KIT_FORWARD_PORTS))
    privileged = proposal.privileged_adopted
    return [
        "auth: the old agents took no token. Clients calling from the trusted networks "
        f"({', '.join(proposal.trusted_networks)}) still need none ([auth] trusted_networks); "
        "any other caller needs a bearer token.",
        f"ports: both old ports answer every route ({proposal.agent_port} and "
        f"{proposal.drift_port}). Forward ports {low}-{high} are admitted "
        f"(inference.host_port_range; the kit's {kit_ports} lie in it), others are refused "
        "with 403; the daemon's own ports cannot be a forward port (409).",
        *(
            [
                f"privileged ports: {', '.join(privileged)} publish below {UNPRIVILEGED}; "
                "replacing them needs inference.host_port_range to include the port."
            ]
            if privileged
            else []
        ),
        "readiness: a deploy answers 201 once the container accepts connections, within "
        f"{inference.readiness_timeout_s:g} s (inference.readiness_timeout_s); otherwise 502 and "
        "the previous container runs again.",
        "redeploy: the same inference_id with another image or port replaces the service "
        "(201, outcome 'replaced') instead of failing on the container name.",
        "delete: an id that is not deployed answers 201 with nothing removed, as before; a "
        "container of that name that nobody adopted is never touched (404).",
    ]


def _toml_list(values: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def toml_text(proposal: Proposal) -> str:
    low, high = proposal.host_port_range
    kit_ports = ", ".join(map(str, KIT_FORWARD_PORTS))
    adopt = (
        f"adopt = {_toml_list([u.name for u in proposal.adopt])}"
        if proposal.adopt
        else '# adopt = ["*"]            # none found; "*" adopts every look-alike at start-up'
    )
    return f"""\
# Written by `clarus-daemon migrate` from the old kit's files. The old variables stay
# in .env (read unchanged); this file holds only what the daemon adds to them.
# Every key, with its default: config/clarus-daemon.toml of the daemon's sources.

[server]
listen = ["0.0.0.0:8081"]
compat_drift_listen = "5000"   # the old drift detector's port, for its clients

[auth]
# The kit's clients send no token. Callers from these networks are let in without one
# (scope write): loopback, the edge machine itself through Docker's port proxy (the
# gateway of {proposal.network}, when the engine was asked) and the subnets of the
# platform hosts the .env names. Add the plant subnets the clients really call from, or
# give the clients tokens and remove this key. Any other caller needs the token the first
# start generates ({TOKEN_PATH}).
trusted_networks = {_toml_list(proposal.trusted_networks)}

[inference]
# Inference containers run on a bridge network of their own (default
# clarus_inference_services), apart from {proposal.network}, which the daemon joins.
# Forward ports a deploy may publish; the kit's {kit_ports} lie in it (the daemon's
# own ports cannot be one). Ports below {UNPRIVILEGED} only if the range includes them.
host_port_range = [{low}, {high}]
# containers the old node agent started, adopted at start-up without a restart
{adopt}
"""


def compose_text(proposal: Proposal) -> str:
    return f"""\
# Written by `clarus-daemon migrate`: clarus-daemon in place of the old kit's
# clarus_node_agent and clarus_drift_detector, with the same .env, config.json,
# ports and network.
services:
  clarus-daemon:
    build: .
    image: clarus-daemon:latest
    container_name: clarus_daemon
    restart: unless-stopped
    env_file: .env
    # No token is configured: the first start generates one and writes it to
    # /var/lib/clarus-daemon/state/api-token (docker compose exec clarus-daemon cat ...);
    # clients from [auth] trusted_networks need none.
    command: ["serve", "--config", "/etc/clarus-daemon/clarus-daemon.toml"]
    environment:
      CLARUS__MLFLOW__MODELS_ROOT: /var/lib/clarus-daemon/models
      # inference containers run on a network the daemon does not join: they are
      # probed on their published ports through the host
      CLARUS__INFERENCE__PROBE_HOST: host.docker.internal
    extra_hosts:
      - "host.docker.internal:host-gateway"
    ports:
      - "{proposal.agent_port}:8081"
      - "{proposal.drift_port}:8081"
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - ./config.json:{DOCKER_CONFIG_MOUNT}:ro
      - ./config:/etc/clarus-daemon:ro
      - clarus_models:/var/lib/clarus-daemon/models
      - clarus_state:/var/lib/clarus-daemon/state
    networks:
      - {proposal.network}
    stop_grace_period: 15s

volumes:
  clarus_models:
    name: clarus_models
  clarus_state:

networks:
  {proposal.network}:
    external: true
"""


def report(proposal: Proposal) -> str:
    settings = proposal.settings
    monitor = settings.drift.monitors.get("default")
    drift = monitor.model_dump(include=MONITOR_KEYS) if monitor else None
    low, high = proposal.host_port_range
    lines = [
        "Settings derived from the old files:",
        f"  docker.url = {settings.docker.url}",
        f"  minio.endpoint = {settings.minio.endpoint}",
        f"  airflow.url = {settings.airflow.url}",
        f"  ids.url = {settings.ids.url}   ids.provider_ip = {settings.ids.provider_ip}",
        f"  mlflow.tracking_uri = {settings.mlflow.tracking_uri}",
        f"  drift monitor 'default' = {drift}",
        f"  registry logins (config.json) = {', '.join(proposal.registries) or 'none'}",
        f"  listeners: 0.0.0.0:8081, published on {proposal.agent_port} and {proposal.drift_port}",
        "Clients that send no token: let in from "
        f"{', '.join(proposal.trusted_networks)} ([auth] trusted_networks: loopback, the "
        "edge machine through Docker's gateway, the platform hosts' subnets); add the plant "
        "subnets your clients call from. "
        f"Any other caller: the token the first start generates, {TOKEN_PATH}",
        "Images admitted: those of "
        + (", ".join(proposal.registries) or "no registry")
        + " (config.json) and the data space's; others need inference.allowed_images",
        "Old containers to adopt (inference.adopt): "
        + (", ".join(u.describe() for u in proposal.adopt) or "none found"),
        f"Forward ports admitted: {low}-{high} (inference.host_port_range)",
        "The kit's containers to stop (docker-compose down in its folder): "
        + (", ".join(proposal.old_services) or "clarus_node_agent, clarus_drift_detector"),
        *(f"Still missing: {line}" for line in missing_old_variables(settings)),
        "What behaves differently now:",
        *(f"  - {line}" for line in proposal.differences),
    ]
    return "\n".join(lines) + "\n"
