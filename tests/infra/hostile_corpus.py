"""Hostile requests for every endpoint of the OpenAPI document, as raw HTTP bytes.

Raw bytes, not a client library, so that a request can carry what no library sends:
invalid UTF-8 in the path, a bare 0xFF in a header, a 1 MB header line.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

HOSTILE_STRINGS: list[str] = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "a\r\nX-Injected: 1",
    "\r\n\r\nGET / HTTP/1.1",
    "line\nforged 2026-01-01 ERROR clarus",
    "%0A%0D",
    "²",
    "٣",
    "\uff11\uff12",  # fullwidth digits
    "-1",
    "0",
    "9" * 400,
    "1e999",
    "NaN",
    "\ud800",
    "\u202e\u0000\uffff",
    "../../../../etc/passwd",
    "http://user:secret@127.0.0.1:1/x",
    "x" * 70_000,
]
HOSTILE_NUMBERS: list[Any] = [10**400, -(10**400), 1e308 * 10, -1, 0, 2**63, 1.5, "²", "٣", True]
HOSTILE_BODIES: list[bytes] = [
    b"[" * 10_000 + b"]" * 10_000,
    b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    b"\xff\xfe\x00",
    b'{"inference_id": "\xff\xfe"}',
    b"null",
    b"[]",
    b'"x"',
    b"1" + b"0" * 5000,
    b"{",
    b"",
]
# raw (already-encoded) path and query segments
HOSTILE_SEGMENTS: list[bytes] = [
    b"%FF",
    b"%C0%AF",
    b"\xff\xfe",
    b"%00",
    b"%0A%0DX-Injected:%201",
    b"%E2%80%AE",
    quote("²").encode(),
    quote("٣").encode(),
    b"9" * 400,
    b"..%2F..%2Fetc",
]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # with {param} placeholders
    path_params: dict[str, str]  # name -> a valid value
    query_params: dict[str, str]
    body: dict[str, Any] | None


@dataclass(frozen=True)
class Case:
    label: str
    raw: bytes


def _fill(path: str, values: dict[str, bytes]) -> bytes:
    raw = path.encode()
    for name, value in values.items():
        raw = raw.replace(b"{" + name.encode() + b"}", value)
    return raw


def request_bytes(
    method: str,
    target: bytes,
    token: str,
    body: bytes | None = None,
    headers: list[bytes] | None = None,
) -> bytes:
    lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1"]
    lines += headers if headers is not None else [b"Authorization: Bearer " + token.encode()]
    if body is not None:
        lines += [b"Content-Type: application/json", b"Content-Length: %d" % len(body)]
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


def _target(op: Operation, path: dict[str, bytes], query: dict[str, bytes]) -> bytes:
    target = _fill(op.path, {k: quote(v).encode() for k, v in op.path_params.items()} | path)
    if query:
        target += b"?" + b"&".join(k.encode() + b"=" + v for k, v in query.items())
    return target


def _body(op: Operation, body: Any) -> bytes | None:
    if op.body is None:
        return None
    return json.dumps(body).encode()


def _mutations(body: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(what changed, the body) with one field hostile at a time, nested maps included."""
    for key, value in body.items():
        if isinstance(value, dict):
            for inner_label, inner in _mutations(value):
                yield f"{key}.{inner_label}", {**body, key: inner}
            for text in HOSTILE_STRINGS[:8]:
                yield f"{key}{{key={text[:12]!r}}}", {**body, key: {text: "v"}}
            continue
        candidates = HOSTILE_NUMBERS if isinstance(value, int) else []
        for hostile in [*HOSTILE_STRINGS, *candidates, None, [], {}]:
            yield f"{key}={str(hostile)[:16]!r}", {**body, key: hostile}


HOSTILE_HEADERS: list[bytes] = [
    b"Authorization: Bearer \xff",
    b"Authorization: Bearer \xff\xfe\x00",
    b"Authorization: Bearer " + "\u00b2".encode(),
    b"Authorization: Basic Zm9vOmJhcg==",
    b"Authorization: Bearer",
    b"Authorization: " + b"A" * 8000,
    b"X-Request-ID: \xff\x00",
    b"X-Big: " + b"x" * 1024 * 1024,
]


def _values() -> Iterator[tuple[str, bytes]]:
    """(label, already-encoded value) for a path or query parameter."""
    for text in HOSTILE_STRINGS:
        yield repr(text[:16]), quote(text, safe="", errors="surrogatepass").encode()
    for segment in HOSTILE_SEGMENTS:
        yield repr(segment[:16]), segment


def _targets(op: Operation) -> Iterator[tuple[str, bytes]]:
    """(label, request target) with one path or query parameter hostile at a time."""
    for param in op.path_params:
        for label, value in _values():
            yield f"{param}={label}", _target(op, {param: value}, {})
    for param in op.query_params:
        for label, value in _values():
            yield f"?{param}={label}", _target(op, {}, {param: value})
    plain = _target(op, {}, {})
    for suffix in (b"%FF", b"/\xff", b"?\xff=\xfe", b"?a=%FF%FE"):
        yield f"target {suffix!r}", plain + suffix


def _bodies(op: Operation) -> Iterator[tuple[str, bytes]]:
    if op.body is None:
        return
    for label, mutated in _mutations(op.body):
        yield label, json.dumps(mutated).encode()
    for raw_body in HOSTILE_BODIES:
        yield repr(raw_body[:16]), raw_body


def cases(op: Operation, token: str) -> Iterator[Case]:
    name = f"{op.method} {op.path}"
    plain = _target(op, {}, {})
    body = _body(op, op.body)
    for label, target in _targets(op):
        yield Case(f"{name} {label}", request_bytes(op.method, target, token, body))
    for label, hostile_body in _bodies(op):
        yield Case(f"{name} body {label}", request_bytes(op.method, plain, token, hostile_body))
    for header in HOSTILE_HEADERS:
        request = request_bytes(op.method, plain, token, body, [header])
        yield Case(f"{name} header {header[:24]!r}", request)
