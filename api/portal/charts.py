"""Bar charts as inline SVG, drawn on the server: they need no JavaScript, scale to a
phone's width, and carry their numbers as text for screen readers (title and table)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: Sequence[tuple[str, float]]
    horizontal: bool = False

    def svg(self) -> str:
        return horizontal_bars(self) if self.horizontal else vertical_bars(self)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == round(value) else f"{value:,.1f}"


def vertical_bars(chart: BarChart, *, width: int = 640, height: int = 220) -> str:
    """Columns over time (months), labels under every few columns."""
    if not chart.bars:
        return ""
    top = max(value for _, value in chart.bars) or 1
    plot_height, bottom = height - 40, height - 24
    step = width / len(chart.bars)
    # at most about seven labels, so they never run into each other on a phone
    every = max(1, -(-len(chart.bars) // 7))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(chart.title)}" preserveAspectRatio="xMidYMid meet">',
             f"<title>{escape(chart.title)}</title>"]
    for index, (label, value) in enumerate(chart.bars):
        bar = value / top * plot_height
        x = index * step + step * 0.1
        parts.append(f'<rect x="{x:.1f}" y="{bottom - bar:.1f}" width="{step * 0.8:.1f}" '
                     f'height="{bar:.1f}" class="bar"><title>{escape(label)}: '
                     f"{_number(value)}</title></rect>")
        if index % every == 0:
            parts.append(f'<text x="{x + step * 0.4:.1f}" y="{height - 6}" '
                         f'text-anchor="middle" class="axis">{escape(label)}</text>')
    parts.append(f'<text x="4" y="12" class="axis">{_number(top)}</text>')
    parts.append(f'<line x1="0" x2="{width}" y1="{bottom}" y2="{bottom}" class="baseline"/>')
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(chart: BarChart, *, width: int = 640, row: int = 26) -> str:
    """Categories, longest first, each with its label and value written beside it."""
    if not chart.bars:
        return ""
    top = max(value for _, value in chart.bars) or 1
    label_width, value_width = 220, 70
    room = width - label_width - value_width
    height = row * len(chart.bars) + 4
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(chart.title)}" preserveAspectRatio="xMidYMid meet">',
             f"<title>{escape(chart.title)}</title>"]
    for index, (label, value) in enumerate(chart.bars):
        y = index * row + 2
        bar = value / top * room
        parts.append(f'<text x="{label_width - 6}" y="{y + row * 0.65:.1f}" '
                     f'text-anchor="end" class="axis">{escape(label[:32])}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{bar:.1f}" '
                     f'height="{row - 8}" class="bar"/>')
        parts.append(f'<text x="{label_width + bar + 4:.1f}" y="{y + row * 0.65:.1f}" '
                     f'class="axis">{_number(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)
