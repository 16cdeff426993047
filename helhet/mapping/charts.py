"""Geometry for the server-rendered SVG charts (no script, no CDN).

Templates draw what these functions compute; every chart is followed on the
page by a table with the same numbers, its text alternative (WCAG 1.1.1).
Suppressed cells are never drawn as their own segment or point: a bar shows
one "skjult" segment for all of them, whose size the table's total already
tells.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from helhet.mapping import report
from helhet.mapping.models import Domain, Level

LEVEL_CLASS = {
    Level.NONE: "lvl-none",
    Level.MODERATE: "lvl-moderate",
    Level.SERIOUS: "lvl-serious",
    Level.UNKNOWN: "lvl-unknown",
}


@dataclass
class Segment:
    x: float
    width: float
    css: str
    label: str


@dataclass
class Bar:
    label: str
    y: float
    segments: list = field(default_factory=list)


def stacked_bars(rows: list[tuple[str, dict, report.Cell]], width=420, label_width=170) -> dict:
    """One bar per row: (label, level -> Cell, total Cell), segments as shares of the total."""
    bar_height, gap = 22, 10
    bars = []
    for i, (label, cells, total) in enumerate(rows):
        bar = Bar(label, i * (bar_height + gap))
        x = float(label_width)
        shown_sum = 0
        for level in report.DISPLAY_LEVELS:
            cell = cells[level]
            if not cell.shown:
                continue
            w = width * cell.value / total.value
            bar.segments.append(Segment(round(x, 1), round(w, 1), LEVEL_CLASS[level], cell.display))
            x += w
            shown_sum += cell.value
        hidden = total.value - shown_sum
        if hidden:
            w = width * hidden / total.value
            bar.segments.append(Segment(round(x, 1), round(w, 1), "lvl-hidden", ""))
        bars.append(bar)
    return {
        "bars": bars,
        "bar_height": bar_height,
        "text_y": bar_height * 0.7,
        "label_width": label_width,
        "width": label_width + width + 10,
        "height": max(1, len(rows)) * (bar_height + gap),
    }


@dataclass
class Series:
    key: str
    label: str
    path: str
    points: list


def trend_lines(reports: list, width=520, height=220) -> dict:
    """Share (%) with serious problems per domain per year; suppressed years are gaps."""
    left, right, top, bottom = 44, 16, 12, 28
    years = [r.year for r in reports]
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(years) - 1)
    shares = [
        r.distribution[d][Level.SERIOUS].share_of(r.n)
        for r in reports
        if not r.too_few
        for d in Domain.values
    ]
    # Room above the highest line, in whole tens, so small changes stay visible.
    top_share = min(100, 10 * (int(max((s for s in shares if s is not None), default=0)) // 10 + 2))
    series = []
    for domain, label in Domain.choices:
        points: list[tuple[float, float, float]] = []
        path: list[tuple[float, float] | None] = []
        for i, r in enumerate(reports):
            share = None if r.too_few else r.distribution[domain][Level.SERIOUS].share_of(r.n)
            if share is None:
                path.append(None)
                continue
            x = left + i * step if len(years) > 1 else left + plot_w / 2
            y = top + plot_h * (1 - share / top_share)
            points.append((round(x, 1), round(y, 1), share))
            path.append((round(x, 1), round(y, 1)))
        series.append(Series(domain, str(label), _path(path), points))
    ticks = [(round(top + plot_h * (1 - t / top_share), 1), t) for t in range(0, top_share + 1, 25)]
    x_labels = [
        (round(left + i * step if len(years) > 1 else left + plot_w / 2, 1), y)
        for i, y in enumerate(years)
    ]
    return {
        "series": series,
        "ticks": ticks,
        "x_labels": x_labels,
        "width": width,
        "height": height,
        "left": left,
        "right_edge": width - right,
        "axis_y": height - bottom,
        "label_y": height - 8,
    }


def _path(points: list) -> str:
    """An SVG path that lifts the pen over gaps (None)."""
    parts, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{point[0]},{point[1]}")
        pen_down = True
    return " ".join(parts)


# Levels drawn top to bottom: good at the top, so improvement goes up.
LEVEL_ROWS = (Level.NONE, Level.MODERATE, Level.SERIOUS)


AXIS_LABELS = {Level.NONE: "lite", Level.MODERATE: "moderat", Level.SERIOUS: "alvorlig"}


def person_domain_lines(mappings: list, width=260, height=96) -> list[dict]:
    """Per domain, the person's level at each mapping; "not known" is a gap."""
    left, right, top, bottom = 58, 10, 10, 10
    plot_w, plot_h = width - left - right, height - top - bottom
    dates = [m.mapped_on for m in mappings]
    first, last = (min(dates), max(dates)) if dates else (None, None)
    span = (last - first).days if first is not None and last is not None else 0

    def x_of(day: dt.date) -> float:
        if first is None or not span:
            return left + plot_w / 2
        return left + plot_w * (day - first).days / span

    def y_of(level):
        return top + plot_h * LEVEL_ROWS.index(level) / (len(LEVEL_ROWS) - 1)

    charts = []
    for domain, label in Domain.choices:
        path: list[tuple[float, float] | None] = []
        points: list[tuple[Any, ...]] = []
        for m in mappings:
            level = m.levels.get(domain, Level.UNKNOWN)
            if level == Level.UNKNOWN:
                path.append(None)
                continue
            point = (round(x_of(m.mapped_on), 1), round(y_of(level), 1))
            path.append(point)
            points.append((*point, Level(level).label, m.mapped_on))
        charts.append(
            {
                "domain": domain,
                "label": str(label),
                "path": _path(path),
                "points": points,
                "width": width,
                "height": height,
                "grid": [(round(y_of(lv), 1), AXIS_LABELS[lv]) for lv in LEVEL_ROWS],
                "left": left,
            }
        )
    return charts
