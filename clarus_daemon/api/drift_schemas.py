"""Query and answer of GET /api/detect_data_drift."""

from marshmallow import Schema, fields


def report_query_field() -> fields.Boolean:
    return fields.Boolean(
        load_default=False,
        metadata={
            "description": "Save Evidently's report (HTML and JSON summary) even without "
            "drift; the answer's `reports` says where (on drift it is always saved)."
        },
    )


class DriftQuerySchema(Schema):
    monitor = fields.String(
        metadata={
            "description": "Monitor to check; the 'default' one (the old variables) if unset."
        }
    )
    wait = fields.Boolean(
        load_default=False,
        metadata={"description": "Wait for a check of the monitor already running, then run."},
    )
    report = report_query_field()


class ColumnDriftSchema(Schema):
    column = fields.String(required=True)
    method = fields.String(required=True, metadata={"description": "Evidently's test."})
    score = fields.Float(
        required=True, allow_none=True, metadata={"description": "p-value or distance."}
    )
    threshold = fields.Float(required=True)
    drifted = fields.Boolean(required=True)


class RowsSchema(Schema):
    reference = fields.Integer(required=True)
    new_data = fields.Integer(required=True)


class SampledSchema(Schema):
    rows = fields.Nested(RowsSchema, required=True, metadata={"description": "Rows used."})
    total_rows = fields.Nested(
        RowsSchema, required=True, metadata={"description": "Rows the datasets hold."}
    )
    fraction = fields.Float(required=True, metadata={"description": "Each row's chance."})
    seed = fields.Integer(required=True)


class DriftAnswerSchema(Schema):
    message = fields.String(
        required=True,
        metadata={
            "description": "As the old detector said it: 'Drift detected and retraining "
            "triggered' or 'Drift NOT detected'.",
        },
    )
    monitor = fields.String(required=True)
    run_id = fields.String(required=True)
    trigger = fields.String(required=True, metadata={"enum": ["manual", "scheduled"]})
    drift = fields.Boolean(required=True, metadata={"description": "Dataset drift."})
    share = fields.Float(required=True, metadata={"description": "Share of drifted columns."})
    drift_share = fields.Float(
        required=True, metadata={"description": "Share at or above which the dataset drifts."}
    )
    drifted_columns = fields.List(fields.String(), required=True)
    columns = fields.List(fields.Nested(ColumnDriftSchema), required=True)
    rows = fields.Nested(RowsSchema, required=True)
    sampled = fields.Nested(
        SampledSchema,
        allow_none=True,
        metadata={
            "description": "Set when the data was over drift.memory_budget_mb and the monitor "
            "has over_budget = 'sample': the verdict used a seeded random sample."
        },
    )
    bucket = fields.String(required=True)
    reference = fields.String(required=True)
    new_data = fields.String(required=True)
    reports = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "Object paths of the HTML report and JSON summary (on drift)."},
    )
    archived_reference = fields.String(
        allow_none=True, metadata={"description": "Where the replaced reference was kept."}
    )
    dag_run_id = fields.String(allow_none=True)
    done = fields.List(fields.String(), required=True, metadata={"description": "Steps done."})
    skipped = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "Step -> why."}
    )
    resumed = fields.Boolean(
        required=True, metadata={"description": "Finished a run an earlier check left undone."}
    )
    started_at = fields.String(required=True)
    duration_s = fields.Float(required=True)
