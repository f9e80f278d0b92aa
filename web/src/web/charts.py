"""Growth charts as SVG drawn on the server: WHO 2006 lines (-3, -2, 0, +2, +3 SD) and a child's points, in
plain numbers a template places in an <svg>. No script, so a chart shows on any phone and prints."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 40
LINES = (("sd_minus3", "sd3"), ("sd_minus2", "sd2"), ("median", "median"), ("sd_plus2", "sd2"), ("sd_plus3", "sd3"))


@dataclass(frozen=True)
class Tick:
    value: float
    at: float  # pixels along its axis


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str  # what a screen reader and a hover tell


@dataclass(frozen=True)
class Chart:
    title: str
    x_label: str
    y_label: str
    lines: list[tuple[str, str]]  # (css class, SVG points)
    dots: list[Dot]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    right: int = WIDTH - RIGHT


def _ticks(low: float, high: float, count: int = 6) -> list[float]:
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [round(first + i * step, 6) for i in range(int((high - first) / step) + 1)]


def chart(
    *,
    title: str,
    x_label: str,
    y_label: str,
    standard: Sequence[dict[str, float]],
    points: Sequence[tuple[float, float, str]],
) -> Chart:
    """`standard`: the API's curve points; `points`: (x, y, label) of the child's measurements inside the
    chart's x range (others are left out: they belong on another chart)."""
    x_low, x_high = standard[0]["x"], standard[-1]["x"]
    inside = [p for p in points if x_low <= p[0] <= x_high]
    y_low = min([s["sd_minus3"] for s in standard] + [p[1] for p in inside])
    y_high = max([s["sd_plus3"] for s in standard] + [p[1] for p in inside])
    pad = (y_high - y_low) * 0.03
    y_low, y_high = y_low - pad, y_high + pad

    def sx(x: float) -> float:
        return round(LEFT + (x - x_low) / (x_high - x_low) * (WIDTH - LEFT - RIGHT), 1)

    def sy(y: float) -> float:
        return round(HEIGHT - BOTTOM - (y - y_low) / (y_high - y_low) * (HEIGHT - TOP - BOTTOM), 1)

    lines = [(css, " ".join(f"{sx(s['x'])},{sy(s[field])}" for s in standard)) for field, css in LINES]
    return Chart(
        title=title,
        x_label=x_label,
        y_label=y_label,
        lines=lines,
        dots=[Dot(sx(x), sy(y), label) for x, y, label in inside],
        x_ticks=[Tick(v, sx(v)) for v in _ticks(x_low, x_high)],
        y_ticks=[Tick(v, sy(v)) for v in _ticks(y_low, y_high)],
    )
