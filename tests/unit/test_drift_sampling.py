"""Seeded samples of data over the memory budget: read in blocks, the same rows each time."""

from pathlib import Path

import pandas as pd
import pytest

from clarus_daemon.drift import sampling
from clarus_daemon.drift.budget import check_budget
from clarus_daemon.drift.detect import detect
from clarus_daemon.drift.errors import OverMemoryBudget
from clarus_daemon.drift.results import SAMPLE_SEED, DetectOptions, Sample
from clarus_daemon.drift.storage import ObjectHead
from tests.infra.drift_app import wine

NAMES = ("b/ref.csv", "b/new.csv")
HALF = DetectOptions(sample=Sample(fraction=0.5, seed=SAMPLE_SEED))


def _files(tmp_path: Path, reference: bytes, new_data: bytes) -> tuple[Path, Path]:
    (tmp_path / "ref").write_bytes(reference)
    (tmp_path / "new").write_bytes(new_data)
    return tmp_path / "ref", tmp_path / "new"


def test_a_sample_is_the_same_rows_every_time_and_counts_the_whole_files(
    tmp_path: Path,
) -> None:
    reference, new_data = _files(tmp_path, wine("red"), wine("white"))

    first = detect(reference, new_data, HALF, NAMES)
    again = detect(reference, new_data, HALF, NAMES)

    assert first.columns == again.columns and first.drift
    assert (first.reference_rows, first.current_rows) == (again.reference_rows, again.current_rows)
    assert first.total_rows == (1599, 4898) and first.sample == HALF.sample
    assert abs(first.reference_rows - 800) < 80 and abs(first.current_rows - 2449) < 150


def test_a_column_typed_from_its_first_block_may_hold_decimals_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sampling, "BLOCK_BYTES", 1024)
    rows = [f"{i % 7},{'x' if i % 2 else 'y'}" for i in range(2000)] + ["2.5,x"] * 2000
    data = ("whole,label\n" + "\n".join(rows) + "\n").encode()
    reference, new_data = _files(tmp_path, data, data)

    detection = detect(reference, new_data, HALF, NAMES)

    assert not detection.drift and detection.total_rows == (4000, 4000)


def test_parquet_is_sampled_too(tmp_path: Path) -> None:
    frame = pd.read_csv(_red(tmp_path), sep=";")
    frame.to_parquet(tmp_path / "ref.parquet")
    names = ("b/ref.parquet", "b/new.parquet")

    detection = detect(tmp_path / "ref.parquet", tmp_path / "ref.parquet", HALF, names)

    assert not detection.drift and detection.total_rows == (1599, 1599)
    assert detection.reference_rows == detection.current_rows < 1599


def _red(tmp_path: Path) -> Path:
    (tmp_path / "red.csv").write_bytes(wine("red"))
    return tmp_path / "red.csv"


def _heads(megabytes: float) -> tuple[ObjectHead, ObjectHead]:
    size = round(megabytes * 1024 * 1024 / 2)
    return ObjectHead("b", "ref.csv", "1", size), ObjectHead("b", "new.csv", "2", size)


def test_the_sample_fits_the_budget_and_is_drawn_only_when_allowed() -> None:
    assert check_budget(_heads(100), 2048, sample=True) is None
    sample = check_budget(_heads(1000), 2048, sample=True)
    assert sample is not None and sample.seed == SAMPLE_SEED
    assert sample.fraction == pytest.approx((2048 - 200 - 64) / 4000)
    with pytest.raises(OverMemoryBudget):
        check_budget(_heads(1000), 2048)
    with pytest.raises(OverMemoryBudget):
        check_budget(_heads(1000), 260, sample=True)  # no room even for a sample
