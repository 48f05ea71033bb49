"""Charts of the report as SVG drawn on the server: nothing to fetch, crisp in print, and
the same in the HTML page and the PDF. Every chart carries a <title> for screen readers."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

import shapely
from shapely.geometry.base import BaseGeometry

# a sequential blue scale (light: fast or few, dark: slow or many); grey: no data
SCALE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#e5e5e5"
INK = "#222222"
FONT = "font-family='DejaVu Sans, Liberation Sans, sans-serif'"


def bar_chart(items: Sequence[tuple[str, float, str]], *, title: str, width: int = 640,
              bar_height: int = 18, label_width: int = 220, colour: str = "#3182bd") -> str:
    """Horizontal bars: (label, value, text written after the bar)."""
    top = max((value for _, value, _ in items), default=0) or 1
    gap, note_width = 6, 150
    height = len(items) * (bar_height + gap) + gap
    span = width - label_width - note_width
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
             f"viewBox='0 0 {width} {height}' role='img' {FONT} font-size='11'>",
             f"<title>{escape(title)}</title>"]
    for index, (label, value, note) in enumerate(items):
        y = gap + index * (bar_height + gap)
        length = max(0.0, value) / top * span
        parts.append(f"<text x='{label_width - 6}' y='{y + bar_height * 0.72:.1f}' "
                     f"text-anchor='end' fill='{INK}'>{escape(label)}</text>")
        parts.append(f"<rect x='{label_width}' y='{y}' width='{length:.1f}' "
                     f"height='{bar_height}' fill='{colour}'/>")
        parts.append(f"<text x='{label_width + length + 6:.1f}' y='{y + bar_height * 0.72:.1f}' "
                     f"fill='{INK}'>{escape(note)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def class_breaks(values: Sequence[float], classes: int = len(SCALE)) -> list[float]:
    """Upper bounds of equal-count classes (quantiles) of the values."""
    ordered = sorted(values)
    if not ordered:
        return []
    return [ordered[min(len(ordered) - 1, math.ceil(len(ordered) * (i + 1) / classes) - 1)]
            for i in range(classes)]


def colour_of(value: float | None, breaks: Sequence[float]) -> str:
    if value is None or not breaks:
        return NO_DATA
    for bound, colour in zip(breaks, SCALE, strict=False):
        if value <= bound:
            return colour
    return SCALE[-1]


def choropleth(areas: Sequence[tuple[str, float | None, str]], *, title: str,
               legend: Callable[[float], str], width: int = 640, height: int = 560) -> str:
    """Areas given as (WKT in WGS 84, value, name) filled by the class of their value."""
    shapes = [(shapely.from_wkt(wkt), value, name) for wkt, value, name in areas if wkt]
    shapes = [(shape, value, name) for shape, value, name in shapes if not shape.is_empty]
    if not shapes:
        return ""
    west, south, east, north = shapely.total_bounds([shape for shape, _, _ in shapes])
    # an equirectangular view centred on the area: true shapes at the scale of a city
    stretch = math.cos(math.radians((south + north) / 2))
    map_height = height - 70
    scale = min(width / ((east - west) * stretch), map_height / (north - south))

    def point(x: float, y: float) -> str:
        return f"{(x - west) * stretch * scale:.1f},{(north - y) * scale:.1f}"

    breaks = class_breaks([value for _, value, _ in shapes if value is not None])
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
             f"viewBox='0 0 {width} {height}' role='img' {FONT} font-size='11'>",
             f"<title>{escape(title)}</title>"]
    for shape, value, name in shapes:
        shown = legend(value) if value is not None else "no data"
        parts.append(f"<path d='{_path(shape, point)}' fill='{colour_of(value, breaks)}' "
                     f"fill-rule='evenodd' stroke='#ffffff' stroke-width='0.6'>"
                     f"<title>{escape(name)}: {escape(shown)}</title></path>")
    y = map_height + 18
    previous = min((v for _, v, _ in shapes if v is not None), default=0.0)
    for index, (bound, colour) in enumerate(zip(breaks, SCALE, strict=False)):
        x = 10 + index * 122
        parts.append(f"<rect x='{x}' y='{y}' width='16' height='12' fill='{colour}'/>")
        parts.append(f"<text x='{x + 20}' y='{y + 10}' fill='{INK}'>"
                     f"{escape(legend(previous))}–{escape(legend(bound))}</text>")
        previous = bound
    parts.append(f"<rect x='10' y='{y + 22}' width='16' height='12' fill='{NO_DATA}'/>"
                 f"<text x='30' y='{y + 32}' fill='{INK}'>no closed request</text></svg>")
    return "".join(parts)


def _path(shape: BaseGeometry, point: Callable[[float, float], str]) -> str:
    polygons = list(getattr(shape, "geoms", [shape]))
    rings = []
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            coordinates = list(ring.coords)
            rings.append("M" + "L".join(point(x, y) for x, y in coordinates) + "Z")
    return "".join(rings)


def heatmap(cells: Sequence[tuple[int, int, int]], *, title: str, row_names: Sequence[str],
            cell: int = 20, left: int = 80) -> str:
    """A day × hour grid of counts: (row from 0, hour 0-23, count)."""
    rows = len(row_names)
    width, height = left + 24 * cell + 10, rows * cell + 30
    breaks = class_breaks([count for _, _, count in cells if count > 0])
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
             f"viewBox='0 0 {width} {height}' role='img' {FONT} font-size='10'>",
             f"<title>{escape(title)}</title>"]
    for index, name in enumerate(row_names):
        parts.append(f"<text x='{left - 6}' y='{index * cell + cell * 0.7:.1f}' "
                     f"text-anchor='end' fill='{INK}'>{escape(name)}</text>")
    for hour in range(0, 24, 3):
        parts.append(f"<text x='{left + hour * cell + cell / 2:.1f}' y='{rows * cell + 14}' "
                     f"text-anchor='middle' fill='{INK}'>{hour:02d}h</text>")
    for row, hour, count in cells:
        colour = colour_of(count, breaks) if count > 0 else "#f7f7f7"
        parts.append(f"<rect x='{left + hour * cell}' y='{row * cell}' width='{cell - 1}' "
                     f"height='{cell - 1}' fill='{colour}'><title>{escape(row_names[row])} "
                     f"{hour:02d}:00 - {count:,} requests</title></rect>")
    parts.append("</svg>")
    return "".join(parts)
