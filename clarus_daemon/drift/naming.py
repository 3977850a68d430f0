"""Where a run's objects go: report, archived reference, journal, DAG run id.

Every name derives from the monitor and the run id, so a re-run of an
unfinished run writes the same objects again instead of new ones.
"""

import posixpath
from dataclasses import dataclass
from datetime import datetime

from clarus_daemon.config.drift import MonitorSettings

JOURNAL_DIR = ".pending"
RUN_METADATA = "clarus-drift-run"
"""User metadata on a reference replaced by a run: that run's id."""


def run_stamp(at: datetime) -> str:
    return at.strftime("%Y%m%dT%H%M%S.") + f"{at.microsecond // 1000:03d}Z"


def _under(prefix: str, name: str) -> str:
    prefix = prefix.strip("/")
    return f"{prefix}/{name}" if prefix else name


def archive_prefix(monitor: MonitorSettings) -> str:
    if monitor.archive_path is not None:
        return monitor.archive_path
    return _under(posixpath.dirname(monitor.reference), "archive")


def journal_key(name: str, monitor: MonitorSettings) -> str:
    return _under(monitor.report_path, f"{JOURNAL_DIR}/{name}.json")


@dataclass(frozen=True)
class RunNames:
    monitor: str
    run_id: str
    report_html: str
    report_json: str
    archive: str
    dag_run_id: str

    @classmethod
    def for_run(cls, name: str, monitor: MonitorSettings, run_id: str) -> "RunNames":
        stem, suffix = posixpath.splitext(posixpath.basename(monitor.reference))
        stamp = run_id.rsplit("_", 1)[-1]
        return cls(
            monitor=name,
            run_id=run_id,
            report_html=_under(monitor.report_path, f"{run_id}.html"),
            report_json=_under(monitor.report_path, f"{run_id}.json"),
            archive=_under(archive_prefix(monitor), f"{stem}.{stamp}{suffix}"),
            dag_run_id=f"clarus__{run_id}",
        )

    @classmethod
    def new(cls, name: str, monitor: MonitorSettings, at: datetime) -> "RunNames":
        return cls.for_run(name, monitor, f"drift_{name}_{run_stamp(at)}")
