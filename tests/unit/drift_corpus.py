"""Dataset pairs the drift engine must judge exactly as Evidently does.

Each pair is (reference, new data, options): real data (the UCI wine files,
scikit-learn's bundled datasets, split by halves or by class) and synthetic data
placed on Evidently's switches: 1000 reference values, 2/5/20 distinct values,
NaN and ±inf, constant, boolean, text, binary and high-cardinality columns.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import datasets

from clarus_daemon.drift.results import DetectOptions

DATA = Path(__file__).resolve().parents[1] / "data"


@dataclass(frozen=True)
class Pair:
    name: str
    reference: pd.DataFrame
    current: pd.DataFrame
    options: DetectOptions = field(default_factory=DetectOptions)
    refused: bool = False
    """Evidently refuses the pair (so must the engine)."""


def _wine(color: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"winequality-{color}.csv", sep=";")


def _halves(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return frame.iloc[0::2].reset_index(drop=True), frame.iloc[1::2].reset_index(drop=True)


def _by(frame: pd.DataFrame, mask: "pd.Series[bool]") -> tuple[pd.DataFrame, pd.DataFrame]:
    return frame[mask].reset_index(drop=True), frame[~mask].reset_index(drop=True)


def _sklearn(loader: Callable[..., object]) -> pd.DataFrame:
    bunch = loader(as_frame=True)
    frame: pd.DataFrame = bunch.frame  # type: ignore[attr-defined]
    return frame


def wine_pairs() -> Iterator[Pair]:
    red, white = _wine("red"), _wine("white")
    quality = ("quality",)
    yield Pair("red halves", *_halves(red))
    yield Pair(
        "red halves, quality categorical", *_halves(red), DetectOptions(categorical_columns=quality)
    )
    yield Pair("red vs white", red, white)
    yield Pair(
        "red vs white, quality categorical", red, white, DetectOptions(categorical_columns=quality)
    )
    yield Pair("red: 1000 reference rows", red.iloc[:1000], red.iloc[1000:])
    yield Pair("red: 1001 reference rows", red.iloc[:1001], red.iloc[1001:])
    yield Pair("white halves", *_halves(white))
    yield Pair(
        "red vs white, every option",
        red,
        white.iloc[:700],
        DetectOptions(
            drift_share=0.3,
            ignore_columns=("sulphates",),
            categorical_columns=quality,
            column_methods={
                "alcohol": "ks",
                "pH": "jensenshannon",
                "quality": "chisquare",
                "density": "psi",
                "chlorides": "wasserstein",
                "citric acid": "kl_div",
            },
            column_thresholds={"alcohol": 0.01, "fixed acidity": 0.5, "pH": 0.05},
        ),
    )


def sklearn_pairs() -> Iterator[Pair]:
    cancer = _sklearn(datasets.load_breast_cancer)
    yield Pair("breast cancer halves", *_halves(cancer))
    yield Pair("breast cancer by class", *_by(cancer, cancer["target"] == 0))
    digits = _sklearn(datasets.load_digits)
    digits = digits[[*digits.columns[:24], "target"]]  # constant, few- and many-valued pixels
    yield Pair("digits halves (constant and few-valued pixels)", *_halves(digits))
    yield Pair("digits below 5 vs the rest", *_by(digits, digits["target"] < 5))
    yield Pair("digits: 1200 reference rows", digits.iloc[:1200], digits.iloc[1200:])
    diabetes = _sklearn(datasets.load_diabetes)
    yield Pair("diabetes halves (binary sex)", *_halves(diabetes))
    yield Pair("diabetes by sex", *_by(diabetes, diabetes["sex"] > 0))
    iris = _sklearn(datasets.load_iris)
    iris["species"] = iris["target"].map({0: "setosa", 1: "versicolor", 2: "virginica"})
    yield Pair("iris: setosa vs the rest (text column)", *_by(iris, iris["species"] == "setosa"))
    yield Pair(
        "iris halves, target categorical",
        *_halves(iris),
        DetectOptions(categorical_columns=("target",)),
    )
    wine = _sklearn(datasets.load_wine)
    yield Pair("sklearn wine class 0 vs 1", wine[wine.target == 0], wine[wine.target == 1])
    yield Pair("sklearn wine halves", *_halves(wine))


def _synthetic(rows: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "normal": rng.normal(shift, 1, rows),
            "rounded": np.round(rng.normal(10 + shift, 3, rows)),
            "binary": rng.integers(0, 2, rows),
            "three": rng.choice([1.5, 2.5, 3.5], rows, p=[0.2, 0.3, 0.5] if shift else None),
            "flag": rng.random(rows) < (0.5 + shift / 10),
            "colour": rng.choice(["red", "green", "blue", "amber"], rows),
            "constant": np.full(rows, 7.0),
            "label": np.where(rng.random(rows) < 0.5, "yes", "no"),
        }
    )


def _with_gaps(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    gapped = frame.copy()
    for column in ("normal", "rounded", "colour"):
        gapped.loc[rng.random(len(frame)) < 0.1, column] = np.nan
    gapped.loc[rng.random(len(frame)) < 0.01, "normal"] = np.inf
    gapped.loc[rng.random(len(frame)) < 0.01, "rounded"] = -np.inf
    return gapped


def _dated(rows: int, seed: int) -> pd.DataFrame:
    """Dates (parsed by pyarrow, compared as categories) and text with gaps."""
    rng = np.random.default_rng(seed)
    days = pd.to_timedelta(rng.integers(0, 30, rows), unit="D")
    return pd.DataFrame(
        {
            "day": pd.Timestamp("2024-01-01") + days,
            "amount": rng.normal(size=rows),
            "kind": rng.choice(np.array(["a", "b", None], dtype=object), rows),
        }
    )


def synthetic_pairs() -> Iterator[Pair]:
    for rows in (300, 3000):
        yield Pair(f"dates and text with gaps, {rows} rows", _dated(rows, 26), _dated(rows, 27))
    for rows in (1000, 1001):
        yield Pair(f"synthetic {rows} rows, no shift", _synthetic(rows, 1), _synthetic(rows, 2))
        yield Pair(f"synthetic {rows} rows, shifted", _synthetic(rows, 1), _synthetic(rows, 2, 0.3))
    yield Pair(
        "NaN and inf cross the 1000 boundary",
        _with_gaps(_synthetic(1080, 3), 4),
        _with_gaps(_synthetic(900, 5, 0.1), 6),
    )
    yield Pair(
        "large, NaN and inf",
        _with_gaps(_synthetic(5000, 7), 8),
        _with_gaps(_synthetic(3000, 9, 0.2), 10),
    )
    yield Pair("tiny", _synthetic(6, 11), _synthetic(5, 12))
    yield Pair(
        "a column empty in the new data",
        _synthetic(50, 24),
        _synthetic(40, 25).assign(rounded=np.nan),
        refused=True,
    )
    constant_other = _synthetic(400, 13).assign(constant=8.0, label="yes")
    yield Pair("constants that differ", _synthetic(500, 14).assign(label="yes"), constant_other)
    yield Pair(
        "constants, large",
        _synthetic(3000, 15).assign(label="no"),
        _synthetic(2000, 16).assign(constant=7.5),
    )
    ids = np.random.default_rng(17)
    high = pd.DataFrame(
        {
            "user": [f"u{n}" for n in ids.integers(0, 5000, 4000)],
            "zip": ids.integers(10000, 10500, 4000),
            "score": ids.gamma(2.0, 1.0, 4000),
        }
    )
    high_new = pd.DataFrame(
        {
            "user": [f"u{n}" for n in ids.integers(2000, 9000, 3000)],
            "zip": ids.integers(10000, 10600, 3000),
            "score": ids.gamma(2.2, 1.0, 3000),
        }
    )
    yield Pair(
        "high cardinality, unseen categories",
        high,
        high_new,
        DetectOptions(categorical_columns=("zip",)),
    )
    yield Pair(
        "high cardinality, small",
        high.iloc[:800],
        high_new.iloc[:600],
        DetectOptions(categorical_columns=("zip",)),
    )
    yield Pair(
        "configured tests on every kind",
        _synthetic(2500, 18),
        _synthetic(2000, 19, 0.1),
        DetectOptions(
            column_methods={
                "normal": "jensenshannon",
                "rounded": "jensenshannon",
                "binary": "ks",
                "colour": "z",
                "label": "chisquare",
                "three": "wasserstein",
                "flag": "jensenshannon",
            },
            column_thresholds={"normal": 0.05, "label": 0.2},
        ),
    )
    yield Pair(
        "Evidently-only tests",
        _synthetic(1500, 20),
        _synthetic(1500, 21, 0.2),
        DetectOptions(
            column_methods={
                "normal": "psi",
                "rounded": "anderson",
                "colour": "TVD",
                "label": "fisher_exact",
            },
            ignore_columns=("constant",),
        ),
    )


def corpus() -> list[Pair]:
    return [*wine_pairs(), *sklearn_pairs(), *synthetic_pairs()]


def large_pair(rows: int) -> Pair:
    """Wine rows resampled to `rows` per side: red against red (no drift)."""
    red = _wine("red")
    picks = np.random.default_rng(23)
    return Pair(
        f"{rows} resampled red wines",
        red.iloc[picks.integers(0, len(red), rows)].reset_index(drop=True),
        red.iloc[picks.integers(0, len(red), rows)].reset_index(drop=True),
    )
