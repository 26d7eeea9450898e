"""Small inline SVG charts for the HTML report: no script, no network, escaped labels."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from html import escape
from typing import Final

PALETTE: Final = ("#2f6690", "#c0392b", "#d68910", "#1e8449", "#7d3c98", "#5d6d7e", "#16a085")
_ROW: Final = 26
_LABEL_W: Final = 270
_VALUE_W: Final = 70


_WRAP: Final = 36  # characters per label line: a long label wraps, it is never cut
_LINE: Final = 14


def _lines(text: str) -> list[str]:
    return textwrap.wrap(text, _WRAP, break_long_words=True) or [""]


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    color: str = PALETTE[0],
    width: int = 700,
    marker: tuple[float, str] | None = None,
) -> str:
    """Horizontal bars, one per (label, value), largest scale = the largest value.

    ``marker`` draws a vertical line at a value (e.g. a list's maximum age) with its caption.
    """
    safe_title = escape(title)
    if not items:
        return f'<p class="empty">{safe_title}: nothing to show.</p>'
    top = max([v for _, v in items] + ([marker[0]] if marker else []) + [1])
    plot_w = width - _LABEL_W - _VALUE_W
    wrapped = [_lines(label) for label, _ in items]
    rows = [max(_ROW, _LINE * len(lines) + 12) for lines in wrapped]
    height = sum(rows) + 34
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{safe_title}</title>",
        f'<text x="0" y="14" class="chart-title">{safe_title}</text>',
    ]
    y = 24
    for (label, value), lines, row in zip(items, wrapped, rows, strict=True):
        bar = 0 if value <= 0 else max(2.0, plot_w * value / top)
        shown = f"{value:g}"
        mid = y + row / 2
        first = mid - _LINE * (len(lines) - 1) / 2 + 4
        spans = "".join(
            f'<tspan x="{_LABEL_W - 8}" y="{first + i * _LINE:.1f}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        parts += [
            f'<text text-anchor="end" class="label"><title>{escape(label)}</title>{spans}</text>',
            f'<rect x="{_LABEL_W}" y="{mid - (_ROW - 8) / 2:.1f}" width="{bar:.1f}" '
            f'height="{_ROW - 8}" fill="{color}" rx="2"><title>{escape(label)}: {shown}</title>'
            "</rect>",
            f'<text x="{_LABEL_W + bar + 6:.1f}" y="{mid + 4:.1f}" class="value">{shown}</text>',
        ]
        y += row
    if marker is not None:
        x = _LABEL_W + plot_w * marker[0] / top
        parts += [
            f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height - 4}" class="marker"/>',
            f'<text x="{x - 4:.1f}" y="{height - 6}" text-anchor="end" class="marker-label">'
            f"{escape(marker[1])}</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar(parts_in: Sequence[tuple[str, float, str]], *, title: str, width: int = 640) -> str:
    """One bar split into (label, value, colour) parts, with a legend (e.g. notices)."""
    safe_title = escape(title)
    total = sum(v for _, v, _ in parts_in)
    if total <= 0:
        return f'<p class="empty">{safe_title}: nothing to show.</p>'
    legend: list[tuple[int, int]] = []  # (x, row) of each legend entry
    legend_x, legend_row = 0, 0
    for label, value, _ in parts_in:
        entry = 22 + 7 * (len(label) + len(f"{value:g}") + 3)
        if legend_x and legend_x + entry > width:
            legend_x, legend_row = 0, legend_row + 1
        legend.append((legend_x, legend_row))
        legend_x += entry
    height = 78 + 18 * legend_row
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{safe_title}</title>",
        f'<text x="0" y="14" class="chart-title">{safe_title}</text>',
    ]
    x = 0.0
    for (label, value, color), (lx, lrow) in zip(parts_in, legend, strict=True):
        w = width * value / total
        if w > 0:
            parts.append(
                f'<rect x="{x:.1f}" y="22" width="{w:.1f}" height="22" fill="{color}">'
                f"<title>{escape(label)}: {value:g}</title></rect>"
            )
        x += w
        ly = 56 + 18 * lrow
        parts += [
            f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{color}"/>',
            f'<text x="{lx + 16}" y="{ly + 10}" class="label">{escape(label)} ({value:g})</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)
