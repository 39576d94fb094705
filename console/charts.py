"""Charts drawn on the server as SVG: readable without JavaScript, printed as they are shown.

Two shapes cover the dashboards: a line chart of monthly figures (several series, an optional target line
such as the 90% county-domain visit rate) and a bar chart of one figure per unit or category (bars below
the target drawn in red). Each page puts the same numbers in a table beside the chart.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 24, 48


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]  # None: no figure that month (nothing to measure), drawn as a gap


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _fmt(value: float, unit: str) -> str:
    text = f"{value:.0f}" if float(value).is_integer() or value >= 100 else f"{value:.1f}"
    return text + unit


def _frame(title: str, y_max: float, unit: str, labels: list[str]) -> tuple[list[str], float, float]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [f'<title>{escape(title)}</title>']
    for i in range(5):
        v = y_max * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(_fmt(v, unit))}</text>')
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>')
    step = plot_w / max(1, len(labels))
    every = max(1, math.ceil(len(labels) * 46 / plot_w))  # keep the labels from running into each other
    for i, text in enumerate(labels):
        if i % every == 0:
            x = LEFT + step * (i + 0.5)
            parts.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{escape(text)}</text>')
    return parts, plot_w, plot_h


def _target(parts: list[str], target: float | None, label: str | None, y_max: float, plot_h: float) -> None:
    if target is None:
        return
    y = TOP + plot_h - plot_h * target / y_max
    parts.append(f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
    parts.append(f'<text class="target-label" x="{WIDTH - RIGHT - 4}" y="{y - 6:.1f}" text-anchor="end">'
                 f'{escape(label or "")}</text>')


def _svg(title: str, parts: list[str]) -> Markup:
    return Markup(f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
                  f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>')


def line_chart(title: str, labels: list[str], series: list[Series], unit: str = "", target: float | None = None,
               target_label: str | None = None, y_max: float | None = None) -> Markup:
    values = [v for s in series for v in s.values if v is not None] + ([target] if target is not None else [])
    top = y_max or _nice_max(max(values, default=1) * 1.05)
    parts, plot_w, plot_h = _frame(title, top, unit, labels)
    step = plot_w / max(1, len(labels))
    _target(parts, target, target_label, top, plot_h)
    for n, s in enumerate(series):
        segment: list[str] = []
        for i, v in enumerate(s.values + [None]):
            if v is None:
                if len(segment) > 1:
                    parts.append(f'<polyline class="series-{n}" points="{" ".join(segment)}"/>')
                segment = []
                continue
            x, y = LEFT + step * (i + 0.5), TOP + plot_h - plot_h * min(v, top) / top
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle class="series-{n}" cx="{x:.1f}" cy="{y:.1f}" r="3.5">'
                         f'<title>{escape(labels[i])} {escape(s.name)}：{escape(_fmt(v, unit))}</title></circle>')
    return _svg(title, parts)


def bar_chart(title: str, labels: list[str], values: list[float | None], unit: str = "",
              target: float | None = None, target_label: str | None = None, x_max: float | None = None) -> Markup:
    """Horizontal bars, one per label (unit names are long); bars short of the target in red."""
    present = [v for v in values if v is not None] + ([target] if target is not None else [])
    top = x_max or _nice_max(max(present, default=1) * 1.05)
    left, row = 190, 26
    height = TOP + row * len(labels) + 30
    plot_w = WIDTH - left - RIGHT
    parts = [f'<title>{escape(title)}</title>']
    for i in range(5):
        x = left + plot_w * i / 4
        parts.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{height - 30}"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle">{escape(_fmt(top * i / 4, unit))}</text>')
    for i, (text, v) in enumerate(zip(labels, values)):
        y = TOP + row * i
        parts.append(f'<text x="{left - 8}" y="{y + row * 0.65:.1f}" text-anchor="end">{escape(text)}</text>')
        if v is None:
            parts.append(f'<text x="{left + 4}" y="{y + row * 0.65:.1f}">无数据</text>')
            continue
        w = plot_w * min(v, top) / top
        below = " below" if target is not None and v < target else ""
        parts.append(f'<rect class="bar series-0{below}" x="{left}" y="{y + 4}" width="{w:.1f}" height="{row - 8}">'
                     f'<title>{escape(text)}：{escape(_fmt(v, unit))}</title></rect>')
    if target is not None:
        x = left + plot_w * target / top
        parts.append(f'<line class="target" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP - 8}" y2="{height - 30}"/>')
        parts.append(f'<text class="target-label" x="{x - 4:.1f}" y="{TOP - 10 if TOP > 14 else 12}" '
                     f'text-anchor="end">{escape(target_label or "")}</text>')
    return Markup(f'<svg class="chart bars" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
                  f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>')


@dataclass(frozen=True)
class Step:
    """One bar of a waterfall: a total stands on the axis, a change floats from the running total."""

    label: str
    value: float
    total: bool = False


def waterfall_chart(title: str, steps: list[Step], unit: str = "") -> Markup:
    """Budget → spending → balance → retained (or how an overspend was shared): each change floats between
    the totals it links, decreases red, increases orange, totals blue; the amount is written on each bar."""
    running, spans = 0.0, []
    for s in steps:
        start, end = (0.0, s.value) if s.total else (running, running + s.value)
        spans.append((min(start, end), max(start, end)))
        running = end
    top = _nice_max(max((hi for _, hi in spans), default=1) * 1.1)
    parts, plot_w, plot_h = _frame(title, top, unit, [s.label for s in steps])
    step = plot_w / max(1, len(steps))
    for i, (s, (lo, hi)) in enumerate(zip(steps, spans)):
        x, w = LEFT + step * i + step * 0.18, step * 0.64
        y0, y1 = TOP + plot_h - plot_h * hi / top, TOP + plot_h - plot_h * lo / top
        tone = "total" if s.total else ("down" if s.value < 0 else "up")
        parts.append(f'<rect class="wf wf-{tone}" x="{x:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{max(1, y1 - y0):.1f}">'
                     f'<title>{escape(s.label)}：{escape(_money(s.value, unit))}</title></rect>')
        parts.append(f'<text class="wf-value" x="{x + w / 2:.1f}" y="{y0 - 5:.1f}" text-anchor="middle">'
                     f'{escape(_money(s.value, unit))}</text>')
    return _svg(title, parts)


def _money(value: float, unit: str) -> str:
    return f"{value:,.2f}{unit}" if abs(value) < 10_000 else f"{value / 10_000:,.2f}万{unit}"


@dataclass(frozen=True)
class Gauge:
    """A count against its limit: `kind` max (a cap) or min (a floor); broken when it passes the limit."""

    label: str
    value: int
    limit: int | None
    kind: str = "max"
    note: str = ""
    ok: bool | None = None  # the rule's own verdict, when it is not simply the count against the limit

    @property
    def broken(self) -> bool:
        if self.ok is not None:
            return not self.ok
        if self.limit is None:
            return False
        return self.value > self.limit if self.kind == "max" else self.value < self.limit


def gauge_chart(title: str, gauges: list[Gauge]) -> Markup:
    """Horizontal bars of head counts with a marker at each one's cap or floor; a broken rule in red."""
    top = _nice_max(max([g.value for g in gauges] + [g.limit or 0 for g in gauges] + [1]) * 1.1)
    left, row = 190, 34
    height = TOP + row * len(gauges) + 30
    plot_w = WIDTH - left - RIGHT - 90
    parts = [f'<title>{escape(title)}</title>']
    for i in range(5):
        x = left + plot_w * i / 4
        parts.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{height - 30}"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle">{escape(_fmt(top * i / 4, ""))}</text>')
    for i, g in enumerate(gauges):
        y = TOP + row * i
        parts.append(f'<text x="{left - 8}" y="{y + row * 0.6:.1f}" text-anchor="end">{escape(g.label)}</text>')
        w = plot_w * min(g.value, top) / top
        tone = " broken" if g.broken else ""
        parts.append(f'<rect class="gauge{tone}" x="{left}" y="{y + 6}" width="{w:.1f}" height="{row - 14}">'
                     f'<title>{escape(g.label)}：{g.value}{escape(g.note)}</title></rect>')
        text = f"{g.value}" + (f" / {'上限' if g.kind == 'max' else '下限'} {g.limit}" if g.limit is not None else "")
        parts.append(f'<text class="gauge-text{tone}" x="{left + plot_w + 6}" y="{y + row * 0.6:.1f}">'
                     f'{escape(text)}</text>')
        if g.limit is not None:
            x = left + plot_w * min(g.limit, top) / top
            parts.append(f'<line class="limit" x1="{x:.1f}" x2="{x:.1f}" y1="{y + 2}" y2="{y + row - 4}"/>')
    return Markup(f'<svg class="chart bars" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
                  f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>')


def grouped_bar_chart(title: str, labels: list[str], series: list[Series], unit: str = "") -> Markup:
    """Horizontal bars, one group per label, one bar per series (e.g. this window's demand beside the baseline)."""
    values = [v for s in series for v in s.values if v is not None]
    top = _nice_max(max(values, default=1) * 1.05)
    left, bar = min(300, max(120, 14 + 13 * max((len(t) for t in labels), default=8))), 11  # room for the names
    row = bar * len(series) + 10
    height = TOP + row * len(labels) + 30
    plot_w = WIDTH - left - RIGHT
    parts = [f'<title>{escape(title)}</title>']
    for i in range(5):
        x = left + plot_w * i / 4
        parts.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{height - 30}"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle">{escape(_fmt(top * i / 4, unit))}</text>')
    for i, text in enumerate(labels):
        y = TOP + row * i
        parts.append(f'<text x="{left - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end">{escape(text)}</text>')
        for n, s in enumerate(series):
            v = s.values[i] or 0
            parts.append(f'<rect class="bar series-{n}" x="{left}" y="{y + 5 + n * bar}" width="{plot_w * v / top:.1f}" '
                         f'height="{bar - 2}"><title>{escape(text)} {escape(s.name)}：{escape(_fmt(v, unit))}</title></rect>')
    return Markup(f'<svg class="chart bars" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
                  f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>')
