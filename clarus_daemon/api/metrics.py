"""GET /metrics in Prometheus text format, and the middleware counting every request."""

import time

from aiohttp import web
from aiohttp.typedefs import Handler
from aiohttp_apigami import docs
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest

from clarus_daemon import keys
from clarus_daemon.metrics.registry import DaemonMetrics
from clarus_daemon.metrics.scheduler_collector import SchedulerCollector
from clarus_daemon.metrics.sink import MetricsSink

UNMATCHED_ROUTE = "unmatched"


def _route(request: web.Request) -> str:
    # The route's pattern, not the path: /api/drift/runs/{run_id} is one series, and
    # paths nobody routes (scanners) all land in one, so the label set stays small.
    resource = request.match_info.route.resource
    return UNMATCHED_ROUTE if resource is None else resource.canonical


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        metrics = request.app[keys.METRICS]
        labels = (request.method, _route(request), str(status))
        metrics.http_requests.labels(*labels).inc()
        metrics.http_latency.labels(*labels).observe(time.perf_counter() - started)


@docs(
    tags=["metrics"],
    summary="Prometheus metrics",
    responses={
        200: {
            "description": "Prometheus text exposition format 0.0.4",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
async def get_metrics(request: web.Request) -> web.Response:
    body = generate_latest(request.app[keys.METRICS].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4})


def setup(app: web.Application) -> None:
    """After history.setup: the scheduler's state is exported too."""
    metrics = DaemonMetrics()
    metrics.registry.register(SchedulerCollector(app[keys.SCHEDULER]))
    app[keys.METRICS] = metrics
    app[keys.EVENTS].add_sink(MetricsSink(metrics))
    app.router.add_get("/metrics", get_metrics, allow_head=False)
