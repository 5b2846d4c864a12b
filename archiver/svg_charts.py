"""Bar and line charts as SVG text, drawn here: the stats page needs a few charts, and a chart library from a
CDN is what every page here refuses (nothing from another host), so ours are a hundred lines of plain SVG.

Each chart is accessible and themable: ``role="img"`` named by its ``<title>`` and described by a ``<desc>``
that says what it shows in words (the largest value, the last one), each bar or point has a ``<title>`` (the
tooltip a pointer shows and a screen reader reads), the axes carry labels. Colours come from
``currentColor`` and CSS classes (``chart-bar``, ``chart-line``, ``series-N``), never from inline styles: the
page's stylesheet (dark mode included) colours them, and the Content-Security-Policy forbids inline styles.
Pure functions of their input: no Django, no I/O.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 84, 16, 16, 40  # room for the value axis' labels and the categories'
TICKS = 4


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _nice_scale(value: float, binary: bool = False, whole: bool = False) -> tuple[float, int]:
    """(a round axis top at or above ``value``, its number of ticks): 4 or 5 steps of 1, 2, 2.5 or 5 times a
    power of ten, the lowest top (31 -> 40 in 4, 50 -> 50 in 5), or for byte counts (``binary``) a power of
    two times a power of 1024 in 4 steps (3 GiB -> 4 GiB, ticks of 1 GiB). ``whole``: the values are counts
    (of videos), so every tick is a whole number (a top of 1 has the ticks 0 and 1, never "0.2 videos")."""
    if value <= 0:
        return 1.0, 1 if whole else TICKS
    if whole and value <= TICKS + 1:
        top = math.ceil(value - 1e-9)
        return float(top), top
    if binary:
        power = 1024 ** max(0, math.floor(math.log(value, 1024)))
        return power * 2 ** max(0, math.ceil(math.log2(value / power) - 1e-9)), TICKS
    best = None
    for ticks in (TICKS, TICKS + 1):
        step = value / ticks
        power = 10 ** math.floor(math.log10(step))
        steps = (1, 2, 5, 10) if whole and power == 1 else (1, 2, 2.5, 5, 10)
        nice = next(n for n in steps if step <= n * power * (1 + 1e-9))
        if best is None or ticks * nice * power < best[0]:
            best = (ticks * nice * power, ticks)
    return best


def _nice_top(value: float, binary: bool = False) -> float:
    return _nice_scale(value, binary)[0]


def _short(label: str, chars: int) -> str:
    """A label cut in its middle to ``chars`` ("Fixture…nnel 14"): ends tell names apart better than starts."""
    if len(label) <= chars:
        return label
    keep = max(1, chars - 1)
    return label[:(keep + 1) // 2] + "…" + label[len(label) - keep // 2:]


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its name and one value per x label (None: no sample there)."""
    name: str
    values: Sequence[float | None]


def _frame(chart_id: str, title: str, desc: str, kind: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" id="{_e(chart_id)}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{_e(chart_id)}-title {_e(chart_id)}-desc">',
            f'<title id="{_e(chart_id)}-title">{_e(title)}</title>',
            f'<desc id="{_e(chart_id)}-desc">{_e(desc)}</desc>']


def _value_axis(scale: tuple[float, int], fmt: Callable[[float], str], y_label: str) -> list[str]:
    top, ticks = scale
    plot_h = HEIGHT - TOP - BOTTOM
    out = ['<g class="chart-axis" fill="currentColor" stroke="currentColor" font-size="11">',
           f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke-width="1"/>',
           f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" stroke-width="1"/>']
    for n in range(ticks + 1):
        value = top * n / ticks
        y = HEIGHT - BOTTOM - plot_h * n / ticks
        out.append(f'<line class="chart-grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                   f'stroke-opacity="0.15"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" stroke="none">{_e(fmt(value))}</text>')
    out.append(f'<text class="chart-axis-label" x="10" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" stroke="none" '
               f'transform="rotate(-90 10 {TOP + plot_h / 2:.1f})">{_e(y_label)}</text>')
    out.append("</g>")
    return out


def _x_labels(labels: Sequence[str], x_of: Callable[[int], float], x_label: str) -> list[str]:
    """At most seven category labels (every n-th), each cut to the room it has, and the axis' name."""
    every = max(1, math.ceil(len(labels) / 7))
    room = (WIDTH - LEFT - RIGHT) / min(len(labels), 7)
    out = ['<g class="chart-axis" fill="currentColor" font-size="11">']
    for i, label in enumerate(labels):
        if i % every == 0:
            out.append(f'<text x="{x_of(i):.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">'
                       f'{_e(_short(label, max(4, int(room / 7))))}</text>')
    out.append(f'<text class="chart-axis-label" x="{LEFT + (WIDTH - LEFT - RIGHT) / 2:.1f}" y="{HEIGHT - 4}" '
               f'text-anchor="middle">{_e(x_label)}</text></g>')
    return out


def _empty(chart_id: str, title: str, what: str, kind: str) -> str:
    return "".join([*_frame(chart_id, title, f"No data yet: {what}", kind),
                    f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" fill="currentColor">'
                    f'No data yet</text></svg>'])


def bar_chart(chart_id: str, title: str, labels: Sequence[str], values: Sequence[float], *,
              fmt: Callable[[float], str] = lambda v: f"{v:g}", x_label: str = "", y_label: str = "",
              what: str = "", binary: bool = False) -> str:
    """One bar per label (``values[i]`` tall), each with a ``<title>`` "label: value"; ``what`` names a value
    in the description ("videos archived"); ``binary``: the values are bytes (round tops in KiB, MiB...)."""
    if not labels or not any(values):
        return _empty(chart_id, title, what or title, "bar")
    scale = _nice_scale(max(values), binary, whole=all(float(v).is_integer() for v in values))
    top = scale[0]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(labels)
    biggest = max(range(len(values)), key=lambda i: values[i])
    desc = (f"{len(labels)} bars of {what or title}, from {labels[0]} to {labels[-1]}; the most {fmt(values[biggest])} "
            f"({labels[biggest]}), the last {fmt(values[-1])} ({labels[-1]}).")
    out = [*_frame(chart_id, title, desc, "bar"), *_value_axis(scale, fmt, y_label), '<g class="chart-bars">']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top
        out.append(f'<rect class="chart-bar" x="{LEFT + i * slot + slot * 0.15:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" '
                   f'width="{slot * 0.7:.1f}" height="{h:.1f}" fill="currentColor">'
                   f'<title>{_e(label)}: {_e(fmt(value))}</title></rect>')
    out.append("</g>")
    out += _x_labels(labels, lambda i: LEFT + (i + 0.5) * slot, x_label)
    out.append("</svg>")
    return "".join(out)


def line_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series], *,
               fmt: Callable[[float], str] = lambda v: f"{v:g}", x_label: str = "", y_label: str = "",
               binary: bool = False) -> str:
    """One polyline per series over the x ``labels``, a point (``<circle>`` with a ``<title>``) per value;
    a legend names the series when there are several."""
    known = [v for s in series for v in s.values if v is not None]
    if not labels or not known:
        return _empty(chart_id, title, ", ".join(s.name for s in series) or title, "line")
    scale = _nice_scale(max(known), binary, whole=all(float(v).is_integer() for v in known))
    top = scale[0]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(labels) - 1)

    def x_of(i: int) -> float:
        return LEFT + (i * step if len(labels) > 1 else plot_w / 2)

    def y_of(v: float) -> float:
        return HEIGHT - BOTTOM - plot_h * max(0.0, v) / top

    lasts = "; ".join(f"{s.name} {fmt(last)}" for s in series
                      if (last := next((v for v in reversed(s.values) if v is not None), None)) is not None)
    desc = f"{', '.join(s.name for s in series)} from {labels[0]} to {labels[-1]}; at {labels[-1]}: {lasts}."
    out = [*_frame(chart_id, title, desc, "line"), *_value_axis(scale, fmt, y_label)]
    for n, s in enumerate(series):
        points = [(x_of(i), y_of(v), labels[i], v) for i, v in enumerate(s.values) if v is not None]
        out.append(f'<g class="chart-series series-{n}" data-series="{_e(s.name)}" fill="currentColor" '
                   f'stroke="currentColor">')
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
            dashes = ' stroke-dasharray="6 3"' if n % 2 else ""  # told apart without colour, too
            out.append(f'<polyline class="chart-line" points="{path}" fill="none" stroke-width="2"{dashes}/>')
        for x, y, label, v in points:
            out.append(f'<circle class="chart-point" cx="{x:.1f}" cy="{y:.1f}" r="3" stroke="none">'
                       f'<title>{_e(s.name)}, {_e(label)}: {_e(fmt(v))}</title></circle>')
        out.append("</g>")
    if len(series) > 1:
        out.append('<g class="chart-legend" font-size="11" fill="currentColor">')
        for n, s in enumerate(series):
            out.append(f'<text class="series-{n}" x="{LEFT + 8 + n * 120}" y="{TOP + 10}">'
                       f'{"—" if n % 2 == 0 else "- -"} {_e(s.name)}</text>')
        out.append("</g>")
    out += _x_labels(labels, x_of, x_label)
    out.append("</svg>")
    return "".join(out)
