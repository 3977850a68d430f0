"""The status page as a person sees it: loaded in headless Chromium from a real server."""

import asyncio
import html
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from clarus_daemon import keys
from clarus_daemon.events import Event
from tests.infra.images import InferenceApi, InferenceLab
from tests.infra.ports import free_port

pytestmark = pytest.mark.integration

OUTPUT_DIR = Path(__file__).resolve().parents[2] / "test-output"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)
SHARES = (0.083, 0.167, 0.583, 0.25)


@dataclass(frozen=True)
class StatusPage:
    url: str
    inference_id: str
    port: int


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return found


async def browse(url: str, profile: Path, *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        chromium(),
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        *args,
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode(errors="replace")[-2000:]
    return stdout.decode()


@pytest.fixture
async def status_page(
    inference_api: InferenceApi, inference_lab: InferenceLab, tmp_path: Path
) -> AsyncIterator[StatusPage]:
    """The real app with one deployed inference service and a drift history."""
    monitor = {"bucket": "datasets", "reference": "wine/ref.csv", "new_data": "wine/new.csv"}
    client = await inference_api(
        sections={
            "history": {"path": str(tmp_path / "history.sqlite3")},
            "drift": {
                "monitors": {
                    "redwine": {**monitor, "drift_share": 0.5},
                    "empty": {**monitor, "schedule": "0 6 * * 1-5"},
                }
            },
        }
    )
    inference_id, port = inference_lab.new_id("wine-api"), free_port()
    deployed = await client.post(
        "/api/inference/deploy", json=inference_lab.body(inference_id, port)
    )
    assert deployed.status == 201, await deployed.text()
    await seed_runs(client.app)
    yield StatusPage(str(client.make_url("/")), inference_id, port)


async def seed_runs(app: web.Application) -> None:
    start = datetime.now(UTC) - timedelta(hours=len(SHARES))
    for hour, share in enumerate(SHARES):
        ended = start + timedelta(hours=hour)
        details: dict[str, Any] = {
            "trigger": "scheduled" if hour % 2 else "manual",
            "share": share,
            "reports": {"html": f"s3://datasets/reports/redwine/{hour}.html"},
        }
        outcome = "drift" if share >= 0.5 else "no_drift"
        await app[keys.EVENTS].emit(
            Event("drift_run", "redwine", outcome, details, ended - timedelta(seconds=3), ended)
        )
    failure = {"trigger": "scheduled", "failed_step": "read_new_data", "error": "NoSuchKey"}
    await app[keys.EVENTS].emit(Event("drift_run", "redwine", "failed", failure))


def visible_text(dom: str) -> str:
    without_styles = re.sub(r"<style.*?</style>", " ", dom, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", without_styles)))


async def test_the_status_page_shows_services_monitors_runs_and_the_drift_plot(
    status_page: StatusPage, tmp_path: Path
) -> None:
    assert status_page.url.startswith("http://127.0.0.1:")
    dom = await browse(status_page.url, tmp_path / "profile-dom", "--dump-dom")
    text = visible_text(dom)
    for heading in ("Inference services", "Drift monitors", "Last drift runs"):
        assert heading in text
    service_row = re.search(rf"{status_page.inference_id} .*? reachable", text)
    assert service_row is not None, text
    assert f"127.0.0.1:{status_page.port} → 8080" in service_row.group(0)
    assert "running" in service_row.group(0)
    assert "redwine" in text and "empty" in text
    assert "never run" in text  # the monitor without runs
    assert "0 6 * * 1-5" in text and re.search(r"Next run \d{4}-\d\d-\d\d 06:00:00 UTC", text)
    assert "failed at read_new_data: NoSuchKey" in text
    assert "58.3\u00a0%" in text and "25.0\u00a0%" in text
    assert re.search(r'href="/api/drift/runs/\d+/reports/html"', dom)
    assert "s3://datasets/reports/redwine/2.html" in text
    plot = re.search(r'<svg[^>]*aria-label="Drift share of redwine over time".*?</svg>', dom, re.S)
    assert plot is not None
    assert len(re.findall(r"<circle", plot.group(0))) == len(SHARES)
    assert "No drift share measured yet." in text  # the plot of the monitor without runs
    assert '<meta http-equiv="refresh"' in dom

    OUTPUT_DIR.mkdir(exist_ok=True)
    screenshot = OUTPUT_DIR / "status_page.png"
    screenshot.unlink(missing_ok=True)
    # paint everything before the shot; the page has no script to wait for
    await browse(
        status_page.url,
        tmp_path / "profile-shot",
        "--run-all-compositor-stages-before-draw",
        "--virtual-time-budget=2000",
        f"--screenshot={screenshot}",
    )
    assert screenshot.stat().st_size > 10_000
