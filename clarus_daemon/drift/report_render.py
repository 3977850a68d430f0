"""Evidently's HTML and JSON report for a drifted dataset, from a bounded sample.

Worker side only (a short-lived process of its own: Evidently's frames and plots
never stay in a drift worker). The verdict was decided on all the rows before;
when a side has more than `max_rows` rows the report is built from a seeded
random sample of them, and the HTML says so at its top.
"""

import html

import pandas as pd

from clarus_daemon.drift.detect import read_data
from clarus_daemon.drift.evidently_report import run_preset
from clarus_daemon.drift.frames import Source, numpy_frame
from clarus_daemon.drift.results import SAMPLE_SEED as SEED
from clarus_daemon.drift.results import DetectOptions, RenderedReport


def _bounded(frame: pd.DataFrame, max_rows: int) -> pd.DataFrame:
    """At most max_rows rows, converted to numpy columns only after sampling."""
    sample = frame if len(frame) <= max_rows else frame.sample(n=max_rows, random_state=SEED)
    return numpy_frame(sample)


def _sample_note(rows: tuple[int, int], total: tuple[int, int], verdict_sampled: bool) -> str:
    verdict = (
        "The data was over the daemon's memory budget: the drift verdict and the JSON "
        "summary used a sample too (its rows are in the JSON summary's 'sampled')."
        if verdict_sampled
        else "The drift verdict and the JSON summary used every row."
    )
    return (
        '<div style="font-family:sans-serif;padding:8px;background:#fff3cd">'
        + html.escape(
            f"This report was built from a random sample (seed {SEED}) of "
            f"{rows[0]:,} of {total[0]:,} reference rows and {rows[1]:,} of {total[1]:,} "
            f"new rows. {verdict}"
        )
        + "</div>"
    )


def render(
    reference: Source,
    current: Source,
    options: DetectOptions,
    names: tuple[str, str],
    max_rows: int,
) -> RenderedReport:
    ref, _, ref_total = read_data(reference, names[0], options)
    cur, _, cur_total = read_data(current, names[1], options)
    total = (ref_total, cur_total)
    ref, cur = _bounded(ref, max_rows), _bounded(cur, max_rows)
    rows = (len(ref), len(cur))
    snapshot = run_preset(ref, cur, options)
    page = snapshot.get_html_str(as_iframe=False)
    if rows != total:
        note = _sample_note(rows, total, options.sample is not None)
        page = page.replace("<body>", "<body>" + note, 1)
    return RenderedReport(page, snapshot.json(), rows, total, SEED)
