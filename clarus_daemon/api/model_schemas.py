"""Request and answer of PUT /api/mlflow/model."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from clarus_daemon.api.strict_fields import AsciiInteger
from clarus_daemon.models.layout import SAFE_NAME_PATTERN
from clarus_daemon.models.resolve import STAGES


def _known_stage(value: str) -> None:
    if value.capitalize() not in STAGES:
        raise ValidationError(f"Must be one of {', '.join(STAGES)}.")


class ModelFetchRequestSchema(Schema):
    exp_id = fields.String(
        required=True,
        validate=validate.Regexp(
            SAFE_NAME_PATTERN,
            error="Must be letters, digits, '.', '_' or '-', starting with a letter or digit "
            "(it names a directory).",
        ),
        metadata={"description": "Experiment identifier", "example": "UC_Energy"},
    )
    stage = fields.String(
        validate=_known_stage,
        metadata={"description": "Fetch the newest version in this stage instead."},
    )
    alias = fields.String(
        validate=validate.Length(min=1, max=255),
        metadata={"description": "Fetch the version this alias points at.", "example": "champion"},
    )
    version = AsciiInteger(
        strict=False,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "Fetch exactly this registered model version."},
    )

    @validates_schema
    def _one_selector(self, data: dict[str, Any], **_kwargs: Any) -> None:
        chosen = [name for name in ("stage", "alias", "version") if data.get(name) is not None]
        if len(chosen) > 1:
            raise ValidationError(f"Give at most one of stage, alias, version (got {chosen}).")


class FileSchema(Schema):
    path = fields.String(required=True, metadata={"description": "Relative to the version."})
    size = fields.Integer(required=True, metadata={"description": "Bytes."})
    sha256 = fields.String(required=True)


class ModelFetchSchema(Schema):
    message = fields.String(required=True)
    exp_id = fields.String(required=True)
    model = fields.String(required=True, metadata={"description": "Registered model name."})
    version = fields.String(required=True)
    run_id = fields.String(allow_none=True)
    path = fields.String(required=True, metadata={"description": "Version directory."})
    files = fields.List(fields.Nested(FileSchema), required=True)
    bytes = fields.Integer(required=True)
    skipped = fields.Boolean(
        required=True, metadata={"description": "Already on the volume: nothing downloaded."}
    )
    switched = fields.Boolean(required=True, metadata={"description": "`current` moved."})
    pruned = fields.List(fields.String(), metadata={"description": "Versions deleted."})
    restarted = fields.List(
        fields.String(), allow_none=True, metadata={"description": "Inference containers."}
    )
    restart_error = fields.String(allow_none=True)
