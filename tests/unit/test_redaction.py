"""Credentials in URLs are masked and control characters escaped before a line is written."""

import json
import logging

from clarus_daemon.api.responses import error_response
from clarus_daemon.observability import JsonFormatter, RequestIdFilter, TextFormatter
from clarus_daemon.redaction import escape_controls, mask_credentials, mask_everywhere


def _record(message: str, *args: object) -> logging.LogRecord:
    record = logging.LogRecord("clarus_daemon.t", logging.INFO, __file__, 1, message, args, None)
    RequestIdFilter().filter(record)
    return record


def test_url_userinfo_is_masked_wherever_it_stands() -> None:
    text = "pull from https://bot:s3cr3t@registry.plant:5001/v2/ and s3://AKIA@bucket, a@b"

    assert mask_credentials(text) == (
        "pull from https://***@registry.plant:5001/v2/ and s3://***@bucket, a@b"
    )
    assert mask_everywhere({"tail": ["x http://u:p@h/"], "n": 1}) == {
        "tail": ["x http://***@h/"],
        "n": 1,
    }


def test_a_newline_in_a_path_cannot_forge_a_text_log_line() -> None:
    line = TextFormatter().format(_record("%s %s -> 404", "GET", "/x\n2026-01-01 ERROR forged"))

    assert "\n" not in line
    assert "/x\\n2026-01-01 ERROR forged" in line
    assert escape_controls("\x1b[31m\u2028") == "\\x1b[31m\\u2028"


def test_json_log_lines_mask_credentials() -> None:
    record = _record("MLflow at %s is down", "http://admin:hunter2@127.0.0.1:5000")
    record.url = "http://admin:hunter2@127.0.0.1:5000"

    entry = json.loads(JsonFormatter().format(record))

    assert "hunter2" not in json.dumps(entry)
    assert entry["message"] == "MLflow at http://***@127.0.0.1:5000 is down"


def test_error_answers_mask_credentials() -> None:
    response = error_response(
        502, "upstream_error", "GET http://u:pw@h/x failed", {"logs": ["dsn=postgres://a:b@db/x"]}
    )

    assert response.text is not None
    assert "pw@" not in response.text and "a:b@" not in response.text
