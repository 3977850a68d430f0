"""Evidently renders a drifted run's report in a short-lived process of its own.

The process imports Evidently, builds the report from at most `max_rows` rows per
side, hands back the HTML and JSON, and exits, so Evidently's memory never stays
with the daemon. A failure or a time-out is ReportFailed: the caller records it,
and the verdict and the steps after the report stand.
"""

import asyncio
from pathlib import Path

from clarus_daemon.drift.results import DetectOptions, RenderedReport
from clarus_daemon.drift.tasks import render_report
from clarus_daemon.drift.worker_pool import (
    run_in_worker,
    start_worker,
    stop_worker,
    terminate_worker,
)
from clarus_daemon.errors import DaemonError

REPORT_MODULES = ("pandas", "evidently", "evidently.presets", "clarus_daemon.drift.report_render")


class ReportFailed(Exception):
    """The report could not be rendered; the message says why."""


class ReportRenderer:
    def __init__(self, max_rows: int, timeout_s: float) -> None:
        self.max_rows = max_rows
        self.timeout_s = timeout_s

    async def render(
        self, reference: Path, current: Path, options: DetectOptions, names: tuple[str, str]
    ) -> RenderedReport:
        executor = start_worker(REPORT_MODULES)
        try:
            return await asyncio.wait_for(
                run_in_worker(
                    executor, render_report, reference, current, options, names, self.max_rows
                ),
                self.timeout_s,
            )
        except TimeoutError as err:
            terminate_worker(executor)
            raise ReportFailed(f"no report after {self.timeout_s:.0f} s") from err
        except DaemonError as err:
            raise ReportFailed(err.message) from err
        finally:
            stop_worker(executor)
