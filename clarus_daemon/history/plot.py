"""Drift share over time as coordinates for an inline SVG; no plotting library needed."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT, PAD = 360, 120, 8


@dataclass(frozen=True)
class PlotPoint:
    x: float
    y: float
    share: float
    at: datetime
    drifted: bool


@dataclass(frozen=True)
class SharePlot:
    width: int
    height: int
    points: Sequence[PlotPoint]
    polyline: str
    threshold_y: float
    first_at: datetime
    last_at: datetime


def _y(share: float) -> float:
    share = min(max(share, 0.0), 1.0)
    return round(PAD + (1.0 - share) * (HEIGHT - 2 * PAD), 1)


def share_plot(series: Sequence[tuple[datetime, float]], threshold: float) -> SharePlot | None:
    """Shares (0..1) placed by time; None when there is nothing to draw."""
    if not series:
        return None
    first, last = series[0][0], series[-1][0]
    span = (last - first).total_seconds()
    points = []
    for at, share in series:
        ratio = (at - first).total_seconds() / span if span > 0 else 0.5
        x = round(PAD + ratio * (WIDTH - 2 * PAD), 1)
        points.append(PlotPoint(x, _y(share), share, at, share >= threshold))
    polyline = " ".join(f"{p.x},{p.y}" for p in points)
    return SharePlot(WIDTH, HEIGHT, points, polyline, _y(threshold), first, last)
