"""The temporary names a replacement gives its two containers.

The candidate is created as `<id>.next-<suffix>` (recorded in its labels). At the
switch the previous container is first renamed aside to `<id>.prev-<suffix>`, the
same suffix, so that recovery finds which candidate an aside container belongs to
from the names alone: labels cannot be changed after creation.
"""

import re
import secrets

CANDIDATE_MARK = ".next-"
ASIDE_MARK = ".prev-"
SUFFIX = re.compile(r"[0-9a-f]{6}")


def candidate_name(inference_id: str) -> str:
    return f"{inference_id}{CANDIDATE_MARK}{secrets.token_hex(3)}"


def aside_name(candidate: str) -> str:
    """The name the previous container takes while `candidate` takes over its name."""
    inference_id, _, suffix = candidate.rpartition(CANDIDATE_MARK)
    return f"{inference_id}{ASIDE_MARK}{suffix}"


def candidate_of_aside(inference_id: str, name: str) -> str | None:
    """The candidate name an aside container was renamed for, or None when `name` is not
    an aside name of `inference_id`."""
    prefix = f"{inference_id}{ASIDE_MARK}"
    suffix = name[len(prefix) :]
    if not name.startswith(prefix) or not SUFFIX.fullmatch(suffix):
        return None
    return f"{inference_id}{CANDIDATE_MARK}{suffix}"
