"""Bar charts as inline SVG, drawn on the server: they need no JavaScript, scale to a
phone's width, and carry their numbers as text for screen readers (title and table)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

# the charts' text size (portal.css: svg.chart .axis), in the SVG's own units
FONT_SIZE = 12
# the longest label written in full; a longer one is shortened with an ellipsis, and
# written in full in its bar's <title>
MAX_LABEL_CHARS = 48


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == round(value) else f"{value:,.1f}"


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: Sequence[tuple[str, float]]
    horizontal: bool = False
    # how a value is written beside its bar (short) and in its bar's title (in full)
    short: Callable[[float], str] = field(default=_number)
    full: Callable[[float], str] = field(default=_number)

    def svg(self) -> str:
        """Columns; or bars drawn twice, labels beside them for a wide screen and above
        them for a phone (portal.css shows one: `.wide`, `.narrow`)."""
        if not self.horizontal:
            return vertical_bars(self)
        return horizontal_bars(self) + stacked_bars(self)


# advance widths of a sans-serif face, in em, rounded up from the widest of the usual
# ones (DejaVu Sans, which Debian's Chromium draws system-ui with): an estimate is never
# short of the width drawn
_NARROW = set("iljtfrI.,:;'|!() -")
_WIDE = set("mwMW@%")


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An upper estimate of the width `text` takes in a sans-serif face at `size`."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.42
        elif char in _WIDE:
            em += 1.0
        elif char.isupper():
            em += 0.8
        else:
            em += 0.65
    return em * size


def shorten(label: str, limit: int = MAX_LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


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
                     f"{escape(chart.full(value))}</title></rect>")
        if index % every == 0:
            parts.append(f'<text x="{x + step * 0.4:.1f}" y="{height - 6}" '
                         f'text-anchor="middle" class="axis">{escape(label)}</text>')
    parts.append(f'<text x="4" y="12" class="axis">{escape(chart.short(top))}</text>')
    parts.append(f'<line x1="0" x2="{width}" y1="{bottom}" y2="{bottom}" class="baseline"/>')
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(chart: BarChart, *, width: int = 640, row: int = 26,
                    min_room: int = 160) -> str:
    """Categories, largest first, each with its label and value written beside it. The
    label and value columns are as wide as their longest text (labels past
    MAX_LABEL_CHARS are shortened, and written in full in the bar's title), so nothing
    is cut; negative values (changes) draw leftwards from a zero line."""
    if not chart.bars:
        return ""
    labels = [shorten(label) for label, _ in chart.bars]
    values = [chart.short(value) for _, value in chart.bars]
    gap = 6
    label_width = max(text_width(label) for label in labels) + gap
    value_width = max(text_width(value) for value in values) + gap
    low = min(0.0, min(value for _, value in chart.bars))
    high = max(0.0, max(value for _, value in chart.bars))
    # negative values write theirs on the left of their bar, inside the plot
    left_value = value_width if low < 0 else 0.0
    right_value = value_width if high > 0 or low == 0 else 0.0
    width = max(width, round(label_width + left_value + min_room + right_value))
    room = width - label_width - left_value - right_value
    span = (high - low) or 1
    zero = label_width + left_value + (-low) / span * room
    height = row * len(chart.bars) + 4
    parts = [f'<svg class="chart wide" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(chart.title)}" preserveAspectRatio="xMidYMid meet" '
             f'data-label-width="{label_width:.0f}">',
             f"<title>{escape(chart.title)}</title>"]
    for index, ((label, value), short_label, text) in enumerate(
            zip(chart.bars, labels, values, strict=True)):
        y = index * row + 2
        baseline = y + row * 0.65
        bar = abs(value) / span * room
        start = zero - bar if value < 0 else zero
        parts.append(f'<g><title>{escape(label)}: {escape(chart.full(value))}</title>')
        parts.append(f'<text x="{label_width - gap:.1f}" y="{baseline:.1f}" '
                     f'text-anchor="end" class="axis label">{escape(short_label)}</text>')
        parts.append(f'<rect x="{start:.1f}" y="{y + 3}" width="{bar:.1f}" '
                     f'height="{row - 8}" class="bar"/>')
        if value < 0:
            parts.append(f'<text x="{start - 4:.1f}" y="{baseline:.1f}" text-anchor="end" '
                         f'class="axis value">{escape(text)}</text>')
        else:
            parts.append(f'<text x="{start + bar + 4:.1f}" y="{baseline:.1f}" '
                         f'class="axis value">{escape(text)}</text>')
        parts.append("</g>")
    if low < 0:
        parts.append(f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="0" y2="{height}" '
                     f'class="baseline"/>')
    parts.append("</svg>")
    return "".join(parts)


# numbers as each language writes them: "1,234.5" in English, "1 234,5" in French (with
# narrow no-break spaces); money short ("$1.49 B", "1,49 G$") beside a bar, in full in
# its title
_THIN = "\u202f"
_MINUS = "\u2212"


def decimal(value: float, places: int, lang: str) -> str:
    text = f"{value:,.{places}f}"
    if lang == "fr":
        text = text.replace(",", _THIN).replace(".", ",")
    return text


def percent(share: float, lang: str) -> str:
    return f"{decimal(share * 100, 0, lang)}{_THIN if lang == 'fr' else ''}%"


_MONEY_STEPS = ((1e9, "B", "G"), (1e6, "M", "M"), (1e3, "K", "k"))


def money_short(value: float, lang: str) -> str:
    size = abs(value)
    sign = _MINUS if value < 0 else ""
    for step, en, fr in _MONEY_STEPS:
        if size >= step:
            places = 2 if size < step * 10 else 1
            number = decimal(size / step, places, lang)
            return f"{sign}{number}\u00a0{fr}$" if lang == "fr" else f"{sign}${number}\u00a0{en}"
    number = decimal(size, 0, lang)
    return f"{sign}{number}\u00a0$" if lang == "fr" else f"{sign}${number}"


def money_full(value: float, lang: str) -> str:
    sign = _MINUS if value < 0 else ""
    number = decimal(abs(value), 0, lang)
    return f"{sign}{number}\u00a0$" if lang == "fr" else f"{sign}${number}"


def signed(value: float, write: Callable[[float, str], str], lang: str) -> str:
    return ("+" if value > 0 else "") + write(value, lang)


def stacked_bars(chart: BarChart, *, width: int = 360, row: int = 36) -> str:
    """The same bars for a phone: each label on its own line above its bar, so that the
    bars keep the whole width and the text its size. Labels longer than the width are
    shortened (in full in the bar's title)."""
    if not chart.bars:
        return ""
    limit = MAX_LABEL_CHARS
    labels = [shorten(label, limit) for label, _ in chart.bars]
    while limit > 12 and max(text_width(label) for label in labels) > width - 4:
        limit -= 2
        labels = [shorten(label, limit) for label, _ in chart.bars]
    values = [chart.short(value) for _, value in chart.bars]
    value_width = max(text_width(value) for value in values) + 6
    low = min(0.0, min(value for _, value in chart.bars))
    high = max(0.0, max(value for _, value in chart.bars))
    left_value = value_width if low < 0 else 0.0
    right_value = value_width if high > 0 or low == 0 else 0.0
    room = width - left_value - right_value
    span = (high - low) or 1
    zero = left_value + (-low) / span * room
    height = row * len(chart.bars) + 4
    parts = [f'<svg class="chart narrow" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(chart.title)}" preserveAspectRatio="xMidYMid meet">',
             f"<title>{escape(chart.title)}</title>"]
    for index, ((label, value), short_label, text) in enumerate(
            zip(chart.bars, labels, values, strict=True)):
        y = index * row + 2
        bar_y = y + FONT_SIZE + 4
        bar = abs(value) / span * room
        start = zero - bar if value < 0 else zero
        parts.append(f'<g><title>{escape(label)}: {escape(chart.full(value))}</title>')
        parts.append(f'<text x="2" y="{y + FONT_SIZE:.1f}" class="axis label">'
                     f"{escape(short_label)}</text>")
        parts.append(f'<rect x="{start:.1f}" y="{bar_y}" width="{bar:.1f}" height="{row - 20}" '
                     f'class="bar"/>')
        value_y = bar_y + (row - 20) / 2 + FONT_SIZE * 0.35
        if value < 0:
            parts.append(f'<text x="{start - 4:.1f}" y="{value_y:.1f}" text-anchor="end" '
                         f'class="axis value">{escape(text)}</text>')
        else:
            parts.append(f'<text x="{start + bar + 4:.1f}" y="{value_y:.1f}" '
                         f'class="axis value">{escape(text)}</text>')
        parts.append("</g>")
    if low < 0:
        parts.append(f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="0" y2="{height}" '
                     f'class="baseline"/>')
    parts.append("</svg>")
    return "".join(parts)
