"""Server-side SVG charts: pure functions from plain data to SVG markup.

The same markup is inlined in HTML pages and in WeasyPrint PDFs, so there is no
JavaScript and nothing is fetched from elsewhere. Every label is XML-escaped;
links (drill-down) are plain SVG `<a href>` elements. Inputs are plain numbers
and strings, never models or querysets, so the charts are trivially testable.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Number = int | float | Decimal

PALETTE = (
    "#1d6fb8",
    "#b3261e",
    "#2e7d32",
    "#b26a00",
    "#6a3d9a",
    "#00838f",
    "#c2185b",
    "#5d4037",
    "#607d8b",
    "#9e9d24",
    "#ef6c00",
    "#3949ab",
    "#8d6e63",
)
FONT = "'Noto Sans CJK SC','Microsoft YaHei','PingFang SC','Source Han Sans SC',sans-serif"
FONT_SIZE = 12
AXIS_COLOUR = "#637381"
GRID_COLOUR = "#e3e8ee"
MAX_LABEL_WIDTH = 150  # px; longer unit names are cut with "…" (full name in the tooltip)

# Characters XML 1.0 forbids even when escaped; a stray one would make the whole SVG invalid.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Bar:
    """One bar (or segment): a label, a value, an optional shown text and drill-down link."""

    label: str
    value: Number | None
    href: str | None = None
    display: str | None = None


@dataclass(frozen=True)
class Series:
    """A named line over the chart's x labels; None marks a missing point."""

    name: str
    values: Sequence[Number | None]


@dataclass(frozen=True)
class StackedRow:
    label: str
    values: Sequence[Number | None]
    href: str | None = None


@dataclass
class _Svg:
    width: int
    height: int
    title: str
    parts: list[str] = field(default_factory=list)

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def render(self) -> SafeString:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {self.width} {self.height}" width="{self.width}" '
            f'height="{self.height}" font-family="{FONT}" font-size="{FONT_SIZE}" '
            f'aria-label="{esc(self.title)}">'
        )
        body = f"<title>{esc(self.title)}</title>" + "".join(self.parts)
        return mark_safe(head + body + "</svg>")  # every label went through esc()


def esc(text: object) -> str:
    """XML-escape any label (quotes too, as labels land in attributes) and drop forbidden chars."""
    return escape(_XML_FORBIDDEN.sub("", str(text)), quote=True)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Rough rendered width: CJK and other wide characters take a full em, the rest about half."""
    width = 0.0
    for char in text:
        width += 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.58
    return width * size


def truncate(text: str, max_width: float, size: float = FONT_SIZE) -> str:
    if text_width(text, size) <= max_width:
        return text
    while text and text_width(text + "…", size) > max_width:
        text = text[:-1]
    return text + "…"


def format_number(value: Number | None, *, grouped: bool = True) -> str:
    """Figures as tables print them: 1,263 · 7,500 · 793,691.3 (money to at most two decimals).

    Prose (the drafted work report) writes them ungrouped, as reports do: 3600人.
    """
    if value is None:
        return "—"
    comma = "," if grouped else ""
    if isinstance(value, Decimal | float):
        if value == int(value):
            return f"{int(value):{comma}}"
        return f"{float(value):{comma}.2f}".rstrip("0").rstrip(".")
    return f"{value:{comma}}"


def with_unit(value: Number | None, unit: str) -> str:
    """A number and its unit as the page language writes them: "12人", "12 persons"."""
    if value is None or not unit:
        return format_number(value)
    return _("%(number)s%(unit)s") % {"number": format_number(value), "unit": unit}


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round axis ticks from 0 covering `maximum` (steps of 1, 2 or 5 × 10ⁿ)."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if step < 1 and maximum >= 1:
        step = 1
    ticks = [0.0]
    while ticks[-1] < maximum:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _empty(svg: _Svg, message: str | None = None) -> SafeString:
    svg.add(
        f'<text x="{svg.width / 2:.0f}" y="{svg.height / 2:.0f}" text-anchor="middle" '
        f'fill="{AXIS_COLOUR}">{esc(message or _("暂无数据"))}</text>'
    )
    return svg.render()


def _link(href: str | None, inner: str, tooltip: str) -> str:
    titled = f"<title>{esc(tooltip)}</title>{inner}"
    if not href:
        return f"<g>{titled}</g>"
    return f'<a href="{esc(href)}" class="drill">{titled}</a>'


def _values(items: Sequence[Number | None]) -> list[float]:
    return [float(v) for v in items if v is not None]


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    unit: str = "",
    width: int = 480,
    height: int = 240,
) -> SafeString:
    """Trend lines over the x labels (years), one colour per series, with a legend."""
    svg = _Svg(width, height, title)
    points = [v for s in series for v in _values(s.values)]
    if not x_labels or not points:
        return _empty(svg)
    legend_h = 18 if len(series) > 1 else 0
    left, right, top, bottom = 48, 16, 14 + legend_h, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = nice_ticks(max(points))
    top_value = ticks[-1] or 1

    def x_at(i: int) -> float:
        return left + (plot_w / 2 if len(x_labels) == 1 else plot_w * i / (len(x_labels) - 1))

    def y_at(value: float) -> float:
        return top + plot_h - plot_h * value / top_value

    for tick in ticks:
        y = y_at(tick)
        svg.add(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS_COLOUR}">'
            f"{esc(format_number(tick))}</text>"
        )
    for i, label in enumerate(x_labels):
        svg.add(
            f'<text x="{x_at(i):.1f}" y="{height - 8}" text-anchor="middle" '
            f'fill="{AXIS_COLOUR}">{esc(label)}</text>'
        )
    for n, line in enumerate(series):
        colour = _colour(n)
        coords = [
            (x_at(i), y_at(float(v)), v)
            for i, v in enumerate(line.values[: len(x_labels)])
            if v is not None
        ]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in coords)
            svg.add(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (x, y, v), label in zip(coords, _present_labels(x_labels, line.values), strict=True):
            tip = f"{line.name} {label}：{with_unit(v, unit)}"
            svg.add(
                f'<g><title>{esc(tip)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" '
                f'fill="{colour}"/></g>'
                f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="middle" font-size="10" '
                f'fill="{colour}">{esc(format_number(v))}</text>'
            )
        if legend_h:
            lx = left + n * (plot_w / max(len(series), 1))
            svg.add(
                f'<rect x="{lx:.1f}" y="4" width="10" height="10" fill="{colour}"/>'
                f'<text x="{lx + 14:.1f}" y="13">{esc(truncate(line.name, 110))}</text>'
            )
    return svg.render()


def _present_labels(x_labels: Sequence[str], values: Sequence[Number | None]) -> list[str]:
    return [label for label, v in zip(x_labels, values, strict=False) if v is not None]


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    unit: str = "",
    width: int = 480,
    bar_height: int = 18,
    maximum: Number | None = None,
    reference: Number | None = None,
    reference_label: str = "",
) -> SafeString:
    """Horizontal bars, one row per unit, each linked (drill-down) when it has an href.

    Horizontal because unit names are long Chinese names and there may be dozens
    of them: the chart grows downwards instead of squeezing the labels.
    `maximum` fixes the scale (e.g. 1 for rates). A `reference` (e.g. the parent's own
    rate) is drawn as a dashed line with its label, and the bars below it in red.
    """
    gap = 6
    top, bottom = (22 if reference is not None else 6), 6
    height = top + bottom + max(len(bars), 1) * (bar_height + gap)
    svg = _Svg(width, max(height, 60), title)
    values = _values([b.value for b in bars])
    if not bars or not values:
        return _empty(svg)
    label_w = min(MAX_LABEL_WIDTH, max(text_width(b.label) for b in bars) + 8)
    value_w = max(text_width(_shown(b, unit)) for b in bars) + 8
    left = label_w + 4
    plot_w = max(width - left - value_w, 20)
    top_value = float(maximum) if maximum else max([*values, float(reference or 0)]) or 1
    for i, bar in enumerate(bars):
        y = top + i * (bar_height + gap)
        length = 0.0 if bar.value is None else plot_w * min(float(bar.value) / top_value, 1)
        below = reference is not None and bar.value is not None and bar.value < reference
        shown = _shown(bar, unit)
        inner = (
            f'<text x="{left - 6:.1f}" y="{y + bar_height * 0.72:.1f}" text-anchor="end">'
            f"{esc(truncate(bar.label, label_w - 8))}</text>"
            f'<rect x="{left:.1f}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{_colour(1 if below else 0)}" rx="2"/>'
            f'<text x="{left + length + 4:.1f}" y="{y + bar_height * 0.72:.1f}" '
            f'fill="{AXIS_COLOUR}">{esc(shown)}</text>'
        )
        svg.add(_link(bar.href, inner, f"{bar.label}：{shown}"))
    if reference is not None:
        x = left + plot_w * min(float(reference) / top_value, 1)
        svg.add(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - bottom}" '
            f'stroke="{_colour(3)}" stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text x="{x:.1f}" y="{top - 8}" text-anchor="middle" fill="{_colour(3)}">'
            f"{esc(reference_label)}</text>"
        )
    return svg.render()


def _shown(bar: Bar, unit: str) -> str:
    if bar.display is not None:
        return bar.display
    return with_unit(bar.value, unit)


def donut_chart(
    segments: Sequence[Bar],
    *,
    title: str,
    unit: str = "",
    width: int = 420,
    height: int = 220,
) -> SafeString:
    """Shares of a whole (associations by level, events by type) with a legend of values."""
    svg = _Svg(width, height, title)
    parts = [s for s in segments if s.value is not None and float(s.value) > 0]
    total = sum(float(s.value) for s in parts)
    if not parts or total <= 0:
        return _empty(svg)
    radius = min(height / 2 - 12, 90)
    inner = radius * 0.58
    cx, cy = radius + 12, height / 2
    angle = -math.pi / 2
    for i, seg in enumerate(parts):
        share = float(seg.value) / total
        tip = f"{seg.label}：{_shown(seg, unit)}（{share * 100:.1f}%）"
        svg.add(_link(seg.href, _ring_segment(cx, cy, radius, inner, angle, share, i), tip))
        angle += share * 2 * math.pi
    svg.add(
        f'<text x="{cx:.1f}" y="{cy + 5:.1f}" text-anchor="middle" font-size="15" '
        f'font-weight="700">{esc(format_number(total))}</text>'
    )
    legend_x = cx + radius + 18
    row_h = min(20, (height - 8) / len(parts))
    legend_w = width - legend_x
    for i, seg in enumerate(parts):
        y = 4 + i * row_h
        share = float(seg.value) / total
        text = f"{seg.label} {_shown(seg, unit)}（{share * 100:.0f}%）"
        inner_markup = (
            f'<rect x="{legend_x:.1f}" y="{y + row_h / 2 - 5:.1f}" width="10" height="10" '
            f'fill="{_colour(i)}"/>'
            f'<text x="{legend_x + 15:.1f}" y="{y + row_h / 2 + 4:.1f}">'
            f"{esc(truncate(text, legend_w - 18))}</text>"
        )
        svg.add(_link(seg.href, inner_markup, text))
    return svg.render()


def _ring_segment(
    cx: float, cy: float, outer: float, inner: float, start: float, share: float, i: int
) -> str:
    colour = _colour(i)
    if share >= 0.9999:  # a full ring cannot be drawn as one arc
        mid = (outer + inner) / 2
        return (
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{mid:.1f}" fill="none" '
            f'stroke="{colour}" stroke-width="{outer - inner:.1f}"/>'
        )
    end = start + share * 2 * math.pi
    large = 1 if share > 0.5 else 0

    def point(r: float, a: float) -> str:
        return f"{cx + r * math.cos(a):.2f},{cy + r * math.sin(a):.2f}"

    path = (
        f"M{point(outer, start)} A{outer:.1f},{outer:.1f} 0 {large} 1 {point(outer, end)} "
        f"L{point(inner, end)} A{inner:.1f},{inner:.1f} 0 {large} 0 {point(inner, start)} Z"
    )
    return f'<path d="{path}" fill="{colour}" stroke="#fff" stroke-width="1"/>'


def stacked_bar_chart(
    rows: Sequence[StackedRow],
    categories: Sequence[str],
    *,
    title: str,
    unit: str = "",
    width: int = 560,
    bar_height: int = 18,
) -> SafeString:
    """One horizontal bar per unit split into categories (e.g. each town's associations by level).

    Categories that are zero in every row are left out of the legend.
    """
    used = [
        j for j in range(len(categories)) if any(j < len(r.values) and r.values[j] for r in rows)
    ]
    gap, legend_h = 6, 22
    height = legend_h + 6 + max(len(rows), 1) * (bar_height + gap)
    svg = _Svg(width, max(height, 60), title)
    if not rows or not used:
        return _empty(svg)
    totals = [sum(float(v or 0) for v in r.values) for r in rows]
    label_w = min(MAX_LABEL_WIDTH, max(text_width(r.label) for r in rows) + 8)
    value_w = max(text_width(format_number(t)) for t in totals) + 8
    left = label_w + 4
    plot_w = max(width - left - value_w, 20)
    top_value = max(totals) or 1
    x = 0.0
    for n, j in enumerate(used):
        name = truncate(categories[j], 100)
        svg.add(
            f'<rect x="{x:.1f}" y="5" width="10" height="10" fill="{_colour(n)}"/>'
            f'<text x="{x + 14:.1f}" y="14">{esc(name)}</text>'
        )
        x += text_width(name) + 28
    for i, (row, total) in enumerate(zip(rows, totals, strict=True)):
        y = legend_h + i * (bar_height + gap)
        inner = [
            f'<text x="{left - 6:.1f}" y="{y + bar_height * 0.72:.1f}" text-anchor="end">'
            f"{esc(truncate(row.label, label_w - 8))}</text>"
        ]
        tips = []
        offset = left
        for n, j in enumerate(used):
            value = float(row.values[j] or 0) if j < len(row.values) else 0.0
            if value <= 0:
                continue
            length = plot_w * value / top_value
            inner.append(
                f'<rect x="{offset:.1f}" y="{y}" width="{length:.1f}" height="{bar_height}" '
                f'fill="{_colour(n)}"/>'
            )
            tips.append(f"{categories[j]} {with_unit(value, unit)}")
            offset += length
        inner.append(
            f'<text x="{offset + 4:.1f}" y="{y + bar_height * 0.72:.1f}" fill="{AXIS_COLOUR}">'
            f"{esc(format_number(total))}</text>"
        )
        tip = f"{row.label}：" + ("、".join(tips) or format_number(0))
        svg.add(_link(row.href, "".join(inner), tip))
    return svg.render()
