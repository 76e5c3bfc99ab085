"""Attendance per delegation as a horizontal bar chart: geometry here, SVG in the template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ROW = 34  # pixels per delegation
LABEL = 170  # room for the delegation's name
WIDTH = 640


@dataclass(frozen=True)
class Bar:
    name: str
    y: int
    attending: int
    paid: int
    checked_in: int
    cancelled: int
    attending_width: float
    paid_width: float
    checked_in_width: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    scale_max: int
    ticks: list[tuple[float, int]]


def nice_max(value: int) -> int:
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value <= step * 5:
            return max(step, -(-value // step) * step)
    return value


def attendance_chart(report: dict[str, Any]) -> Chart:
    rows = [d for d in report["delegations"] if d["totals"]["registered"]] or \
        report["delegations"]
    top = nice_max(max([d["totals"]["attending"] for d in rows] + [1]))
    span = WIDTH - LABEL - 20

    def width(n: int) -> float:
        return round(span * n / top, 1)

    bars = [Bar(name=d["name"], y=i * ROW + 8, attending=d["totals"]["attending"],
                paid=d["totals"]["paid"], checked_in=d["totals"]["checked_in"],
                cancelled=d["totals"]["cancelled"],
                attending_width=width(d["totals"]["attending"]),
                paid_width=width(d["totals"]["paid"]),
                checked_in_width=width(d["totals"]["checked_in"]))
            for i, d in enumerate(rows)]
    step = top // 5 or 1
    ticks = [(LABEL + width(v), v) for v in range(0, top + 1, step)]
    return Chart(bars=bars, width=WIDTH, height=len(bars) * ROW + 36, label_width=LABEL,
                 scale_max=top, ticks=ticks)
