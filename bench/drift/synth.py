"""Large wine-like CSVs: the UCI rows resampled with replacement, written with ';'.

The reference resamples the red wines, the new data the white ones (every column
drifts, so a check renders and saves the report too), each file at the size asked.
"""

from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"


def resampled(color: str, rows: int, seed: int) -> pd.DataFrame:
    wine = pd.read_csv(DATA / f"winequality-{color}.csv", sep=";")
    picks = np.random.default_rng(seed).integers(0, len(wine), rows)
    return wine.iloc[picks].reset_index(drop=True)


def write_pair(directory: Path, rows: int) -> tuple[Path, Path]:
    """(reference, new data) CSV files of `rows` rows each, made once per size."""
    reference = directory / f"reference-{rows}.csv"
    new_data = directory / f"new-{rows}.csv"
    if not reference.exists():
        resampled("red", rows, seed=1).to_csv(reference, sep=";", index=False)
    if not new_data.exists():
        resampled("white", rows, seed=2).to_csv(new_data, sep=";", index=False)
    return reference, new_data
