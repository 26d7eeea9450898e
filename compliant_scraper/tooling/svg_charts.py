"""Small inline SVG charts for the HTML report: no script, no network, escaped labels."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Final

PALETTE: Final = ("#2f6690", "#c0392b", "#d68910", "#1e8449", "#7d3c98", "#5d6d7e", "#16a085")
_ROW: Final = 26
_LABEL_W: Final = 270
_VALUE_W: Final = 70


def _clip(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    height = _ROW * len(items) + 34
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{safe_title}</title>",
        f'<text x="0" y="14" class="chart-title">{safe_title}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = 24 + i * _ROW
        bar = 0 if value <= 0 else max(2.0, plot_w * value / top)
        shown = f"{value:g}"
        parts += [
            f'<text x="{_LABEL_W - 8}" y="{y + 16}" text-anchor="end" class="label">'
            f"<title>{escape(label)}</title>{escape(_clip(label))}</text>",
            f'<rect x="{_LABEL_W}" y="{y + 4}" width="{bar:.1f}" height="{_ROW - 8}" '
            f'fill="{color}" rx="2"><title>{escape(label)}: {shown}</title></rect>',
            f'<text x="{_LABEL_W + bar + 6:.1f}" y="{y + 16}" class="value">{shown}</text>',
        ]
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
    height = 78
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{safe_title}</title>",
        f'<text x="0" y="14" class="chart-title">{safe_title}</text>',
    ]
    x = 0.0
    legend_x = 0
    for label, value, color in parts_in:
        w = width * value / total
        if w > 0:
            parts.append(
                f'<rect x="{x:.1f}" y="22" width="{w:.1f}" height="22" fill="{color}">'
                f"<title>{escape(label)}: {value:g}</title></rect>"
            )
        x += w
        parts += [
            f'<rect x="{legend_x}" y="56" width="12" height="12" fill="{color}"/>',
            f'<text x="{legend_x + 16}" y="66" class="label">{escape(label)} ({value:g})</text>',
        ]
        legend_x += 22 + 8 * (len(label) + len(f"{value:g}") + 3)
    parts.append("</svg>")
    return "".join(parts)
