"""The drift engine against Evidently itself, column by column, on the corpus.

Both sides get the same CSV bytes: the engine through the daemon's detect(),
Evidently through DataDriftPreset as the daemon configured it before it had an
engine of its own. Method, threshold and verdict must be equal, scores equal
within 1e-9 relative; a pair Evidently refuses the engine must refuse alike.
"""

import math
import os
from collections.abc import Mapping
from typing import Any

import pandas as pd
import pytest

from clarus_daemon.drift.detect import detect
from clarus_daemon.drift.errors import UnusableData
from clarus_daemon.drift.evidently_report import run_preset
from clarus_daemon.drift.frames import read_frame
from clarus_daemon.drift.results import ColumnDrift, Detection, DetectOptions
from tests.unit.drift_corpus import Pair, corpus, large_pair

NAMES = ("b/reference.csv", "b/new.csv")
RELATIVE = 1e-9


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(sep=";", index=False).encode()


def _failed(tests: list[Mapping[str, Any]]) -> set[str]:
    return {
        test["metric_config"]["metric_id"]
        for test in tests
        if str(getattr(test["status"], "value", test["status"])) == "FAIL"
    }


def evidently_verdict(
    reference: bytes, current: bytes, options: DetectOptions
) -> tuple[bool, float, list[ColumnDrift]]:
    ref, _ = read_frame(reference, NAMES[0], options.separator)
    cur, _ = read_frame(current, NAMES[1], options.separator)
    report = run_preset(ref, cur, options).dict()
    failed = _failed(report["tests"])
    columns = [
        ColumnDrift(
            column=str(metric["config"]["column"]),
            method=str(metric["config"]["method"]),
            score=float(metric["value"]) if math.isfinite(float(metric["value"])) else None,
            threshold=float(metric["config"]["threshold"]),
            drifted=metric["id"] in failed,
        )
        for metric in report["metrics"][1:]
    ]
    count = report["metrics"][0]
    return count["id"] in failed, float(count["value"]["share"]), columns


def assert_same(ours: Detection, theirs: tuple[bool, float, list[ColumnDrift]]) -> None:
    drift, share, columns = theirs
    assert [c.column for c in ours.columns] == [c.column for c in columns]
    for mine, expected in zip(ours.columns, columns, strict=True):
        where = f"column {mine.column!r}"
        assert (mine.method, mine.threshold, mine.drifted) == (
            expected.method,
            expected.threshold,
            expected.drifted,
        ), where
        if expected.score is None or mine.score is None:
            assert mine.score == expected.score, where
        else:
            assert mine.score == pytest.approx(expected.score, rel=RELATIVE, abs=0), where
    assert (ours.drift, ours.share) == (drift, pytest.approx(share, rel=RELATIVE)), "dataset"


def compare(pair: Pair) -> None:
    reference, current = _csv(pair.reference), _csv(pair.current)
    try:
        theirs = evidently_verdict(reference, current, pair.options)
    except UnusableData as refused:
        with pytest.raises(type(refused)):
            detect(reference, current, pair.options, NAMES)
        assert pair.refused, f"Evidently refused: {refused.message}"
        return
    assert_same(detect(reference, current, pair.options, NAMES), theirs)


@pytest.mark.parametrize("pair", corpus(), ids=lambda pair: pair.name)
def test_the_engine_judges_every_column_as_evidently_does(pair: Pair) -> None:
    compare(pair)


@pytest.mark.skipif(
    os.environ.get("CLARUS_TEST_SLOW") != "1", reason="a minute of Evidently; CLARUS_TEST_SLOW=1"
)
def test_a_million_rows_are_judged_as_evidently_judges_them() -> None:
    compare(large_pair(1_000_000))
