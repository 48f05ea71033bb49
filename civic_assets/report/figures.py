"""What the transparency report states, read from the published datasets (the versions the
public sees) and the catalogue. Plain data: the templates only format it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from catalog.public import list_published
from catalog.reports import downloads_by_dataset
from metadata.update_frequency import freshness_window

# the published datasets the report reads
INPUTS = ("la_service_requests", "la_service_performance", "la_demand_equity",
          "la_demand_patterns", "neighbourhoods", "oakland_budget_changes")


@dataclass
class ReportFigures:
    generated_at: dt.datetime
    inputs: dict[str, int]  # slug → published version read
    requests: dict[str, Any]
    request_types: list[dict[str, Any]]
    councils: list[dict[str, Any]]  # median hours by council, with its boundary (WKT)
    equity: dict[str, Any]
    patterns: dict[str, Any]
    budget: dict[str, Any]
    platform: list[dict[str, Any]] = field(default_factory=list)

    def period(self) -> str:
        first, last = self.requests["first_created"], self.requests["last_created"]
        return (f"311 requests created {first:%d %B %Y} to {last:%d %B %Y}; adopted budgets "
                f"{' and '.join(self.budget['years'])}")

    def key_figures(self) -> dict[str, Any]:
        """The headline numbers, stored with the report in the catalogue."""
        return {
            "requests": self.requests["total"],
            "median_hours_to_close": self.requests["median_hours"],
            "share_closed_within_target": self.requests["share_within_target"],
            "city_median_requests_per_1000": self.equity["city_median"],
            "budget_expense": {year: self.budget["expense_total"][year]
                               for year in self.budget["years"]},
            "datasets_published": len(self.platform),
        }


def _rows(conn: psycopg.Connection, query: sql.Composed,
          params: tuple = ()) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, params).fetchall()


def _published(slug: str) -> sql.Composed:
    return sql.SQL("published.{}").format(sql.Identifier(slug))


def read_figures(conn: psycopg.Connection, *,
                 now: dt.datetime | None = None) -> ReportFigures:
    published = {row["slug"]: row for row in list_published(conn)}
    missing = [slug for slug in INPUTS if slug not in published]
    if missing:
        raise LookupError(f"the report needs these datasets published first: "
                          f"{', '.join(missing)}")
    now = now or dt.datetime.now(dt.UTC)
    return ReportFigures(
        generated_at=now,
        inputs={slug: int(published[slug]["version"]) for slug in INPUTS},
        requests=_requests(conn),
        request_types=_rows(conn, sql.SQL(
            "SELECT request_type, service_code, sum(requests) AS requests,"
            " sum(closed_requests) AS closed, max(median_hours_to_close) AS median_hours,"
            " max(p90_hours_to_close) AS p90_hours, max(target_hours) AS target_hours,"
            " max(share_closed_within_target) AS share_within_target"
            " FROM {} WHERE breakdown = 'request_type'"
            " GROUP BY request_type, service_code ORDER BY 3 DESC"
        ).format(_published("la_service_performance"))),
        councils=_rows(conn, sql.SQL(
            "SELECT n.council_id, n.council_name, n.geometry, p.requests,"
            " p.median_hours_to_close AS median_hours, p.share_closed_within_target"
            " FROM {} n LEFT JOIN {} p ON p.council_id = n.council_id"
            " AND p.breakdown = 'council' ORDER BY n.council_id"
        ).format(_published("neighbourhoods"), _published("la_service_performance"))),
        equity=_equity(conn),
        patterns=_patterns(conn),
        budget=_budget(conn),
        platform=_platform(conn, published, now),
    )


def _requests(conn: psycopg.Connection) -> dict[str, Any]:
    row = _rows(conn, sql.SQL(
        "SELECT count(*) AS total, min(created_at) AS first_created,"
        " max(created_at) AS last_created,"
        " count(*) FILTER (WHERE status = 'closed') AS closed,"
        " count(*) FILTER (WHERE status = 'open') AS open,"
        " count(council_id) AS placed,"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY hours_to_close)"
        "   FILTER (WHERE status = 'closed') AS median_hours"
        " FROM {}").format(_published("la_service_requests")))[0]
    within = _rows(conn, sql.SQL(
        "SELECT sum(share_closed_within_target * closed_requests) / sum(closed_requests)"
        " AS share FROM {} WHERE breakdown = 'request_type'"
        " AND share_closed_within_target IS NOT NULL"
    ).format(_published("la_service_performance")))[0]
    row["share_within_target"] = float(within["share"] or 0)
    row["median_hours"] = float(row["median_hours"] or 0)
    return row


def _equity(conn: psycopg.Connection) -> dict[str, Any]:
    rows = _rows(conn, sql.SQL(
        "SELECT council_name, population, requests, requests_per_1000_residents AS per_1000,"
        " requests_per_km2 AS per_km2, ratio_to_city_median AS ratio, side_of_median,"
        " distance_rank, city_median_per_1000_residents AS city_median"
        " FROM {} ORDER BY distance_rank, council_name").format(_published("la_demand_equity")))
    return {"city_median": float(rows[0]["city_median"]) if rows else 0.0,
            "furthest": rows[:6], "councils": len(rows)}


def _patterns(conn: psycopg.Connection) -> dict[str, Any]:
    table = _published("la_demand_patterns")
    grid = _rows(conn, sql.SQL("SELECT day_of_week, day_name, hour_of_day, requests FROM {}"
                               " WHERE pattern = 'hour_of_week'"
                               " ORDER BY day_of_week, hour_of_day").format(table))
    channels = _rows(conn, sql.SQL("SELECT channel, requests, share_of_requests AS share"
                                   " FROM {} WHERE pattern = 'channel' ORDER BY requests DESC"
                                   ).format(table))
    days = _rows(conn, sql.SQL("SELECT period_start AS day, requests FROM {}"
                               " WHERE pattern = 'day' ORDER BY period_start").format(table))
    busiest = max(grid, key=lambda cell: cell["requests"]) if grid else None
    return {"grid": grid, "channels": channels, "days": days, "busiest": busiest}


def _budget(conn: psycopg.Connection) -> dict[str, Any]:
    table = _published("oakland_budget_changes")
    totals = _rows(conn, sql.SQL(
        "SELECT fiscal_year, account_type, sum(amount) AS amount FROM {}"
        " WHERE breakdown = 'department' GROUP BY 1, 2 ORDER BY 1").format(table))
    years = sorted({row["fiscal_year"] for row in totals})
    latest = years[-1] if years else None
    departments = _rows(conn, sql.SQL(
        "SELECT department, amount, previous_amount, change_pct, annual_change_pct,"
        " previous_fiscal_year FROM {} WHERE breakdown = 'department'"
        " AND account_type = 'expense' AND fiscal_year = %s ORDER BY amount DESC"
    ).format(table), (latest,)) if latest else []
    by_type = {(row["fiscal_year"], row["account_type"]): float(row["amount"]) for row in totals}
    return {
        "years": years, "latest": latest,
        "expense_total": {year: by_type.get((year, "expense"), 0.0) for year in years},
        "revenue_total": {year: by_type.get((year, "revenue"), 0.0) for year in years},
        "departments": departments,
    }


def _platform(conn: psycopg.Connection, published: dict[str, dict[str, Any]],
              now: dt.datetime) -> list[dict[str, Any]]:
    """Every published dataset: version, rows, freshness against its promise, downloads."""
    downloads = downloads_by_dataset(conn)
    rows = []
    for slug, record in sorted(published.items()):
        spec = record.get("spec") or {}
        meta = spec.get("metadata") or {}
        window = freshness_window(meta.get("update_frequency"), spec.get("schedule"))
        published_at = record["published_at"]
        late = window is not None and now - published_at > window
        rows.append({
            "slug": slug, "title": record.get("title_en") or slug,
            "version": record["version"], "rows": record["row_count"],
            "published_at": published_at,
            "freshness": "no promise" if window is None else ("late" if late else "fresh"),
            "downloads": downloads.get(slug, 0),
        })
    return rows
