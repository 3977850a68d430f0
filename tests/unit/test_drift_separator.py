"""Separator detection on the head of a CSV."""

import pytest

from clarus_daemon.drift.separator import HEAD_BYTES, head_text, sniff_separator
from tests.infra.drift_app import wine


@pytest.mark.parametrize(
    ("data", "separator"),
    [
        (b"a;b;c\n1.5;2;3\n", ";"),
        (b"a,b,c\n1.5,2,3\n", ","),
        (b"a\tb\n1\t2\n", "\t"),
        (b"a|b\n1|2\n", "|"),
        (b'"x;y",z\n1,2\n', ","),  # quoted separators do not count
        (b"single\n1\n2\n", ","),  # one column: any separator reads it
        (b"", ","),
        (b"\xef\xbb\xbfa;b\n1;2\n", ";"),  # a BOM is not part of the header
    ],
)
def test_separator_is_sniffed_among_the_candidates(data: bytes, separator: str) -> None:
    assert sniff_separator(data) == separator


def test_the_uci_wine_files_use_semicolons() -> None:
    assert sniff_separator(wine("red")) == sniff_separator(wine("white")) == ";"


def test_only_complete_lines_of_the_head_are_read() -> None:
    data = b"a;b\n" + b"1;2\n" * HEAD_BYTES
    text = head_text(data)
    assert len(text) <= HEAD_BYTES and text.endswith("1;2")
