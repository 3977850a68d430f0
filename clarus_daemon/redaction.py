"""What must not reach a log line or an answer as it came: URL credentials, control characters."""

import re
from collections.abc import Mapping
from typing import Any

# scheme://userinfo@ : whatever sits between "//" and "@" is a user, a password or a token
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s]+@")
MASK = "***"
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def mask_credentials(text: str) -> str:
    """`https://user:secret@host/x` -> `https://***@host/x`, anywhere in `text`."""
    return _URL_USERINFO.sub(rf"\g<1>{MASK}@", text)


def mask_everywhere(value: Any) -> Any:
    """mask_credentials on every string inside nested mappings and lists."""
    if isinstance(value, str):
        return mask_credentials(value)
    if isinstance(value, Mapping):
        return {key: mask_everywhere(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_everywhere(item) for item in value]
    return value


def escape_controls(text: str) -> str:
    """One log line stays one line: control characters become visible escapes (\\n, \\x1b)."""
    return _CONTROLS.sub(lambda found: repr(found.group())[1:-1], text)
