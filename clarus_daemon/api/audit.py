"""The audit trail: every call that changes state, recorded after it answered; GET /api/audit."""

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from aiohttp_apigami import docs, querystring_schema, response_schema
from marshmallow import Schema, fields

from clarus_daemon import keys
from clarus_daemon.api.auth import PRINCIPAL
from clarus_daemon.api.history_schemas import _cursor, _limit, _since
from clarus_daemon.api.limits import RECEIVED_BODY
from clarus_daemon.api.schemas import ErrorSchema
from clarus_daemon.history.audit import AuditEntry, AuditRecord
from clarus_daemon.history.audit_details import audit_details, refined_action, status_outcome

log = logging.getLogger("clarus_daemon.audit")

QUERY = "audit_query"
# (method, route) -> action; the answer may refine it (a deploy that replaced is a replace)
AUDITED = {
    ("POST", "/api/inference/deploy"): "deploy",
    ("POST", "/api/v3/inference/deploy"): "deploy",
    ("DELETE", "/api/inference/deploy"): "remove",
    ("DELETE", "/api/v3/inference/deploy"): "remove",
    ("PUT", "/api/mlflow/model"): "model_fetch",
    ("POST", "/api/drift/monitors/{name}/run"): "drift_check",
    ("GET", "/api/detect_data_drift"): "drift_check",
}
_SUBJECT_KEYS = ("inference_id", "exp_id", "name", "monitor")


def _json_object(raw: object) -> dict[str, Any]:
    if not isinstance(raw, bytes | bytearray):
        return {}
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _subject(request: web.Request, body: Mapping[str, Any]) -> str:
    for source in (body, request.query, request.match_info):
        for key in _SUBJECT_KEYS:
            value = source.get(key)
            if isinstance(value, str) and value:
                return value
    return "default" if request.path == "/api/detect_data_drift" else "-"


def _principal(request: web.Request) -> str:
    if PRINCIPAL in request:
        return request[PRINCIPAL]
    return "anonymous" if not request.app[keys.TOKEN_VERIFIER].enabled else "unauthenticated"


def _entry(request: web.Request, action: str, response: web.StreamResponse) -> AuditEntry:
    # never read here: a body that did not arrive within its deadline is no one's to wait for
    body = _json_object(request.get(RECEIVED_BODY))
    answer = _json_object(response.body) if isinstance(response, web.Response) else {}
    return AuditEntry(
        at=datetime.now(UTC),
        principal=_principal(request),
        client=request.remote or "-",
        action=refined_action(action, answer),
        subject=_subject(request, body),
        outcome=status_outcome(response.status),
        status=response.status,
        details=audit_details(body, answer),
    )


@web.middleware
async def audit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    resource = request.match_info.route.resource
    action = AUDITED.get((request.method, resource.canonical if resource else ""))
    # a caller without a valid token changed nothing and is in the access log; recording
    # it here would let anyone grow the audit table
    if action is None or response.status == 401:
        return response
    try:
        await request.app[keys.HISTORY].audit.append(_entry(request, action, response))
    except Exception:
        log.exception("audit entry lost for %s %s", request.method, request.path)
    return response


class AuditQuerySchema(Schema):
    action = fields.String(metadata={"description": "deploy, replace, remove, model_switch..."})
    since = _since()
    limit = _limit()
    cursor = _cursor()


class AuditEntrySchema(Schema):
    id = fields.Integer(required=True)
    at = fields.String(required=True)
    principal = fields.String(
        required=True, metadata={"description": "Token name; anonymous without auth."}
    )
    client = fields.String(required=True, metadata={"description": "Caller's address."})
    action = fields.String(required=True)
    subject = fields.String(required=True)
    outcome = fields.String(required=True, metadata={"enum": ["ok", "refused", "failed"]})
    status = fields.Integer(required=True)
    details = fields.Dict(required=True)


class AuditPageSchema(Schema):
    entries = fields.List(fields.Nested(AuditEntrySchema), required=True)
    next_cursor = fields.String(allow_none=True)


def _view(record: AuditRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "at": record.at.isoformat(),
        "principal": record.principal,
        "client": record.client,
        "action": record.action,
        "subject": record.subject,
        "outcome": record.outcome,
        "status": record.status,
        "details": dict(record.details),
    }


@docs(
    tags=["history"],
    summary="Audit trail: who changed what, newest first",
    responses={400: {"description": "A query parameter is invalid", "schema": ErrorSchema}},
)
@querystring_schema(AuditQuerySchema(), put_into=QUERY)
@response_schema(AuditPageSchema(), 200)
async def list_audit(request: web.Request) -> web.Response:
    page = await request.app[keys.HISTORY].audit.page(**request[QUERY])
    return web.json_response(
        {"entries": [_view(r) for r in page.rows], "next_cursor": page.next_cursor}
    )


def setup(app: web.Application) -> None:
    """After history.setup: entries go to the history file."""
    app.router.add_get("/api/audit", list_audit, allow_head=False)
