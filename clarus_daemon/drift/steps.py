"""The steps after a drift decision, in order, each safe to run again.

A step either does its work, finds it already done (a re-run after a failure),
or returns why it was skipped. Reports and archive copies have names fixed by
the run id, the reference carries the id of the run that replaced it, the asset
update is a PUT and the DAG run id is fixed, so a repeated step changes nothing.
"""

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from clarus_daemon.config.drift import MonitorSettings
from clarus_daemon.drift.errors import NotConfigured
from clarus_daemon.drift.journal import Journal
from clarus_daemon.drift.naming import RUN_METADATA, RunNames
from clarus_daemon.drift.reports import ReportFailed, ReportRenderer
from clarus_daemon.drift.results import Detection, RenderedReport, detect_options
from clarus_daemon.drift.scratch import RunFiles
from clarus_daemon.drift.storage import DatasetStore, ObjectHead
from clarus_daemon.drift.summary import DriftSummary
from clarus_daemon.errors import Conflict, DaemonError
from clarus_daemon.integrations.airflow import AirflowClient
from clarus_daemon.integrations.ids import IdsAgent

log = logging.getLogger("clarus_daemon.drift")

READ_DATA = "read_data"
DETECT = "detect"
SAVE_REPORT = "save_report"
ARCHIVE_REFERENCE = "archive_reference"
REPLACE_REFERENCE = "replace_reference"
UPDATE_ASSET = "update_asset"
TRIGGER_DAG = "trigger_dag"


@dataclass
class DriftRun:
    """One run's state while its steps execute."""

    name: str
    monitor: MonitorSettings
    names: RunNames
    journal: Journal
    summary: DriftSummary
    detection: Detection | None
    """None when resumed after the reference was replaced (the report exists by then)."""
    files: RunFiles | None = None
    """The run's copies of its datasets (with the detection)."""


Step = Callable[[DriftRun], Awaitable[str | None]]


def _changed(head: ObjectHead, expected_etag: str, what: str) -> Conflict:
    return Conflict(
        f"{head.bucket}/{head.key} ({what}) changed since the drift check; "
        "run the check again to compare the current data",
        details={"object": head.key, "etag": head.etag, "checked_etag": expected_etag},
    )


class AfterDrift:
    def __init__(
        self,
        store: DatasetStore,
        ids: IdsAgent | None,
        airflow: AirflowClient | None,
        reports: ReportRenderer | None = None,
    ) -> None:
        self._store = store
        self._ids = ids
        self._airflow = airflow
        self._reports = reports or ReportRenderer(max_rows=100_000, timeout_s=300)

    def steps(self) -> list[tuple[str, Step]]:
        return [
            (SAVE_REPORT, self.save_report),
            (ARCHIVE_REFERENCE, self.archive_reference),
            (REPLACE_REFERENCE, self.replace_reference),
            (UPDATE_ASSET, self.update_asset),
            (TRIGGER_DAG, self.trigger_dag),
        ]

    async def _render(self, run: DriftRun) -> RenderedReport:
        files = run.files
        if files is None:
            raise ReportFailed("the run's datasets are gone")
        try:
            reference = await files.download_reference(self._store)
        except DaemonError as err:
            raise ReportFailed(err.message) from err
        sample = run.detection.sample if run.detection else None
        options = replace(detect_options(run.monitor), sample=sample)
        return await self._reports.render(reference, files.new_data, options, files.labels)

    async def save_report(self, run: DriftRun) -> str | None:
        """Evidently's HTML report and the JSON summary; a report Evidently cannot render
        is recorded (skipped, with the reason) and changes nothing else."""
        if run.detection is None:
            raise RuntimeError("the report can only be saved from the run's detection")
        bucket, names = run.monitor.bucket, run.names
        summary: dict[str, Any] = run.summary.answer()
        try:
            rendered = await self._render(run)
        except ReportFailed as err:
            log.error("drift report of %s failed: %s", run.name, err)
            summary["evidently"] = None
            summary["report"] = {"error": str(err)}
            await self._store.put(
                bucket, names.report_json, json.dumps(summary).encode(), "application/json"
            )
            return f"Evidently could not render the report ({err}); the verdict stands"
        await self._store.put(bucket, names.report_html, rendered.html.encode(), "text/html")
        summary["evidently"] = json.loads(rendered.json)
        summary["report"] = rendered.facts()
        await self._store.put(
            bucket, names.report_json, json.dumps(summary).encode(), "application/json"
        )
        return None

    async def _reference(self, run: DriftRun) -> tuple[ObjectHead, bool]:
        head = await self._store.head(run.monitor.bucket, run.monitor.reference)
        return head, head.metadata.get(RUN_METADATA) == run.names.run_id

    async def archive_reference(self, run: DriftRun) -> str | None:
        reference, replaced = await self._reference(run)
        if replaced:  # archived before it was replaced
            return None
        if reference.etag != run.journal.reference_etag:
            raise _changed(reference, run.journal.reference_etag, "reference")
        await self._store.copy(reference, run.names.archive)
        return None

    async def replace_reference(self, run: DriftRun) -> str | None:
        reference, replaced = await self._reference(run)
        if replaced:
            return None
        # A reference written since it was archived would be overwritten unarchived:
        # only the version the archive holds may be replaced.
        if reference.etag != run.journal.reference_etag:
            raise _changed(reference, run.journal.reference_etag, "reference")
        new_data = await self._store.head(run.monitor.bucket, run.monitor.new_data)
        if new_data.etag != run.journal.new_data_etag:
            raise _changed(new_data, run.journal.new_data_etag, "new data")
        await self._store.copy(
            new_data,
            run.monitor.reference,
            metadata={RUN_METADATA: run.names.run_id, "clarus-drift-source": new_data.key},
        )
        return None

    async def update_asset(self, run: DriftRun) -> str | None:
        exp_id = run.monitor.experiment_id
        if exp_id is None:
            return "the monitor has no experiment_id (EXPERIMENT_ID)"
        if self._ids is None:
            raise NotConfigured(
                f"monitor {run.name!r} names experiment {exp_id!r}, but the IDS agent is not "
                "configured: set ids.url (IDS_PROVIDER_IP, IDS_PROVIDER_PORT)"
            )
        await self._ids.update_dataset_asset(exp_id, run.monitor.bucket, run.monitor.reference)
        return None

    async def trigger_dag(self, run: DriftRun) -> str | None:
        dag_id = run.monitor.dag_id
        if dag_id is None:
            return "the monitor has no dag_id (ID_AIRFLOW_DAG)"
        if self._airflow is None:
            raise NotConfigured(
                f"monitor {run.name!r} names DAG {dag_id!r}, but Airflow is not configured: "
                "set airflow.url (AIRFLOW_IP, AIRFLOW_PORT)"
            )
        dag_run = await self._airflow.trigger_dag(
            dag_id, dag_run_id=run.names.dag_run_id, conf=_dag_conf(run)
        )
        run.journal.dag_run_id = dag_run.dag_run_id
        return None


def _dag_conf(run: DriftRun) -> dict[str, Any]:
    """What the retraining DAG learns about the drift that started it."""
    monitor, names = run.monitor, run.names
    return {
        "monitor": run.name,
        "run_id": names.run_id,
        "experiment_id": monitor.experiment_id,
        "bucket": monitor.bucket,
        "reference": monitor.reference,
        "archived_reference": names.archive,
        "report": {"html": names.report_html, "json": names.report_json},
    }
