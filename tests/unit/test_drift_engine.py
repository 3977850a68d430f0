"""The engine's pieces: Parquet input, the reference cache, the stattest names."""

import io
import os
import time
from pathlib import Path

import pandas as pd
import pytest

from clarus_daemon.drift import reference_cache
from clarus_daemon.drift.detect import detect, read_reference
from clarus_daemon.drift.engine.methods import NATIVE_METHODS
from clarus_daemon.drift.engine.stattests import NATIVE
from clarus_daemon.drift.errors import ReferenceNotCached, UnusableData
from clarus_daemon.drift.results import DetectOptions
from clarus_daemon.drift.tasks import detect_files
from tests.infra.drift_app import red_halves, wine

NAMES = ("b/ref.csv", "b/new.csv")


def _parquet(data: bytes) -> bytes:
    out = io.BytesIO()
    pd.read_csv(io.BytesIO(data), sep=";").to_parquet(out)
    return out.getvalue()


def test_the_engine_names_exactly_the_methods_it_computes() -> None:
    assert set(NATIVE) == NATIVE_METHODS


def test_parquet_objects_are_judged_as_their_csv() -> None:
    as_csv = detect(wine("red"), wine("white"), DetectOptions(), NAMES)
    as_parquet = detect(
        _parquet(wine("red")),
        _parquet(wine("white")),
        DetectOptions(),
        ("b/ref.parquet", "b/new.parquet"),
    )
    assert as_parquet.columns == as_csv.columns
    assert as_parquet.separators == ("parquet", "parquet")


def test_an_unreadable_parquet_object_is_named() -> None:
    with pytest.raises(UnusableData, match=r"b/new.parquet is not a readable Parquet"):
        detect(wine("red"), b"not parquet", DetectOptions(), ("b/ref.csv", "b/new.parquet"))


def test_a_cached_reference_gives_the_same_verdict(tmp_path: Path) -> None:
    reference, new_data = tmp_path / "ref.csv", tmp_path / "new.csv"
    reference.write_bytes(wine("red"))
    new_data.write_bytes(wine("white"))
    cache_file = tmp_path / "r.summary"

    first = detect_files(reference, new_data, DetectOptions(), NAMES, cache_file)
    again = detect_files(None, new_data, DetectOptions(), NAMES, cache_file)

    assert not first.reference_cached and again.reference_cached
    assert again.columns == first.columns and again.reference_rows == 1599


def test_a_missing_or_damaged_summary_is_a_miss(tmp_path: Path) -> None:
    with pytest.raises(ReferenceNotCached):
        reference_cache.load(tmp_path / "gone.summary")
    damaged = tmp_path / "damaged.summary"
    damaged.write_bytes(b"\x80\x05garbage")
    with pytest.raises(ReferenceNotCached):
        reference_cache.load(damaged)


async def test_the_cache_keeps_within_its_size_dropping_the_least_recently_used(
    tmp_path: Path,
) -> None:
    cache = reference_cache.open_cache(tmp_path, 1)
    assert cache is not None
    summary = read_reference(red_halves()[0], NAMES[0], DetectOptions())
    paths = [cache.path_for("b", f"ref{n}.csv", "etag", DetectOptions()) for n in range(3)]
    for age, path in enumerate(paths):
        reference_cache.store(path, summary)
        os.utime(path, (time.time() - 100 + age, time.time() - 100 + age))
    cache.max_bytes = paths[0].stat().st_size * 2

    await cache.trim()

    assert [path.exists() for path in paths] == [False, True, True]


def test_the_cache_key_follows_the_settings_the_summary_depends_on(tmp_path: Path) -> None:
    cache = reference_cache.ReferenceCache(tmp_path, 1)
    plain = cache.path_for("b", "r.csv", "e1", DetectOptions())
    assert plain == cache.path_for("b", "r.csv", "e1", DetectOptions(drift_share=0.3))
    assert plain != cache.path_for("b", "r.csv", "e2", DetectOptions())
    assert plain != cache.path_for("b", "r.csv", "e1", DetectOptions(categorical_columns=("a",)))
    assert plain != cache.path_for("b", "r.csv", "e1", DetectOptions(column_methods={"a": "psi"}))
    assert reference_cache.open_cache(tmp_path, 0) is None
