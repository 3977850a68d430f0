"""detect(): the worker-side comparison, called in this process."""

import pickle

import pytest

from clarus_daemon.drift.detect import detect
from clarus_daemon.drift.errors import MonitorMisconfigured, UnusableData
from clarus_daemon.drift.results import DetectOptions
from tests.infra.drift_app import red_halves, rewrite, wine

NAMES = ("b/ref.csv", "b/new.csv")


def test_the_red_wine_halves_do_not_drift() -> None:
    detection = detect(*red_halves(), DetectOptions(), NAMES)

    assert not detection.drift and detection.drifted_columns == []
    assert detection.separators == (";", ";")
    quality = next(c for c in detection.columns if c.column == "quality")
    assert quality.method.startswith("K-S")  # numerical unless configured categorical


def test_red_against_white_drifts_with_evidentlys_large_sample_defaults() -> None:
    detection = detect(wine("red"), wine("white"), DetectOptions(), NAMES)

    assert detection.drift and detection.share == 1.0
    assert {c.method for c in detection.columns} == {"Wasserstein distance (normed)"}
    assert {c.threshold for c in detection.columns} == {0.1}


def test_columns_may_come_in_another_order() -> None:
    reference, new_data = red_halves()
    reordered = rewrite(new_data, lambda rows: [dict(reversed(row.items())) for row in rows])
    assert not detect(reference, reordered, DetectOptions(), NAMES).drift


@pytest.mark.parametrize(
    ("new_data", "says"),
    [
        (b"", "is empty"),
        (b"a;a\n1;2\n", "more than once"),
        (b"a;b\n1;2;3\n", "not a readable CSV"),
    ],
)
def test_unusable_files_name_themselves(new_data: bytes, says: str) -> None:
    with pytest.raises(UnusableData) as caught:
        detect(red_halves()[0], new_data, DetectOptions(separator=None), NAMES)
    assert says in caught.value.message and "b/new.csv" in caught.value.message


def test_a_configured_separator_that_does_not_split_the_header_is_named() -> None:
    with pytest.raises(UnusableData, match="is its separator really ','"):
        detect(*red_halves(), DetectOptions(separator=","), NAMES)


def test_an_empty_column_is_unusable() -> None:
    reference, new_data = red_halves()
    emptied = rewrite(new_data, lambda rows: [{**row, "pH": ""} for row in rows])
    with pytest.raises(UnusableData, match="empty column 'pH'"):
        detect(reference, emptied, DetectOptions(), NAMES)


def test_a_column_holding_text_on_one_side_only_is_named() -> None:
    reference, new_data = red_halves()
    texty = rewrite(new_data, lambda rows: [{**row, "pH": "high"} for row in rows])
    with pytest.raises(UnusableData, match="'pH' holds numbers in the reference"):
        detect(reference, texty, DetectOptions(), NAMES)


@pytest.mark.parametrize(
    ("options", "setting"),
    [
        (DetectOptions(ignore_columns=("colour",)), "ignore_columns"),
        (DetectOptions(categorical_columns=("colour",)), "categorical_columns"),
        (DetectOptions(column_thresholds={"colour": 0.1}), "column_thresholds"),
        (DetectOptions(column_methods={"pH": "no-such-test"}), "column_methods"),
    ],
)
def test_settings_that_do_not_fit_the_data_name_the_setting(
    options: DetectOptions, setting: str
) -> None:
    with pytest.raises(MonitorMisconfigured) as caught:
        detect(*red_halves(), options, NAMES)
    assert setting in caught.value.message


def test_errors_keep_their_details_across_the_process_boundary() -> None:
    error = UnusableData("bad", details={"object": "b/new.csv"})
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is UnusableData and copy.details == {"object": "b/new.csv"}
