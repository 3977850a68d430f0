"""Schemas shared by every resource."""

from marshmallow import Schema, fields


class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={"description": "Short machine code."})
    message = fields.String(required=True, metadata={"description": "What went wrong."})
    details = fields.Dict(metadata={"description": "Context: fields, service, step..."})
