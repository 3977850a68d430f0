"""One drift check of one monitor: resume an unfinished run, or read, detect and act.

The datasets are streamed to a private temporary directory and parsed in the
worker pool; the event loop only moves bytes. A reference whose summary is cached
(same ETag) is not downloaded at all. After a drift decision a journal
in MinIO records each finished step, so a failure answers which step failed and
what was done, and the next check resumes where the failed one stopped.
"""

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import replace
from pathlib import Path

from clarus_daemon.config.drift import MonitorSettings
from clarus_daemon.drift.bookkeeping import record_step, run_step
from clarus_daemon.drift.budget import check_budget
from clarus_daemon.drift.errors import ReferenceNotCached
from clarus_daemon.drift.journal import Journal, JournalStore
from clarus_daemon.drift.naming import RUN_METADATA, RunNames, journal_key
from clarus_daemon.drift.reference_cache import ReferenceCache
from clarus_daemon.drift.results import Detection, DetectOptions, detect_options
from clarus_daemon.drift.scratch import RunFiles, run_files
from clarus_daemon.drift.steps import DETECT, READ_DATA, SAVE_REPORT, AfterDrift, DriftRun
from clarus_daemon.drift.storage import DatasetStore, ObjectHead
from clarus_daemon.drift.summary import DriftSummary, Verdict
from clarus_daemon.drift.tasks import detect_files
from clarus_daemon.drift.worker_pool import WorkerPool
from clarus_daemon.errors import DaemonError

log = logging.getLogger("clarus_daemon.drift")


def _replaced_by(reference: ObjectHead, journal: Journal) -> bool:
    return reference.metadata.get(RUN_METADATA) == journal.run_id


def _in_step(step: str, err: DaemonError) -> DaemonError:
    err.details.setdefault("failed_step", step)
    return err


class DriftPipeline:
    def __init__(
        self,
        store: DatasetStore,
        pool: WorkerPool,
        after_drift: AfterDrift,
        *,
        cache: ReferenceCache | None = None,
        memory_budget_mb: int | None = None,
    ) -> None:
        self._store = store
        self._pool = pool
        self._after_drift = after_drift
        self._cache = cache
        self._memory_budget_mb = memory_budget_mb

    async def run(
        self, name: str, monitor: MonitorSettings, summary: DriftSummary, *, report: bool = False
    ) -> None:
        """Fill `summary` in; DaemonError (details: failed_step, done) when a step fails.

        report: Evidently's report is saved without drift too (on drift it always is)."""
        journals = JournalStore(self._store, monitor.bucket, journal_key(name, monitor))
        try:
            journal = await journals.load()
            heads = await self._heads(monitor)
        except DaemonError as err:
            raise _in_step(READ_DATA, err) from None
        journal = await self._resumable(name, journal, heads, journals)
        if journal is not None and _replaced_by(heads[0], journal):
            names = RunNames.for_run(name, monitor, journal.run_id)
            await self._finish(DriftRun(name, monitor, names, journal, summary, None), journals)
            return
        names = (
            RunNames.for_run(name, monitor, journal.run_id)
            if journal
            else RunNames.new(name, monitor, summary.started_at)
        )
        summary.run_id = names.run_id
        async with run_files(heads) as files:
            detection = await self._detect(monitor, files)
            summary.verdict = Verdict.from_detection(detection)
            if not detection.drift:
                if journal is not None:
                    await journals.discard()
                if report:
                    new_journal = self._new_journal(names, heads, summary)
                    run = DriftRun(name, monitor, names, new_journal, summary, detection, files)
                    await self._report_only(run)
                return
            journal = journal or self._new_journal(names, heads, summary)
            run = DriftRun(name, monitor, names, journal, summary, detection, files)
            await self._finish(run, journals)

    async def _resumable(
        self,
        name: str,
        journal: Journal | None,
        heads: tuple[ObjectHead, ObjectHead],
        journals: JournalStore,
    ) -> Journal | None:
        """The journal of a run to finish; None (and the journal gone) when there is none."""
        if journal is None:
            return None
        if self._complete(journal):
            log.info("drift run %s was complete; dropping its journal", journal.run_id)
        elif _replaced_by(heads[0], journal) or (heads[0].etag, heads[1].etag) == (
            journal.reference_etag,
            journal.new_data_etag,
        ):
            return journal
        else:
            log.info("drift run %s left undone, but its data changed; checking anew", name)
        await journals.discard()
        return None

    async def _heads(self, monitor: MonitorSettings) -> tuple[ObjectHead, ObjectHead]:
        # both at once; a failure is reported for the reference first, as before
        reference, new_data = await asyncio.gather(
            self._store.head(monitor.bucket, monitor.reference),
            self._store.head(monitor.bucket, monitor.new_data),
            return_exceptions=True,
        )
        for head in (reference, new_data):
            if isinstance(head, BaseException):
                raise head
        assert isinstance(reference, ObjectHead) and isinstance(new_data, ObjectHead)
        return reference, new_data

    async def _detect(self, monitor: MonitorSettings, files: RunFiles) -> Detection:
        reference, new_data = files.heads
        try:
            sample = check_budget(
                files.heads, self._memory_budget_mb, sample=monitor.over_budget == "sample"
            )
        except DaemonError as err:
            raise _in_step(READ_DATA, err) from None
        options = replace(detect_options(monitor), sample=sample)
        cache_file, cached = None, False
        if self._cache is not None and sample is None:  # a sample's summary is not the reference's
            cache_file = self._cache.path_for(
                reference.bucket, reference.key, reference.etag, options
            )
            cached = await self._cache.has(cache_file)
        try:
            downloads: list[Awaitable[object]] = [self._store.download(new_data, files.new_data)]
            if not cached:
                downloads.append(files.download_reference(self._store))
            await asyncio.gather(*downloads)
        except DaemonError as err:
            raise _in_step(READ_DATA, err) from None
        try:
            detection = await self._detect_files(files, options, cache_file, cached)
        except DaemonError as err:
            raise _in_step(DETECT, err) from None
        if self._cache is not None:
            await self._cache.trim()
        return detection

    async def _detect_files(
        self, files: RunFiles, options: DetectOptions, cache_file: Path | None, cached: bool
    ) -> Detection:
        if cached:
            try:
                return await self._pool.run(
                    detect_files, None, files.new_data, options, files.labels, cache_file
                )
            except ReferenceNotCached:
                log.info("cached reference summary gone; reading the reference")
                try:
                    await files.download_reference(self._store)
                except DaemonError as err:
                    raise _in_step(READ_DATA, err) from None
        return await self._pool.run(
            detect_files, files.reference, files.new_data, options, files.labels, cache_file
        )

    async def _report_only(self, run: DriftRun) -> None:
        """The report step alone, asked for without drift: nothing to resume, no journal."""
        try:
            skipped = await self._after_drift.save_report(run)
        except DaemonError as err:
            raise _in_step(SAVE_REPORT, err) from None
        if skipped:
            run.summary.skipped[SAVE_REPORT] = skipped
        else:
            record_step(run, SAVE_REPORT)

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
                await run_step(run, journals, step, action)
            record_step(run, step)
        await journals.discard()

    def _complete(self, journal: Journal) -> bool:
        return all(step in journal.done for step, _ in self._after_drift.steps())
