"""The block-wise CSV read gives exactly what pd.read_csv's pyarrow engine gives."""

from pathlib import Path

import pandas as pd
from pandas.testing import assert_frame_equal

from clarus_daemon.drift.frames import STREAM_BLOCK_BYTES, read_frame


def _pandas(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", engine="pyarrow", dtype_backend="pyarrow")


def test_null_spellings_and_empty_strings_as_pandas_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "nulls.csv"
    path.write_text(
        "x;label;flag\n1.5;a;true\nNone;<NA>;false\n;;\nNA;n/a;true\n2;b;\nnan;null;false\n"
    )
    frame, separator = read_frame(path, "nulls.csv", None, arrow_backed=True)
    assert separator == ";"
    assert_frame_equal(frame, _pandas(path))


def test_a_later_block_that_changes_a_column_type_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "late-decimal.csv"
    rows = STREAM_BLOCK_BYTES // 8 + 1000  # integers past the first block
    path.write_text("n;m\n" + "1;2\n" * rows + "1.5;2\n")
    frame, _ = read_frame(path, "late-decimal.csv", None, arrow_backed=True)
    assert frame["n"].iloc[-1] == 1.5
    assert_frame_equal(frame, _pandas(path))


def test_bytes_read_as_the_file_would_be(tmp_path: Path) -> None:
    path = tmp_path / "wine.csv"
    path.write_text("a;b\n1;x\n2;y\n")
    from_bytes, _ = read_frame(path.read_bytes(), "wine.csv", None, arrow_backed=True)
    assert_frame_equal(from_bytes, _pandas(path))
