"""The report as an HTML page (Jinja2, charts inline as SVG) and as a PDF (WeasyPrint)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from civic_assets.report import charts
from civic_assets.report.figures import ReportFigures

TITLE = "Transparency Report"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def number(value: Any, decimals: int = 0) -> str:
    return "—" if value is None else f"{float(value):,.{decimals}f}"


def hours(value: Any) -> str:
    return "—" if value is None else f"{float(value):,.1f} h"


def percent(share: Any, decimals: int = 0) -> str:
    return "—" if share is None else f"{100 * float(share):.{decimals}f}%"


def money(amount: Any) -> str:
    """US dollars as people say them: $342.4 million, $1.9 billion."""
    if amount is None:
        return "—"
    value = float(amount)
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            return f"${value / size:,.1f} {word}"
    return f"${value:,.0f}"


def signed_percent(value: Any) -> str:
    return "new" if value is None else f"{float(value):+.1f}%"


def _charts(figures: ReportFigures) -> dict[str, Markup]:
    types = figures.request_types[:10]
    timed = [row for row in types if row["median_hours"] is not None]
    councils = figures.councils
    grid = [(int(cell["day_of_week"]) - 1, int(cell["hour_of_day"]), int(cell["requests"]))
            for cell in figures.patterns["grid"]]
    departments = figures.budget["departments"][:10]
    # the charts escape every text they draw: their SVG is safe to insert as it is
    return {name: Markup(svg) for name, svg in {
        "median_by_type": charts.bar_chart(
            [(row["request_type"], float(row["median_hours"]),
              f"{hours(row['median_hours'])} (p90 {hours(row['p90_hours'])})") for row in timed],
            title="Median hours to close by request type"),
        "council_map": charts.choropleth(
            [(row["geometry"], None if row["median_hours"] is None else float(row["median_hours"]),
              row["council_name"]) for row in councils],
            title="Median hours to close by Neighborhood Council",
            legend=lambda value: f"{value:,.0f} h"),
        "heatmap": charts.heatmap(grid, title="Requests by hour of the week", row_names=DAYS),
        "channels": charts.bar_chart(
            [(row["channel"].replace("_", " "), float(row["requests"]),
              f"{number(row['requests'])} ({percent(row['share'], 1)})")
             for row in figures.patterns["channels"]],
            title="Requests by channel", label_width=160),
        "departments": charts.bar_chart(
            [(row["department"], float(row["amount"]),
              f"{money(row['amount'])} ({signed_percent(row['change_pct'])})")
             for row in departments],
            title=f"Largest departments' expense budget, {figures.budget['latest']}",
            colour="#2b8a3e"),
    }.items()}


def render_html(figures: ReportFigures) -> str:
    environment = Environment(loader=PackageLoader("civic_assets.report", "templates"),
                              autoescape=select_autoescape(["html"]))
    environment.filters.update(number=number, hours=hours, percent=percent, money=money,
                               signed_percent=signed_percent)
    councils = [row for row in figures.councils if row["median_hours"] is not None]
    by_speed = sorted(councils, key=lambda row: float(row["median_hours"]))
    return environment.get_template("transparency_report.html").render(
        title=TITLE, f=figures, charts=_charts(figures), period=figures.period(),
        fastest=by_speed[:3], slowest=by_speed[-3:][::-1],
        generated=figures.generated_at.astimezone(dt.UTC).strftime("%d %B %Y, %H:%M UTC"))


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # late: WeasyPrint loads its fonts and Pango on import

    pdf = HTML(string=html).write_pdf()
    if pdf is None:  # pragma: no cover - write_pdf returns bytes when no target is given
        raise RuntimeError("WeasyPrint produced no PDF")
    return pdf
