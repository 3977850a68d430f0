"""Entries for scheduled checks and commands: the status the API would answer, no address."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from clarus_daemon.errors import Conflict
from clarus_daemon.history.audit_trail import cli_principal, outside_entry
from clarus_daemon.history.store import MEMORY, HistoryStore
from clarus_daemon.scheduler.audited import AuditedRunner


class Summary:
    def answer(self) -> dict[str, Any]:
        return {"drift": True, "archived_reference": "archive/ref.csv", "bucket": "b"}


class Runner:
    def __init__(self, failure: Exception | None = None) -> None:
        self.failure = failure

    async def run(self, monitor: str, *, trigger: str, wait: bool) -> object:
        if self.failure is not None:
            raise self.failure
        return Summary()


@pytest.fixture
async def store() -> AsyncIterator[HistoryStore]:
    opened = await HistoryStore.open(MEMORY)
    yield opened
    await opened.close()


def test_the_cli_is_named_with_the_login_name() -> None:
    assert cli_principal().startswith("cli (user ")


def test_a_failure_is_recorded_with_the_status_the_api_would_answer() -> None:
    refused = outside_entry("scheduler", "drift_check", "m", {}, Conflict("busy"))
    failed = outside_entry("scheduler", "drift_check", "m", {}, RuntimeError("boom"))

    assert (refused.outcome, refused.status, refused.details) == (
        "refused",
        409,
        {"error": "conflict"},
    )
    assert (failed.outcome, failed.status, failed.client) == ("failed", 500, "-")


async def test_each_scheduled_run_is_recorded_however_it_ends(store: HistoryStore) -> None:
    await AuditedRunner(Runner(), store.audit).run("m", trigger="scheduled", wait=False)
    with pytest.raises(Conflict):
        await AuditedRunner(Runner(Conflict("busy")), store.audit).run(
            "m", trigger="scheduled", wait=False
        )

    refused, done = (await store.audit.page()).rows
    assert (done.principal, done.action, done.outcome, done.status) == (
        "scheduler",
        "drift_check",
        "ok",
        200,
    )
    assert done.details == {"drift": True, "archived_reference": "archive/ref.csv"}
    assert (refused.outcome, refused.status) == ("refused", 409)
