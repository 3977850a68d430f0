"""Bodies and answers of the inference endpoints, old shapes included."""

from collections.abc import Iterable
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from clarus_daemon.api.strict_fields import AsciiInteger, check_text
from clarus_daemon.inference.image_ref import ImageRef, InvalidImageReference

# the Docker Engine refuses container names shorter than two characters
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,127}$"
ENV_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
REGISTRY_KEYS = (
    "inference_id",
    "docker_img_uri",
    "inference_rest_api_port",
    "inference_rest_api_forward_port",
)
EXPERIMENT_KEYS = ("exp_id", "docker_img")


def _name(description: str, example: str = "UC_Energy") -> fields.String:
    return fields.String(
        validate=validate.Regexp(
            NAME_PATTERN,
            error="Must be 2-128 letters, digits, '_', '.' or '-', starting with a letter or "
            "digit (it names a container).",
        ),
        metadata={"description": description, "example": example},
    )


def _image_reference(value: str) -> None:
    try:
        ImageRef.parse(value)
    except InvalidImageReference as err:
        raise ValidationError(f"Not an image reference Docker accepts: {err}") from err


def _image(description: str) -> fields.String:
    return fields.String(
        validate=[
            validate.Length(min=1, max=512),
            validate.Regexp(r"^\S+$", error="Must not contain spaces."),
            _image_reference,
        ],
        metadata={"description": description, "example": "registry.plant:5001/uc_energy:0.0.1"},
    )


def _port(description: str, example: int) -> fields.Integer:
    # strict=False: the old clients send ports as strings ("8080")
    return AsciiInteger(
        strict=False,
        validate=validate.Range(min=1, max=65535),
        metadata={
            "description": f"{description} An integer or a string of digits.",
            "example": example,
        },
    )


def _require(data: dict[str, Any], keys: Iterable[str]) -> None:
    """Required-ness checked after loading, so each body shape names its own missing keys."""
    missing = {key: ["Missing data for required field."] for key in keys if key not in data}
    if missing:
        raise ValidationError(missing)


class EnvValue(fields.Field):
    """A variable's value: a string, or a number or boolean written as one."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, str | int | float):
            return check_text(str(value))
        raise ValidationError("Must be a string, number or boolean.")


def _env() -> fields.Dict:
    return fields.Dict(
        keys=fields.String(
            validate=validate.Regexp(
                ENV_NAME_PATTERN,
                error="Invalid variable name: letters, digits and '_', not starting with a digit.",
            )
        ),
        values=EnvValue(),
        metadata={"description": "Environment of the container.", "example": {"LOG_LEVEL": "info"}},
    )


class LimitsSchema(Schema):
    """Per-deploy resource limits, each at most the operator's inference.max_* cap."""

    class Meta:
        unknown = EXCLUDE

    memory_mb = fields.Integer(
        strict=False, validate=validate.Range(min=4), metadata={"example": 2048}
    )
    cpus = fields.Float(validate=validate.Range(min=0.01, max=1024), metadata={"example": 1.5})
    pids = fields.Integer(
        strict=False, validate=validate.Range(min=16, max=1 << 22), metadata={"example": 512}
    )


def _limits() -> fields.Nested:
    return fields.Nested(
        LimitsSchema,
        metadata={
            "description": "Memory (MB), CPUs and processes; the configured defaults when absent."
        },
    )


class DeploySchema(Schema):
    """{inference_id, docker_img_uri, ports, env}, or the first agent's {exp_id, docker_img}."""

    class Meta:
        unknown = EXCLUDE

    inference_id = _name("Unique inference identifier; the container's name.")
    docker_img_uri = _image("Image to run.")
    inference_rest_api_port = _port("Port the image serves its REST API on.", 8080)
    inference_rest_api_forward_port = _port("Host port it is published on.", 7070)
    env = _env()
    limits = _limits()
    exp_id = _name("Old body: experiment id; the container's name.")
    docker_img = _image("Old body: image whose single exposed port is published.")

    @validates_schema
    def _one_shape(self, data: dict[str, Any], **_kwargs: Any) -> None:
        wanted: tuple[str, ...]
        if any(key in data for key in REGISTRY_KEYS):
            wanted = REGISTRY_KEYS
        elif any(key in data for key in EXPERIMENT_KEYS):
            wanted = EXPERIMENT_KEYS
        else:
            raise ValidationError(
                "Give {inference_id, docker_img_uri, inference_rest_api_port, "
                "inference_rest_api_forward_port[, env]} or {exp_id, docker_img}."
            )
        _require(data, wanted)


class DataSpaceDeploySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    exp_id = _name("Experiment whose inference image the data space describes.")
    inference_id = _name("Unique inference identifier; the container's name.")
    inference_rest_api_forward_port = _port("Host port it is published on.", 7070)
    env = _env()
    limits = _limits()

    @validates_schema
    def _required(self, data: dict[str, Any], **_kwargs: Any) -> None:
        _require(data, ("exp_id", "inference_id", "inference_rest_api_forward_port"))


class RemoveSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    inference_id = _name("Service to stop and remove.")
    exp_id = _name("Old name of the same parameter.")


class ServiceSchema(Schema):
    inference_id = fields.String(required=True)
    image = fields.String(required=True)
    image_digest = fields.String(allow_none=True, metadata={"description": "Manifest digest."})
    image_id = fields.String(metadata={"description": "The engine's image id."})
    host_ip = fields.String()
    host_port = fields.Integer(required=True)
    container_port = fields.Integer(required=True)
    container_id = fields.String()
    container_name = fields.String()
    state = fields.String(required=True, metadata={"description": "running, exited, ..."})
    health = fields.String(
        required=True,
        metadata={"description": "HEALTHCHECK verdict, else reachable/unreachable, or down."},
    )
    created = fields.String(required=True, metadata={"description": "ISO 8601."})
    source = fields.String(metadata={"description": "registry or data_space."})
    exp_id = fields.String(allow_none=True)
    provider = fields.String(allow_none=True, metadata={"description": "Data-space connector."})
    pending = fields.Boolean(metadata={"description": "A deploy that has not finished."})


class ReplacedSchema(Schema):
    container_id = fields.String()
    image = fields.String()
    image_digest = fields.String(allow_none=True)


class DeployAnswerSchema(ServiceSchema):
    message = fields.String(required=True)
    outcome = fields.String(required=True, metadata={"enum": ["created", "replaced", "unchanged"]})
    replaced = fields.Nested(ReplacedSchema, allow_none=True)


class RemoveAnswerSchema(Schema):
    message = fields.String(required=True)
    inference_id = fields.String(required=True)
    removed = fields.List(fields.String(), metadata={"description": "Container names."})
