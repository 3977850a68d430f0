"""What the operator allows a deploy to do, checked before anything changes."""

import asyncio
import re
from collections.abc import Mapping
from fnmatch import fnmatchcase

from clarus_daemon.admission import TooManyRequests
from clarus_daemon.config.inference import InferenceSettings
from clarus_daemon.errors import InvalidRequest
from clarus_daemon.inference.containers import ContainerSummary, ServiceContainers
from clarus_daemon.inference.errors import LimitNotAllowed, PortInUse, PortNotAllowed
from clarus_daemon.inference.ports import port_holder
from clarus_daemon.inference.spec import DeployRequest, ResourceLimits, ServiceSpec

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_env(env: Mapping[str, str], settings: InferenceSettings) -> None:
    bad = [name for name in env if not ENV_NAME.match(name)]
    if bad:
        raise InvalidRequest(
            f"env: invalid variable names {bad}: letters, digits and '_', not starting "
            "with a digit",
            details={"fields": {"env": {name: ["Invalid variable name."] for name in bad}}},
        )
    denied = [
        name for name in env if any(fnmatchcase(name, rule) for rule in settings.env_denylist)
    ]
    if denied:
        raise InvalidRequest(
            f"env: {', '.join(denied)} may not be set: such variables make a program load "
            "or run other code (inference.env_denylist)",
            details={"fields": {"env": {name: ["Denied variable."] for name in denied}}},
        )
    limit = settings.max_env_value_bytes
    big = [name for name, value in env.items() if len(value.encode()) > limit]
    if big:
        raise InvalidRequest(
            f"env: values of {big} exceed {limit} bytes",
            details={"fields": {"env": {name: [f"Longer than {limit} bytes."] for name in big}}},
        )


def check_host_port(port: int, settings: InferenceSettings) -> None:
    low, high = settings.host_port_range
    if not low <= port <= high:
        raise PortNotAllowed(
            f"Host port {port} is outside the allowed range {low}-{high} "
            "(inference.host_port_range)"
        )


def check_limits(asked: ResourceLimits, settings: InferenceSettings) -> None:
    caps = {
        "memory_mb": (asked.memory_mb, settings.max_memory_limit_mb, "max_memory_limit_mb"),
        "cpus": (asked.cpus, settings.max_cpus, "max_cpus"),
        "pids": (asked.pids, settings.max_pids_limit, "max_pids_limit"),
    }
    for name, (value, cap, key) in caps.items():
        if value is not None and value > cap:
            raise LimitNotAllowed(
                f"limits.{name} {value:g} is above the allowed {cap:g} (inference.{key})",
                details={"limit": name, "asked": value, "cap": cap},
            )


def check_request(request: DeployRequest, settings: InferenceSettings) -> None:
    check_env(request.env, settings)
    check_limits(request.limits, settings)
    if request.host_port is not None:
        check_host_port(request.host_port, settings)


def check_service_count(containers: list[ContainerSummary], limit: int) -> None:
    """A new service only while fewer than `limit` exist (replacing one is always fine)."""
    services = {c.inference_id for c in containers if c.inference_id is not None}
    if len(services) >= limit:
        raise TooManyRequests(
            f"{len(services)} inference services are deployed, the most allowed "
            "(limits.max_services); remove one first",
            details={"limit": limit, "setting": "limits.max_services"},
        )


def _describe(container: ContainerSummary) -> str:
    owner = f"inference service {container.inference_id}" if container.managed else "container"
    return f"{owner} {container.name!r} ({container.id[:12]})"


async def check_port_free(
    spec: ServiceSpec, containers: list[ContainerSummary], group: ServiceContainers
) -> None:
    """409 naming whoever holds the host port: another container, else a process."""
    port = spec.host_port
    holders = [c for c in containers if c.id not in group.ids and c.holds_port(port)]
    if holders:
        raise PortInUse(
            f"Host port {port} is held by {_describe(holders[0])}",
            details={"host_port": port, "holder": holders[0].name, "container": holders[0].id},
        )
    if any(c.running and c.holds_port(port) for c in group.own):
        return  # the service's current container: it makes way during the rollout
    holder = await asyncio.to_thread(port_holder, spec.host_ip, port)
    if holder:
        raise PortInUse(
            f"Host port {port} on {spec.host_ip} is in use by {holder}",
            details={"host_port": port, "holder": holder},
        )
