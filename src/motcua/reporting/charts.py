"""Charts drawn on the server as SVG, with the same figures for a table beside them.

No JavaScript and no library: each chart is a small SVG written here, every text escaped.
A chart only enhances its table (``templates/reporting/chart.html`` renders both), so the
SVG carries ``role="img"`` with a title and a description stating the key figures, prints
each value on or beside its mark, tells series apart by shape, pattern and label as well as
colour, and scales with its ``viewBox``. Text is near-black on white or white on the dark
fills below, each at a contrast of at least 4.5:1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Number = Decimal | int | None
Kind = Literal["bars", "columns", "line", "stacked"]

WIDTH = 640
INK = "#0b0c0c"  # 19.9:1 on white
MUTED = "#505a5f"  # 7:1 on white: axes and the target line
# Dark fills that carry white text at ≥ 4.5:1 (white on each: 8.6, 7.3, 6.1, 9.9, 5.9, 12.6).
FILLS = ("#1d4e89", "#00703c", "#8a3d00", "#4c2c92", "#a4004f", "#28313b")
PATTERNS = ("", "stripes", "dots", "cross")
MARKERS = ("circle", "square", "triangle", "diamond")


def number(value: Number, places: int = 1) -> str:
    """1234.5 -> "1.234,5"; whole numbers lose their decimals; None -> "—" (no data)."""
    if value is None:
        return "—"
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _sep, fraction = f"{abs(rounded):f}".partition(".")
    text = f"{int(whole):,}".replace(",", ".")
    if fraction.strip("0"):
        text += "," + fraction.rstrip("0")
    return ("-" if rounded < 0 else "") + text


def figure(value: Number, unit: str = "", places: int = 1) -> str:
    """A value with its unit: "97,3%", "12 hồ sơ"; "—" without data."""
    if value is None:
        return "—"
    if unit == "%":
        return number(value, places) + "%"
    return f"{number(value, places)} {unit}".strip()


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number]


@dataclass(frozen=True)
class Chart:
    """One chart's figures: a category per row of the table (a unit, a period), a series
    per column. ``ident`` makes the ids inside the SVG unique on the page."""

    kind: Kind
    ident: str
    title: str
    category_header: str
    categories: Sequence[str]
    series: Sequence[Series]
    unit: str = ""
    target: Number = None
    maximum: Number = None  # the scale's end (100 for percent); else the largest value
    places: int = 1  # decimals written (the index's figures carry two)
    notes: Sequence[str] = field(default_factory=tuple)

    @property
    def description(self) -> str:
        """The key figures in words, for the SVG's ``<desc>``."""
        parts = []
        for series in self.series if self.categories else ():
            shown = [
                f"{category}: {figure(value, self.unit, self.places)}"
                for category, value in zip(self.categories, series.values, strict=True)
            ]
            prefix = f"{series.name} — " if len(self.series) > 1 else ""
            parts.append(prefix + "; ".join(shown))
        if self.target is not None:
            parts.append(self.target_text)
        return ". ".join(parts) + "." if parts else _("Chưa có số liệu.")

    @property
    def target_text(self) -> str:
        return _("Mục tiêu: %(target)s") % {"target": figure(self.target, self.unit, self.places)}

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """The table: each category with its values written out."""
        return [
            (category, [figure(s.values[i], self.unit, self.places) for s in self.series])
            for i, category in enumerate(self.categories)
        ]

    @property
    def svg(self) -> SafeString:
        return mark_safe(DRAW[self.kind](self))  # every text in it passed through escape()


def _scale_end(chart: Chart) -> Decimal:
    if chart.maximum is not None:
        return Decimal(chart.maximum)
    values = [Decimal(v) for s in chart.series for v in s.values if v is not None]
    if chart.target is not None:
        values.append(Decimal(chart.target))
    return max([*values, Decimal(1)])


def _short(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _axis_label(x: float, y: float, text: str, slot: float) -> str:
    """A period under its column or point; "12/2025" goes on two lines ("12", "2025") when
    it is wider than its slot, so that neighbouring labels never overlap."""
    if len(text) * 7.5 <= slot or "/" not in text:
        return _text(x, y, _short(text, max(int(slot // 7.5), 4)), anchor="middle")
    head, _sep, tail = text.partition("/")
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" fill="{INK}">'
        f'<tspan x="{x:.1f}">{escape(head)}</tspan>'
        f'<tspan x="{x:.1f}" dy="14">{escape(tail)}</tspan></text>'
    )


def _open(chart: Chart, height: int) -> list[str]:
    ident = escape(chart.ident)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="sans-serif" '
        f'font-size="13" fill="{INK}">',
        f'<title id="{ident}-title">{escape(chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape(chart.description)}</desc>',
        _patterns(chart),
    ]


def _patterns(chart: Chart) -> str:
    """Hatching laid over the fills, so stacked segments differ by more than colour."""
    ident = escape(chart.ident)
    shapes = {
        "stripes": '<path d="M0 8 L8 0" stroke="#fff" stroke-width="1.5"/>',
        "dots": '<circle cx="4" cy="4" r="1.5" fill="#fff"/>',
        "cross": '<path d="M0 0 L8 8 M8 0 L0 8" stroke="#fff" stroke-width="1"/>',
    }
    defs = [
        f'<pattern id="{ident}-{name}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f"{shape}</pattern>"
        for name, shape in shapes.items()
    ]
    return "<defs>" + "".join(defs) + "</defs>"


def _fill(chart: Chart, index: int) -> str:
    pattern = PATTERNS[index % len(PATTERNS)]
    return f"url(#{escape(chart.ident)}-{pattern})" if pattern else "none"


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'
    )


def _bars(chart: Chart) -> str:
    """Horizontal bars, one per category (a unit), the value printed after each bar."""
    label_w, right, row, top = 260, 70, 28, 10
    values = chart.series[0].values if chart.series else []
    height = top * 2 + row * max(len(values), 1)
    end = _scale_end(chart)
    span = WIDTH - label_w - right
    parts = _open(chart, height)
    for i, (category, value) in enumerate(zip(chart.categories, values, strict=True)):
        y = top + i * row
        length = 0.0 if value is None else float(Decimal(value) / end) * span
        parts.append(f'<g class="bar"><title>{escape(category)}</title>')
        parts.append(_text(label_w - 8, y + 18, _short(category), anchor="end"))
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{max(length, 0):.1f}" height="{row - 8}" '
            f'fill="{FILLS[0]}"/>'
        )
        parts.append(_text(label_w + length + 6, y + 18, figure(value, chart.unit, chart.places)))
        parts.append("</g>")
    parts.append(
        f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{height - top}" stroke="{MUTED}"/>'
    )
    if chart.target is not None:
        x = label_w + float(Decimal(chart.target) / end) * span
        parts.append(
            f'<line class="target" x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 4}" '
            f'stroke="{MUTED}" stroke-width="2" stroke-dasharray="6 3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _columns(chart: Chart) -> str:
    """Vertical bars, one per category (a period), the value printed above each bar."""
    left, bottom, top, plot_h = 40, 48, 24, 200
    values = chart.series[0].values if chart.series else []
    height = top + plot_h + bottom
    end = _scale_end(chart)
    slot = (WIDTH - left - 10) / max(len(values), 1)
    parts = _open(chart, height)
    base = top + plot_h
    for i, (category, value) in enumerate(zip(chart.categories, values, strict=True)):
        x = left + i * slot
        h = 0.0 if value is None else float(Decimal(value) / end) * plot_h
        parts.append(f'<g class="bar"><title>{escape(category)}</title>')
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{base - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{FILLS[0]}"/>'
        )
        parts.append(
            _text(
                x + slot / 2, base - h - 6, figure(value, chart.unit, chart.places), anchor="middle"
            )
        )
        parts.append(_axis_label(x + slot / 2, base + 18, category, slot))
        parts.append("</g>")
    parts.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="{MUTED}"/>')
    parts.append(_target_across(chart, left, top, plot_h, end))
    parts.append("</svg>")
    return "".join(parts)


def _target_across(chart: Chart, left: int, top: int, plot_h: int, end: Decimal) -> str:
    if chart.target is None:
        return ""
    y = top + plot_h - float(Decimal(chart.target) / end) * plot_h
    label = _("Mục tiêu %(target)s") % {"target": figure(chart.target, chart.unit, chart.places)}
    return (
        f'<line class="target" x1="{left}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" '
        f'stroke="{MUTED}" stroke-width="2" stroke-dasharray="6 3"/>'
        + _text(WIDTH - 12, y - 4, label, anchor="end", fill=MUTED)
    )


def _marker(shape: str, x: float, y: float, fill: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{fill}"/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{fill}"/>'
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{fill}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{fill}"/>'


def _line(chart: Chart) -> str:
    """A trend over periods: one line per series, broken where a period has no data; each
    point's value printed, each series with its own marker and its name in the legend."""
    left, bottom, top, plot_h, legend = 40, 48, 40, 200, 22
    height = top + plot_h + bottom + legend * len(chart.series)
    end = _scale_end(chart)
    count = max(len(chart.categories), 1)
    slot = (WIDTH - left - 20) / count
    base = top + plot_h
    parts = _open(chart, height)
    parts.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="{MUTED}"/>')
    for i, category in enumerate(chart.categories):
        parts.append(_axis_label(left + slot * (i + 0.5), base + 18, category, slot))
    for n, series in enumerate(chart.series):
        colour, shape = FILLS[n % len(FILLS)], MARKERS[n % len(MARKERS)]
        points: list[tuple[float, float, Number]] = []
        for i, value in enumerate(series.values):
            x = left + slot * (i + 0.5)
            y = base if value is None else base - float(Decimal(value) / end) * plot_h
            points.append((x, y, value))
        parts.append(f'<g class="series"><title>{escape(series.name)}</title>')
        for run in _runs(points):
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in run)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for x, y, value in points:
            if value is not None:
                parts.append(_marker(shape, x, y, colour))
                parts.append(
                    _text(
                        x, y - 8 - 12 * n, figure(value, chart.unit, chart.places), anchor="middle"
                    )
                )
        legend_y = base + bottom + legend * n + 6
        parts.append(_marker(shape, left + 6, legend_y - 4, colour))
        parts.append(_text(left + 18, legend_y, series.name))
        parts.append("</g>")
    parts.append(_target_across(chart, left, top, plot_h, end))
    parts.append("</svg>")
    return "".join(parts)


def _runs(points: list[tuple[float, float, Number]]) -> list[list[tuple[float, float, Number]]]:
    """The stretches of consecutive periods with data: a missing period leaves a gap."""
    runs: list[list[tuple[float, float, Number]]] = [[]]
    for point in points:
        if point[2] is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if len(run) > 1]


def _stacked(chart: Chart) -> str:
    """One horizontal bar per category split into the series (the groups of the score),
    each segment labelled with its value and hatched differently; the legend names them."""
    label_w, right, row, top, legend = 260, 70, 32, 10, 22
    height = top * 2 + row * max(len(chart.categories), 1) + legend * len(chart.series)
    end = _scale_end_stacked(chart)
    span = WIDTH - label_w - right
    parts = _open(chart, height)
    for i, category in enumerate(chart.categories):
        y, x = top + i * row, float(label_w)
        parts.append(f'<g class="bar"><title>{escape(category)}</title>')
        parts.append(_text(label_w - 8, y + 20, _short(category), anchor="end"))
        total = Decimal(0)
        for n, series in enumerate(chart.series):
            value = series.values[i]
            if not value:
                continue
            total += Decimal(value)
            w = float(Decimal(value) / end) * span
            parts.append(_segment(chart, n, x, y + 4, w, row - 8, series.name, value))
            x += w
        parts.append(_text(x + 6, y + 20, figure(total, chart.unit, chart.places)))
        parts.append("</g>")
    legend_top = top + row * len(chart.categories) + 10
    for n, series in enumerate(chart.series):
        y = legend_top + legend * n
        parts.append(_segment(chart, n, label_w, y, 28, 16, series.name, None))
        parts.append(_text(label_w + 36, y + 13, f"{n + 1}. {series.name}"))
    parts.append("</svg>")
    return "".join(parts)


def _scale_end_stacked(chart: Chart) -> Decimal:
    if chart.maximum is not None:
        return Decimal(chart.maximum)
    totals = [
        sum((Decimal(s.values[i] or 0) for s in chart.series), Decimal(0))
        for i in range(len(chart.categories))
    ]
    return max([*totals, Decimal(1)])


def _segment(
    chart: Chart, n: int, x: float, y: float, w: float, h: float, name: str, value: Number
) -> str:
    colour, hatch = FILLS[n % len(FILLS)], _fill(chart, n)
    shape = f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{colour}"/>'
    if hatch != "none":
        shape += f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{hatch}"/>'
    label = f"{n + 1}" if value is None else f"{n + 1}: {number(value, chart.places)}"
    tip = f"<title>{escape(name)}</title>"
    # The group's number and points, on a near-black badge (white text stays ≥ 4.5:1 over the
    # hatching), fit in a segment of 44 units or more; the table has every figure.
    if w >= 44 or value is None:
        badge = max(len(label) * 7 + 6, 14)
        shape += (
            f'<rect x="{x + w / 2 - badge / 2:.1f}" y="{y + h / 2 - 8:.1f}" width="{badge}" '
            f'height="16" fill="{INK}"/>'
        )
        shape += _text(x + w / 2, y + h / 2 + 4, label, anchor="middle", fill="#fff")
    return f'<g class="segment">{tip}{shape}</g>'


DRAW = {"bars": _bars, "columns": _columns, "line": _line, "stacked": _stacked}
