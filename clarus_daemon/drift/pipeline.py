"""One drift check of one monitor: resume an unfinished run, or read, detect and act.

The datasets are streamed to a private temporary directory and parsed in the
worker pool; the event loop only moves bytes. After a drift decision a journal
in MinIO records each finished step, so a failure answers which step failed and
what was done, and the next check resumes where the failed one stopped.
"""

import asyncio
import logging
import shutil
import tempfile
from pathlib import Path

from clarus_daemon.config.drift import MonitorSettings
from clarus_daemon.drift.errors import StepFailed
from clarus_daemon.drift.journal import Journal, JournalStore
from clarus_daemon.drift.naming import RUN_METADATA, RunNames, journal_key
from clarus_daemon.drift.results import Detection, DetectOptions
from clarus_daemon.drift.steps import (
    ARCHIVE_REFERENCE,
    DETECT,
    READ_DATA,
    SAVE_REPORT,
    TRIGGER_DAG,
    AfterDrift,
    DriftRun,
    Step,
)
from clarus_daemon.drift.storage import DatasetStore, ObjectHead
from clarus_daemon.drift.summary import DriftSummary, Verdict
from clarus_daemon.drift.tasks import detect_files
from clarus_daemon.drift.worker_pool import WorkerPool
from clarus_daemon.errors import DaemonError

log = logging.getLogger("clarus_daemon.drift")


def detect_options(monitor: MonitorSettings) -> DetectOptions:
    return DetectOptions(
        separator=monitor.separator,
        drift_share=monitor.drift_share,
        ignore_columns=tuple(monitor.ignore_columns),
        categorical_columns=tuple(monitor.categorical_columns),
        column_methods=dict(monitor.column_methods),
        column_thresholds=dict(monitor.column_thresholds),
    )


def _in_step(step: str, err: DaemonError) -> DaemonError:
    err.details.setdefault("failed_step", step)
    return err


class DriftPipeline:
    def __init__(self, store: DatasetStore, pool: WorkerPool, after_drift: AfterDrift) -> None:
        self._store = store
        self._pool = pool
        self._after_drift = after_drift

    async def run(self, name: str, monitor: MonitorSettings, summary: DriftSummary) -> None:
        """Fill `summary` in; DaemonError (details: failed_step, done) when a step fails."""
        journals = JournalStore(self._store, monitor.bucket, journal_key(name, monitor))
        try:
            journal = await journals.load()
            heads = await self._heads(monitor)
        except DaemonError as err:
            raise _in_step(READ_DATA, err) from None
        if journal is not None and self._complete(journal):
            await self._forget(journals)  # its deletion failed last time
            journal = None
        if journal is not None:
            if heads[0].metadata.get(RUN_METADATA) == journal.run_id:
                names = RunNames.for_run(name, monitor, journal.run_id)
                await self._finish(DriftRun(name, monitor, names, journal, summary, None), journals)
                return
            if (heads[0].etag, heads[1].etag) != (journal.reference_etag, journal.new_data_etag):
                log.info("drift journal of %s is stale (data changed); checking anew", name)
                journal = None
        names = (
            RunNames.for_run(name, monitor, journal.run_id)
            if journal
            else RunNames.new(name, monitor, summary.started_at)
        )
        summary.run_id = names.run_id
        detection = await self._detect(monitor, heads)
        summary.verdict = Verdict.from_detection(detection)
        if not detection.drift:
            if journal is not None:
                await journals.delete()
            return
        if journal is None:
            journal = self._new_journal(names, heads, summary)
        await self._finish(DriftRun(name, monitor, names, journal, summary, detection), journals)

    async def _heads(self, monitor: MonitorSettings) -> tuple[ObjectHead, ObjectHead]:
        return (
            await self._store.head(monitor.bucket, monitor.reference),
            await self._store.head(monitor.bucket, monitor.new_data),
        )

    async def _detect(
        self, monitor: MonitorSettings, heads: tuple[ObjectHead, ObjectHead]
    ) -> Detection:
        workdir = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="clarus-drift-"))
        try:
            paths = (workdir / "reference.csv", workdir / "new_data.csv")
            downloads = (
                self._store.download(heads[0], paths[0]),
                self._store.download(heads[1], paths[1]),
            )
            try:
                await asyncio.gather(*downloads)
            except DaemonError as err:
                raise _in_step(READ_DATA, err) from None
            labels = (f"{monitor.bucket}/{heads[0].key}", f"{monitor.bucket}/{heads[1].key}")
            try:
                return await self._pool.run(detect_files, *paths, detect_options(monitor), labels)
            except DaemonError as err:
                raise _in_step(DETECT, err) from None
        finally:
            await asyncio.to_thread(shutil.rmtree, workdir, True)

    @staticmethod
    def _new_journal(
        names: RunNames, heads: tuple[ObjectHead, ObjectHead], summary: DriftSummary
    ) -> Journal:
        assert summary.verdict is not None
        return Journal(
            run_id=names.run_id,
            trigger=summary.trigger,
            started_at=summary.started_at.isoformat(),
            reference_etag=heads[0].etag,
            new_data_etag=heads[1].etag,
            verdict=summary.verdict.as_dict(),
        )

    async def _finish(self, run: DriftRun, journals: JournalStore) -> None:
        summary, journal = run.summary, run.journal
        summary.run_id = journal.run_id
        summary.resumed = run.detection is None or bool(journal.done)
        if summary.verdict is None:
            summary.verdict = Verdict.from_dict(journal.verdict)
        for step, action in self._after_drift.steps():
            if step not in journal.done:
                await self._step(run, journals, step, action)
            self._record(run, step)
        await self._forget(journals)

    def _complete(self, journal: Journal) -> bool:
        return all(step in journal.done for step, _ in self._after_drift.steps())

    async def _step(self, run: DriftRun, journals: JournalStore, step: str, action: Step) -> None:
        try:
            if not run.journal.done:  # first step: the journal must exist before any effect
                await journals.save(run.journal)
            skipped = await action(run)
            if skipped:
                run.journal.skipped[step] = skipped
            run.journal.done.append(step)
            await journals.save(run.journal)
        except Exception as err:
            raise self._failure(run, step, err) from err

    @staticmethod
    def _record(run: DriftRun, step: str) -> None:
        """Mirror a finished step into the summary (also for steps an earlier run did)."""
        summary, names, journal = run.summary, run.names, run.journal
        if step in journal.skipped:
            summary.skipped[step] = journal.skipped[step]
            return
        summary.done.append(step)
        if step == SAVE_REPORT:
            summary.reports = {"html": names.report_html, "json": names.report_json}
        elif step == ARCHIVE_REFERENCE:
            summary.archived_reference = names.archive
        elif step == TRIGGER_DAG:
            summary.dag_run_id = journal.dag_run_id

    @staticmethod
    def _failure(run: DriftRun, step: str, err: Exception) -> StepFailed:
        done = [s for s in run.journal.done if s not in run.journal.skipped]
        reason = err.message if isinstance(err, DaemonError) else f"{type(err).__name__}: {err}"
        if not isinstance(err, DaemonError):
            log.exception("drift step %s of %s failed", step, run.name)
        return StepFailed(
            f"Drift detected, but step {step!r} failed: {reason}. Done before it: "
            f"{', '.join(done) or 'nothing'}. Run the check again to finish; "
            "steps already done are not repeated.",
            details={
                "failed_step": step,
                "done": done,
                "run_id": run.names.run_id,
                "cause": {
                    "error": getattr(err, "code", "internal_error"),
                    "message": reason,
                    **(err.details if isinstance(err, DaemonError) else {}),
                },
            },
        )

    async def _forget(self, journals: JournalStore) -> None:
        try:
            await journals.delete()
        except DaemonError as err:
            # every step is done; the next check finds the journal complete and deletes it
            log.warning("drift journal %s/%s not deleted: %s", journals.bucket, journals.key, err)
