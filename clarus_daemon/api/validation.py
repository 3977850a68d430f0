"""Request validation errors, reported with the names of the offending fields."""

from typing import Any, NoReturn

from marshmallow import ValidationError

from clarus_daemon.errors import InvalidRequest


def _join(prefix: str, key: str) -> str:
    return key if not prefix or key == "_schema" else f"{prefix}.{key}"


def _flatten(messages: Any, prefix: str = "") -> list[str]:
    if isinstance(messages, dict):
        return [
            line
            for key, value in messages.items()
            for line in _flatten(
                value, key if not prefix or key == "_schema" else f"{prefix}.{key}"
            )
        ]
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{prefix}: {' '.join(messages)}" if prefix else " ".join(messages)]
    if isinstance(messages, list):
        return [line for item in messages for line in _flatten(item, prefix)]
    return [f"{prefix}: {messages}"]


def _strip_location(messages: Any) -> Any:
    # webargs nests messages under the location ("json", "querystring")
    if isinstance(messages, dict) and len(messages) == 1:
        ((location, inner),) = messages.items()
        if location in {"json", "querystring", "query", "match_info", "form", "headers"}:
            return inner
    return messages


def raise_invalid_request(error: ValidationError, *_args: Any, **_kwargs: Any) -> NoReturn:
    """webargs error callback: a 400 whose message names every bad field."""
    messages = _strip_location(error.normalized_messages())  # type: ignore[no-untyped-call]
    raise InvalidRequest(
        "Invalid request: " + "; ".join(_flatten(messages)),
        details={"fields": messages},
    ) from error
