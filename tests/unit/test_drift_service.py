"""DriftService around a stand-in pipeline: monitor choice, one check per monitor, events."""

import asyncio
from typing import Any

import pytest

from clarus_daemon.config.drift import MonitorSettings
from clarus_daemon.drift.errors import NotConfigured
from clarus_daemon.drift.service import DriftService
from clarus_daemon.drift.summary import DriftSummary
from clarus_daemon.errors import (
    Conflict,
    InvalidRequest,
    NotFound,
    UpstreamError,
    UpstreamUnavailable,
)
from clarus_daemon.events import Event, Events


def monitors(*names: str) -> dict[str, MonitorSettings]:
    return {
        name: MonitorSettings(bucket="b", reference="r.csv", new_data="n.csv") for name in names
    }


class GatedPipeline:
    """Runs until released; fails with `error` when given one."""

    def __init__(self, error: Exception | None = None) -> None:
        self.release = asyncio.Event()
        self.running: list[str] = []
        self.error = error

    async def run(
        self, name: str, monitor: MonitorSettings, summary: DriftSummary, *, report: bool = False
    ) -> None:
        self.running.append(name)
        await self.release.wait()
        if self.error:
            raise self.error


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []

    async def emit(self, event: Event) -> None:
        self.events.append(event)


def service(
    names: tuple[str, ...], pipeline: Any, concurrency: int = 2
) -> tuple[DriftService, Recorder]:
    events, recorder = Events(), Recorder()
    events.add_sink(recorder)
    return DriftService(monitors(*names), pipeline, events, concurrency=concurrency), recorder


@pytest.mark.parametrize(
    ("names", "requested", "chosen"),
    [(("default", "b"), None, "default"), (("only",), None, "only"), (("a", "b"), "b", "b")],
)
def test_the_monitor_a_request_means(
    names: tuple[str, ...], requested: str | None, chosen: str
) -> None:
    assert service(names, None)[0].monitor_name(requested) == chosen


@pytest.mark.parametrize(
    ("names", "requested", "error"),
    [
        ((), None, NotConfigured),
        ((), "x", NotConfigured),
        (("a", "b"), None, InvalidRequest),
        (("a",), "b", NotFound),
    ],
)
def test_monitor_choice_errors(
    names: tuple[str, ...], requested: str | None, error: type[Exception]
) -> None:
    with pytest.raises(error):
        service(names, None)[0].monitor_name(requested)


async def test_without_minio_a_check_says_what_to_configure() -> None:
    with pytest.raises(UpstreamUnavailable, match="MINIO_IP"):
        await service(("default",), None)[0].run("default", trigger="manual", wait=False)


async def test_one_check_per_monitor_others_in_parallel_up_to_the_concurrency() -> None:
    pipeline = GatedPipeline()
    drift, recorder = service(("a", "b", "c"), pipeline, concurrency=2)
    first = asyncio.create_task(drift.run("a", trigger="manual", wait=False))
    second = asyncio.create_task(drift.run("b", trigger="scheduled", wait=False))
    third = asyncio.create_task(drift.run("c", trigger="manual", wait=False))
    await asyncio.sleep(0.05)

    assert pipeline.running == ["a", "b"]  # c waits for a slot
    with pytest.raises(Conflict):
        await drift.run("a", trigger="scheduled", wait=False)
    waiting = asyncio.create_task(drift.run("a", trigger="manual", wait=True))
    pipeline.release.set()
    await asyncio.gather(first, second, third, waiting)

    assert pipeline.running == ["a", "b", "c", "a"]
    assert [(e.subject, e.details["trigger"]) for e in recorder.events][:2] == [
        ("a", "manual"),
        ("b", "scheduled"),
    ]
    assert {e.outcome for e in recorder.events} == {"no_drift"}


async def test_a_failed_check_emits_one_failed_event_with_the_step() -> None:
    error = UpstreamError("airflow", "down", details={"failed_step": "trigger_dag"})
    pipeline = GatedPipeline(error)
    pipeline.release.set()
    drift, recorder = service(("default",), pipeline)

    with pytest.raises(UpstreamError):
        await drift.run("default", trigger="scheduled", wait=False)

    (event,) = recorder.events
    assert (event.kind, event.outcome) == ("drift_run", "failed")
    assert event.details["failed_step"] == "trigger_dag" and event.details["error"] == "down"
    assert event.details["trigger"] == "scheduled" and event.details["duration_s"] is not None
