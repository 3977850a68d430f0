"""Running the steps after a drift decision, and keeping account of them.

The journal is saved before the first step has any effect and after every step,
so a failure leaves a record of exactly what was done; the summary mirrors it.
"""

import logging

from clarus_daemon.drift.errors import StepFailed
from clarus_daemon.drift.journal import JournalStore
from clarus_daemon.drift.steps import ARCHIVE_REFERENCE, SAVE_REPORT, TRIGGER_DAG, DriftRun, Step
from clarus_daemon.errors import DaemonError

log = logging.getLogger("clarus_daemon.drift")


async def run_step(run: DriftRun, journals: JournalStore, step: str, action: Step) -> None:
    """StepFailed, naming the step and what was done before it, when it fails."""
    try:
        if not run.journal.done:
            await journals.save(run.journal)
        skipped = await action(run)
        if skipped:
            run.journal.skipped[step] = skipped
        run.journal.done.append(step)
        await journals.save(run.journal)
    except Exception as err:
        raise step_failure(run, step, err) from err


def record_step(run: DriftRun, step: str) -> None:
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


def step_failure(run: DriftRun, step: str, err: Exception) -> StepFailed:
    done = [s for s in run.journal.done if s not in run.journal.skipped]
    if isinstance(err, DaemonError):
        reason, cause = err.message, {"error": err.code, "message": err.message, **err.details}
    else:
        log.error("drift step %s of %s failed", step, run.name, exc_info=err)
        reason = f"{type(err).__name__}: {err}"
        cause = {"error": "internal_error", "message": reason}
    return StepFailed(
        f"Drift detected, but step {step!r} failed: {reason}. Done before it: "
        f"{', '.join(done) or 'nothing'}. Run the check again to finish; "
        "steps already done are not repeated.",
        details={"failed_step": step, "done": done, "run_id": run.names.run_id, "cause": cause},
    )
