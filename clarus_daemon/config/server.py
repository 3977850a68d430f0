"""How the daemon listens, logs and stops."""

from typing import Annotated, Literal, NamedTuple

from pydantic import AfterValidator, BeforeValidator, Field

from clarus_daemon.config.base import PositiveSeconds, Section


class ListenAddress(NamedTuple):
    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_listen(text: str) -> ListenAddress:
    """'host:port' or '[v6]:port' -> ListenAddress; ValueError names what is wrong."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"{text!r} is not host:port with a port from 1 to 65535")
    return ListenAddress(host.strip("[]"), int(port))


def _check_listen(text: str) -> str:
    parse_listen(text)
    return text


def _check_compat_listen(text: str) -> str:
    return text if text.isdigit() and 1 <= int(text) <= 65535 else _check_listen(text)


ListenText = Annotated[str, AfterValidator(_check_listen)]
CompatListenText = Annotated[str, AfterValidator(_check_compat_listen)]


def _empty_is_none(value: object) -> object:
    return None if value == "" else value


class ServerSettings(Section):
    listen: list[ListenText] = Field(
        default_factory=lambda: ["0.0.0.0:8081"],
        min_length=1,
        description="Addresses (host:port) the API answers on; every route on each.",
    )
    compat_drift_listen: Annotated[CompatListenText | None, BeforeValidator(_empty_is_none)] = (
        Field(
            "5000",
            description="The old drift detector's address, added when the MINIO_* variables "
            "define the default monitor: a port (on the host of the first `listen` address) "
            "or host:port; empty to never add it. A port that cannot be used is skipped.",
        )
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Names clients use for this machine in the Host header, beyond "
        "loopback names, IP addresses and the machine's own host names (e.g. 'edge-01.plant').",
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Web origins (scheme://host[:port]) whose pages may change state here.",
    )
    log_format: Literal["text", "json"] = Field("text", description="Log line format.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    shutdown_timeout_s: PositiveSeconds = Field(
        8.0, description="Seconds running requests get to finish on SIGTERM (s)."
    )
    max_body_bytes: int = Field(
        1024 * 1024, ge=1024, description="Largest request body accepted (bytes)."
    )
    body_read_timeout_s: PositiveSeconds = Field(
        10.0, description="Time a client gets to send its whole request body (s)."
    )
    idle_timeout_s: PositiveSeconds = Field(
        15.0,
        description="Time a connection may stay open without a complete request head: "
        "idle keep-alive, or a client trickling its headers (s).",
    )
    max_connections: int = Field(
        4096,
        ge=16,
        description="Open client connections at most (the open-file limit is raised to "
        "hold them); past it the longest-idle one is closed.",
    )
    client_timeout_s: PositiveSeconds = Field(
        10.0, description="Default timeout of calls to MLflow, Airflow and the IDS agent (s)."
    )
    health_timeout_s: PositiveSeconds = Field(
        2.0, description="Timeout of each dependency probe behind /api/health (s)."
    )

    @property
    def listen_addresses(self) -> list[ListenAddress]:
        return [parse_listen(text) for text in self.listen]
