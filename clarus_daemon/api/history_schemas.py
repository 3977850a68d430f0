"""Schemas of the history, drift monitor and event endpoints."""

from datetime import UTC
from typing import Any

from marshmallow import Schema, fields, validate

from clarus_daemon.api.drift_schemas import report_query_field
from clarus_daemon.api.strict_fields import AsciiInteger
from clarus_daemon.history.queries import MAX_PAGE


class SinceField(fields.AwareDateTime):
    """ISO 8601; a '+' sent unencoded in a query string arrives as a space."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(" ", "+")
        return super()._deserialize(value, attr, data, **kwargs)


def _since() -> SinceField:
    return SinceField(
        default_timezone=UTC,
        metadata={"description": "Only entries that ended at or after this ISO 8601 time."},
    )


def _limit() -> fields.Integer:
    return AsciiInteger(
        load_default=50,
        validate=validate.Range(1, MAX_PAGE),
        metadata={"description": f"Page size, 1 to {MAX_PAGE}."},
    )


def _cursor() -> fields.String:
    return fields.String(metadata={"description": "next_cursor of the previous page."})


class EventsQuerySchema(Schema):
    kind = fields.String(metadata={"description": "deploy, model_fetch, drift_run, ..."})
    since = _since()
    limit = _limit()
    cursor = _cursor()


class DriftRunsQuerySchema(Schema):
    monitor = fields.String(metadata={"description": "Only this monitor's runs."})
    since = _since()
    limit = _limit()
    cursor = _cursor()


class RunNowQuerySchema(Schema):
    wait = fields.Boolean(
        load_default=False,
        metadata={"description": "Wait for a check already running to end instead of a 409."},
    )
    report = report_query_field()


class EventSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    subject = fields.String(required=True, metadata={"description": "inference id, exp_id..."})
    outcome = fields.String(required=True)
    started_at = fields.String(allow_none=True)
    ended_at = fields.String(required=True)
    details = fields.Dict(required=True)


class EventPageSchema(Schema):
    events = fields.List(fields.Nested(EventSchema), required=True)
    next_cursor = fields.String(
        allow_none=True, metadata={"description": "Pass as cursor for older entries."}
    )


class DriftRunSchema(Schema):
    id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    monitor = fields.String(required=True)
    trigger = fields.String(required=True, metadata={"enum": ["manual", "scheduled"]})
    run_id = fields.String(
        allow_none=True, metadata={"description": "The pipeline's name of the run."}
    )
    started_at = fields.String(allow_none=True)
    ended_at = fields.String(required=True)
    duration_s = fields.Float(allow_none=True)
    outcome = fields.String(required=True)
    drift_share = fields.Float(
        allow_none=True, metadata={"description": "Share of drifted columns, 0 to 1."}
    )
    dataset_drift = fields.Boolean(allow_none=True)
    columns = fields.Dict(metadata={"description": "Column -> drifted, score, method..."})
    reports = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "What was saved -> its object location."},
    )
    dag_run_id = fields.String(allow_none=True)
    failed_step = fields.String(allow_none=True)
    error = fields.String(allow_none=True)


class DriftRunPageSchema(Schema):
    runs = fields.List(fields.Nested(DriftRunSchema), required=True)
    next_cursor = fields.String(allow_none=True)


class ScheduleStateSchema(Schema):
    active = fields.Boolean(required=True)
    consecutive_failures = fields.Integer(required=True)
    backoff_until = fields.String(
        allow_none=True, metadata={"description": "Scheduled runs pause until then."}
    )
    last_fired_at = fields.String(allow_none=True)
    last_lag_s = fields.Float(allow_none=True)
    skipped = fields.Dict(keys=fields.String(), values=fields.Integer())
    last_skip_at = fields.String(allow_none=True)
    last_skip_reason = fields.String(allow_none=True)


class MonitorSchema(Schema):
    name = fields.String(required=True)
    config = fields.Dict(required=True)
    schedule = fields.String(allow_none=True)
    running = fields.Boolean(required=True, metadata={"description": "Being checked now."})
    next_run_at = fields.String(allow_none=True)
    last_run = fields.Nested(DriftRunSchema, allow_none=True)
    scheduler = fields.Nested(ScheduleStateSchema, required=True)


class MonitorListSchema(Schema):
    monitors = fields.List(fields.Nested(MonitorSchema), required=True)
