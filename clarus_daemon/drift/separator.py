"""Which separator a CSV uses, guessed from its first lines.

UCI files use ';', exports from spreadsheets ',' or tab. csv.Sniffer alone picks
odd characters (a '.' in decimals, a space in a header) and raises on one-column
files, so it is limited to the candidates and backed by a count on the header.
"""

import csv

CANDIDATES = ",;\t|"
HEAD_BYTES = 64 * 1024


def head_text(data: bytes, limit: int = HEAD_BYTES) -> str:
    """The complete lines within the first `limit` bytes, decoded leniently."""
    head = data[:limit]
    if len(data) > limit and b"\n" in head:
        head = head[: head.rindex(b"\n")]
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def _by_header_count(text: str) -> str:
    header = text.splitlines()[0] if text else ""
    counts = {candidate: header.count(candidate) for candidate in CANDIDATES}
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def sniff_separator(data: bytes) -> str:
    """One of CANDIDATES; ',' for a file whose header holds none of them."""
    text = head_text(data)
    try:
        return csv.Sniffer().sniff(text, delimiters=CANDIDATES).delimiter
    except csv.Error:
        return _by_header_count(text)
