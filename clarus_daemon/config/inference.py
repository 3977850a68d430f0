"""How inference containers are pulled, run and published."""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, SecretStr, model_validator

from clarus_daemon.config.base import Port, PositiveSeconds, Section
from clarus_daemon.inference.image_rule import ImageRule

# Variables that make an allowed image load or run code the caller chooses.
DEFAULT_ENV_DENYLIST = (
    "LD_*", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PYTHONUSERBASE", "PYTHONWARNINGS",
    "PYTHONINSPECT", "BASH_ENV", "ENV", "SHELLOPTS", "PS4", "PERL5OPT", "PERL5LIB", "PERLLIB",
    "RUBYOPT", "RUBYLIB", "NODE_OPTIONS", "NODE_PATH", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS", "CLASSPATH", "BROWSER", "GCONV_PATH", "HOSTALIASES", "GIT_*",
)  # fmt: skip


def _check_rule(text: str) -> str:
    ImageRule.parse(text)
    return text


ImageRuleText = Annotated[str, AfterValidator(_check_rule)]


class RegistryCredentials(Section):
    username: str
    password: SecretStr


class DockerSettings(Section):
    url: str = Field(
        "unix:///var/run/docker.sock", description="Docker Engine address; DOCKER_HOST."
    )
    config_file: Path | None = Field(
        None,
        description="Docker client config.json (auths, credsStore, credHelpers); unset: "
        "$DOCKER_CONFIG/config.json, else ~/.docker/config.json, as the Docker CLI looks.",
    )
    registries: dict[str, RegistryCredentials] = Field(
        default_factory=dict, description="Registry host[:port] -> credentials."
    )


class InferenceSettings(Section):
    network: str = Field(
        "clarus_inference_services",
        description="Bridge network of the inference containers, created when missing; keep "
        "it apart from the daemon's own network.",
    )
    host_ip: str = Field("0.0.0.0", description="Host address container ports are published on.")
    models_volume: str = Field("clarus_models", description="Volume holding model weights.")
    models_mount: str = Field("/models", description="Where the models volume is mounted.")
    readiness_timeout_s: PositiveSeconds = Field(
        60.0, description="Time a new container gets to accept connections (s)."
    )
    health_path: str | None = Field(
        None, description="HTTP path probed for readiness; only a TCP connect when unset."
    )
    readiness_probe: Literal["host", "network"] = Field(
        "host",
        description="How the daemon reaches a container to judge it: 'host' = its published "
        "port on host_ip (127.0.0.1 for 0.0.0.0), for a daemon on the host; 'network' = its "
        "name and container port on `network`, for a daemon running as a container there.",
    )
    probe_host: str | None = Field(
        None,
        description="Address the 'host' probe reaches published ports on; default host_ip "
        "(127.0.0.1 for 0.0.0.0). A daemon in a container: host.docker.internal.",
    )
    allowed_images: list[ImageRuleText] = Field(
        default_factory=list,
        description="Rules admitting images beyond the configured registries: "
        "'registry.plant:5001/*', 'redwine:1.*', 'reg/uc/x@sha256:<hex>', 'reg/*@sha256:*'; "
        "'*' admits every image. Anything else is refused before a pull.",
    )
    allow_configured_registries: bool = Field(
        True,
        description="Admit every image of the registries the configuration names "
        "(docker.registries, the docker config file's auths, the data space's images).",
    )
    host_port_range: tuple[Port, Port] = Field(
        (7000, 9999),
        description="Inclusive range host ports may be published on; ports below 1024 only "
        "when the operator sets a range that includes them.",
    )
    env_denylist: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ENV_DENYLIST),
        description="Environment variable names (globs) a deploy may not set.",
    )
    max_env_value_bytes: int = Field(
        4096, ge=1, description="Largest value of one environment variable (bytes)."
    )
    max_concurrent_pulls: int = Field(2, ge=1, description="Image pulls running at once.")
    memory_limit_mb: int = Field(1024, ge=4, description="Default memory limit per container.")
    max_memory_limit_mb: int = Field(8192, ge=4, description="Most a deploy may ask for (MB).")
    cpus: float = Field(1.0, gt=0, description="Default CPU limit per container.")
    max_cpus: float = Field(4.0, gt=0, description="Most CPUs a deploy may ask for.")
    pids_limit: int = Field(512, ge=16, description="Default process limit per container.")
    max_pids_limit: int = Field(4096, ge=16, description="Most processes a deploy may ask for.")
    models_volume_bind: bool = Field(
        True,
        description="Create a missing models volume as a local bind of mlflow.models_root, so "
        "containers see the files the model fetcher writes; false = an empty Docker volume.",
    )
    stop_timeout_s: int = Field(
        10, ge=0, description="Time a container gets to stop before it is killed (s)."
    )
    pull_timeout_s: PositiveSeconds = Field(
        1800.0, description="Longest an image pull may take, layers included (s)."
    )
    log_tail_lines: int = Field(
        40, ge=0, description="Lines of a failed container's log returned in the error."
    )
    adopt: list[str] = Field(
        default_factory=list,
        description="Names of containers the old node agent started, adopted at start-up "
        "without a restart (clarus-daemon adopt does it at once); ['*'] = every container "
        "that looks like an old inference service.",
    )
    legacy_host_ports: dict[str, int] = Field(
        default_factory=dict,
        description="exp_id -> host port for the old {exp_id, docker_img} body; "
        "otherwise the image's exposed port is published on the same host port.",
    )
    data_space_cache_ttl_s: float = Field(
        0.0, ge=0, description="Reuse image metadata from the data space per exp_id (s); 0 = off."
    )
    recovery_retry_s: PositiveSeconds = Field(
        10.0, description="Retry interval of the start-up recovery while the engine is down (s)."
    )

    @model_validator(mode="after")
    def _port_range_is_ordered(self) -> "InferenceSettings":
        low, high = self.host_port_range
        if low > high:
            raise ValueError(f"host_port_range [{low}, {high}]: the first port is above the second")
        for name in ("memory_limit_mb", "cpus", "pids_limit"):
            if getattr(self, name) > getattr(self, f"max_{name}"):
                raise ValueError(f"{name} is above max_{name}")
        return self
