"""Marshmallow fields that read client input strictly."""

from typing import Any

from marshmallow import ValidationError, fields

from clarus_daemon.digits import MAX_DIGITS


class AsciiInteger(fields.Integer):
    """An integer, or a string of at most 18 ASCII digits: "8080", not "٣", "²" or 400 nines."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str):
            text = value.strip()
            if not text.isascii() or not text.lstrip("-").isdigit() or len(text) > MAX_DIGITS:
                raise ValidationError("Not a valid integer.")
        result: int | None = super()._deserialize(value, attr, data, **kwargs)
        if result is None:
            raise ValidationError("Not a valid integer.")
        return result


def check_text(value: str) -> str:
    """A string that can travel on: no NUL, no lone surrogate from a JSON escape."""
    if "\x00" in value:
        raise ValidationError("Must not contain NUL characters.")
    try:
        value.encode()
    except UnicodeEncodeError as err:
        raise ValidationError("Must be valid Unicode (no lone surrogates).") from err
    return value
