"""Evidently 0.7.23's default column tests, on summarised columns, and its choice.

Each kernel computes what the Evidently module of the same name computes
(`evidently/legacy/calculations/stattests/`), in the same floating-point order
where the order can move a bit: same key order for category counts, same
formulae, the same scipy functions for the distributions. K-S and Wasserstein
work on sorted arrays, so a cached reference is never sorted twice.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial import distance
from scipy.stats import chisquare, ks_2samp, norm

from clarus_daemon.drift.engine.columns import BINNED_ABOVE, ColumnSide, FloatArray, Kind

SMALL_REFERENCE = 1000
"""Evidently's switch: at most this many reference values -> p-value tests."""
FEW_VALUES = 5
BINARY = 2
JS_BINS = 30
"""Evidently passes n_bins=30 to its binning, which ignores it for Sturges' rule."""
WASSERSTEIN_MIN_NORM = 0.001

Kernel = Callable[[ColumnSide, ColumnSide], float]


@dataclass(frozen=True)
class StatTest:
    name: str
    display_name: str
    kinds: tuple[Kind, ...]
    default_threshold: float
    kernel: Kernel
    higher_drifts: bool
    """Distances drift at or above the threshold; p-values below it (K-S: at or below)."""
    inclusive: bool

    def drifted(self, score: float, threshold: float) -> bool:
        if self.higher_drifts:
            return score >= threshold
        return score <= threshold if self.inclusive else score < threshold


def _numbers(side: ColumnSide) -> FloatArray:
    assert side.sorted_values is not None, "a numerical test on a categorical column"
    return side.sorted_values


def ks(reference: ColumnSide, current: ColumnSide) -> float:
    return float(ks_2samp(_numbers(reference), _numbers(current))[1])


def _distinct_sorted(values: FloatArray) -> FloatArray:
    if values.size == 0:
        return values
    keep = np.empty(values.size, dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def wasserstein_norm(reference: ColumnSide, current: ColumnSide) -> float:
    """scipy.stats.wasserstein_distance (its _cdf_distance, p=1) divided by the
    reference's standard deviation (at least 0.001).

    scipy integrates |CDF_u - CDF_v| over the sorted values of both samples; a tie
    adds a zero-width step, so only the distinct values are visited here: the same
    non-zero terms, in the same order, at a fraction of the cost on tied data.
    """
    u, v = _numbers(reference), _numbers(current)
    points = np.union1d(_distinct_sorted(u), _distinct_sorted(v))
    deltas = np.diff(points)
    u_cdf = u.searchsorted(points[:-1], "right") / u.size
    v_cdf = v.searchsorted(points[:-1], "right") / v.size
    distance_value = float(np.vecdot(np.abs(u_cdf - v_cdf), deltas))
    return distance_value / max(reference.std, WASSERSTEIN_MIN_NORM)


def _keys(reference: ColumnSide, current: ColumnSide) -> list[Any]:
    """Evidently's get_unique_not_nan_values_list_from_series: the same set, built
    from the same values in the same order, so it iterates in the same order."""
    return list(set(reference.keys_in_order()) | set(current.keys_in_order()))


def _shares(side: ColumnSide, keys: list[Any]) -> FloatArray:
    counts = {**dict.fromkeys(keys, 0), **side.value_counts()}
    return np.array([counts[key] / side.count for key in keys])


def _histograms(reference: ColumnSide, current: ColumnSide) -> tuple[FloatArray, FloatArray]:
    u, v = _numbers(reference), _numbers(current)
    combined = np.concatenate((u, v))
    bins = np.histogram_bin_edges(combined, bins="sturges")
    del combined
    return np.histogram(u, bins)[0] / u.size, np.histogram(v, bins)[0] / v.size


def jensenshannon(reference: ColumnSide, current: ColumnSide) -> float:
    if reference.kind == "numerical" and reference.nunique > BINNED_ABOVE:
        ref_shares, cur_shares = _histograms(reference, current)
    else:
        keys = _keys(reference, current)
        ref_shares, cur_shares = _shares(reference, keys), _shares(current, keys)
    return float(distance.jensenshannon(ref_shares, cur_shares))


def chi_square(reference: ColumnSide, current: ColumnSide) -> float:
    keys = _keys(reference, current)
    ref_counts = {**dict.fromkeys(keys, 0), **reference.value_counts()}
    cur_counts = {**dict.fromkeys(keys, 0), **current.value_counts()}
    k_norm = current.count / reference.count
    f_exp = [ref_counts[key] * k_norm for key in keys]
    f_obs = [cur_counts[key] for key in keys]
    return float(chisquare(f_obs, f_exp)[1])


def _share_not(side: ColumnSide, key: Any) -> float:
    counts = side.value_counts()
    return float(side.count - counts.get(key, 0)) / side.count


def z_test(reference: ColumnSide, current: ColumnSide) -> float:
    """Two-proportion Z-test on 'not the smallest value' (Evidently's encoding)."""
    ref_keys, cur_keys = reference.keys_in_order(), current.keys_in_order()
    if len(ref_keys) == 1 and len(cur_keys) == 1 and ref_keys[0] == cur_keys[0]:
        return 1.0
    first = sorted(_keys(reference, current))[0]
    n1, n2 = reference.count, current.count
    p1, p2 = _share_not(reference, first), _share_not(current, first)
    pooled = float(p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
    return float(2 * (1 - norm.cdf(np.abs(z))))


NATIVE: dict[str, StatTest] = {
    test.name: test
    for test in (
        StatTest("ks", "K-S p_value", ("numerical",), 0.05, ks, False, True),
        StatTest(
            "wasserstein",
            "Wasserstein distance (normed)",
            ("numerical",),
            0.1,
            wasserstein_norm,
            True,
            True,
        ),
        StatTest(
            "jensenshannon",
            "Jensen-Shannon distance",
            ("categorical", "numerical"),
            0.1,
            jensenshannon,
            True,
            True,
        ),
        StatTest(
            "chisquare", "chi-square p_value", ("categorical",), 0.05, chi_square, False, False
        ),
        StatTest("z", "Z-test p_value", ("categorical",), 0.05, z_test, False, False),
    )
}


def _distinct_together(reference: ColumnSide, current: ColumnSide) -> int:
    """pd.concat([reference, current]).nunique(), computed only when it matters."""
    if reference.nunique > FEW_VALUES or current.nunique > FEW_VALUES:
        return FEW_VALUES + 1
    return len(_keys(reference, current))


def default_test(reference: ColumnSide, current: ColumnSide) -> StatTest:
    """`_get_default_stattest`: on the cleaned reference's size, the column's kind and
    the number of distinct values on both sides together."""
    n_values = _distinct_together(reference, current)
    if reference.count <= SMALL_REFERENCE:
        if reference.kind == "numerical" and n_values > FEW_VALUES:
            return NATIVE["ks"]
        return NATIVE["chisquare"] if n_values > BINARY else NATIVE["z"]
    if reference.kind == "numerical" and n_values > FEW_VALUES:
        return NATIVE["wasserstein"]
    return NATIVE["jensenshannon"]
