"""Numbers written by clients, read strictly.

`str.isdigit()` admits "²" (which int() then refuses) and "٣" (which int() reads as
3); an id or cursor is ASCII digits only, and small enough for SQLite's INTEGER.
"""

MAX_DIGITS = 18  # below 2**63: every such number fits a SQLite INTEGER


def ascii_number(text: str) -> int | None:
    """The number `text` spells in ASCII digits; None for anything else."""
    if not text.isascii() or not text.isdigit() or len(text) > MAX_DIGITS:
        return None
    return int(text)
