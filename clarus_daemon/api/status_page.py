"""GET /: a status page for people, server-rendered and refreshing itself."""

import asyncio
import functools
from datetime import UTC, datetime
from typing import Any

import jinja2
from aiohttp import web

from clarus_daemon import __version__, keys
from clarus_daemon.api.history import history_health
from clarus_daemon.api.ping import health_warnings
from clarus_daemon.errors import DaemonError
from clarus_daemon.history.plot import share_plot
from clarus_daemon.history.views import drift_run_view
from clarus_daemon.scheduler.overview import monitor_overviews

REFRESH_S = 15
RUNS_SHOWN = 20
PLOT_POINTS = 60
# No scripts at all; inline styles and SVG only.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"


def _when(value: str | datetime | None) -> str:
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _pct(share: float) -> str:
    return f"{share * 100:.1f}\u00a0%"


@functools.cache
def _templates() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("clarus_daemon", "web"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters.update(when=_when, pct=_pct)
    return environment


async def _inference_services(app: web.Application) -> tuple[list[dict[str, Any]], str | None]:
    timeout = app[keys.SETTINGS].server.health_timeout_s
    try:
        services = await asyncio.wait_for(app[keys.INFERENCE].list_services(), timeout)
    except DaemonError as err:
        return [], err.message
    except TimeoutError:
        return [], f"The Docker Engine did not list the services within {timeout:g} s"
    return [service.as_dict() for service in services], None


def _report_links(run: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    return [
        (kind, {"href": f"/api/drift/runs/{run['id']}/reports/{kind}", "location": location})
        for kind, location in sorted(run["reports"].items())
    ]


async def _monitors(app: web.Application) -> list[dict[str, Any]]:
    store, monitors = app[keys.HISTORY], app[keys.SETTINGS].drift.monitors
    overviews = monitor_overviews(
        monitors, app[keys.SCHEDULER], await store.latest_drift_runs(), app[keys.DRIFT].busy
    )
    for overview in overviews:
        series = await store.drift_share_series(overview["name"], PLOT_POINTS)
        overview["plot"] = share_plot(series, monitors[overview["name"]].drift_share)
    return overviews


async def status_page(request: web.Request) -> web.Response:
    app = request.app
    runs = [drift_run_view(r) for r in (await app[keys.HISTORY].drift_runs(limit=RUNS_SHOWN)).rows]
    for run in runs:
        run["report_links"] = _report_links(run)
    services, services_error = await _inference_services(app)
    html = (
        _templates()
        .get_template("status.html")
        .render(
            version=__version__,
            generated_at=datetime.now(UTC),
            refresh_s=REFRESH_S,
            warnings=[*health_warnings(app), *history_health(app)[1]],
            services=services,
            services_error=services_error,
            monitors=await _monitors(app),
            runs=runs,
        )
    )
    headers = {"Cache-Control": "no-store", "Content-Security-Policy": _CSP}
    return web.Response(text=html, content_type="text/html", headers=headers)


def setup(app: web.Application) -> None:
    app.router.add_get("/", status_page, allow_head=False)
