"""The public dashboard's key figures, computed from the latest published version of
the datasets that hold them. Nothing here names a dataset: each figure is found from a
dataset's columns (and its spec's metadata), and links back to that dataset.

- service requests (`created_at` and `request_type`): requests published, requests per
  month (per day when the data spans under three months), busiest request types,
  requests per area, and, with an hours column, the median time to close and the share
  closed within ON_TIME_HOURS;
- service performance (`share_closed_within_target` and `closed_requests`): the share of
  closed requests closed within their request type's own target, which replaces the
  fixed ON_TIME_HOURS share of the same place;
- demand per resident (`requests_per_1000_residents` and an area name): the areas with
  the highest and lowest rates, and the city's median rate;
- budgets (`department` and an amount): the latest fiscal year's amount by department,
  expense lines only when the data tells expense from revenue, department totals only
  when the data has other breakdowns; a dataset that also holds the change from the
  previous year (`change`) gives the change by department instead of its amounts, which
  would repeat the budget's.

Figures are grouped by the place their dataset covers (the spec's spatial coverage)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

# a request counts as closed on time when it was answered within this many hours
ON_TIME_HOURS = 72
SERVICE_REQUEST_COLUMNS = {"created_at", "request_type"}
HOURS_COLUMNS = ("response_time_hours", "hours_to_close")
PERFORMANCE_COLUMNS = {"share_closed_within_target", "closed_requests"}
RATE_COLUMN = "requests_per_1000_residents"
AREA_COLUMNS = ("neighbourhood", "neighborhood", "council_name", "area_name", "area",
                "district", "ward")
AMOUNT_COLUMNS = ("amount", "spending", "actual", "expenditure", "budget")
YEAR_COLUMNS = ("fiscal_year_start", "fiscal_year", "year")
YEAR_LABEL_COLUMNS = ("fiscal_year", "year", "fiscal_year_start")
# charts of categories show this many bars; budgets put the rest in one "other" bar
TOP = 15
RATE_AREAS = 8
# under this many months of data, requests are counted per day
MIN_MONTHS = 3


@dataclass(frozen=True)
class Source:
    slug: str
    title: dict[str, str]


@dataclass
class Figure:
    """A number (a tile) or bars (a chart), named by a message of api.portal.i18n with
    its `params`, in `unit` (count, hours, share, money, rate)."""
    message: str
    source: Source
    unit: str = "count"
    value: float | None = None
    bars: list[tuple[str, float]] | None = None
    horizontal: bool = True
    params: dict[str, Any] = field(default_factory=dict)
    id: str = ""
    # what the figure is, to tell figures that stand for the same thing apart
    kind: str = ""


@dataclass
class Section:
    """The figures of one place."""
    place: dict[str, str]
    tiles: list[Figure] = field(default_factory=list)
    charts: list[Figure] = field(default_factory=list)


def _names(row: dict[str, Any]) -> set[str]:
    return {c["name"] for c in row["columns"]}


def _table(row: dict[str, Any]) -> sql.Composable:
    return sql.Identifier("published", row["table_name"])


def _source(row: dict[str, Any]) -> Source:
    return Source(row["slug"], {"en": row["title_en"], "fr": row["title_fr"]})


def _place(row: dict[str, Any]) -> dict[str, str]:
    spec = row.get("spec") or {}
    coverage = ((spec.get("metadata") or {}).get("spatial_coverage") or {}).get("name")
    if isinstance(coverage, dict):
        return coverage
    if coverage:
        return {"en": coverage, "fr": coverage}
    return {"en": row["title_en"], "fr": row["title_fr"]}


def _area_column(row: dict[str, Any], names: set[str]) -> str | None:
    """The column naming each record's area: the label the spec's `areas` names, else
    the first of AREA_COLUMNS the dataset has."""
    areas = (row.get("spec") or {}).get("areas") or {}
    for name in (areas.get("label"), areas.get("column")):
        if name in names and name not in ("council_id",) and not name.endswith("_id"):
            return name
    return next((name for name in AREA_COLUMNS if name in names), None)


def _areas_dataset(row: dict[str, Any]) -> str | None:
    """The dataset holding the areas this one is counted by, when its spec names one."""
    spec = row.get("spec") or {}
    within = (spec.get("geography") or {}).get("within") or {}
    return ((spec.get("areas") or {}).get("dataset")) or within.get("dataset")


async def _rows(conn: psycopg.AsyncConnection, statement: sql.Composed,
                params: tuple = ()) -> list[tuple]:
    async with conn.cursor() as cur:
        await cur.execute(statement, params)
        return [tuple(r) for r in await cur.fetchall()]


async def _one(conn: psycopg.AsyncConnection, statement: sql.Composed,
               params: tuple = ()) -> tuple:
    rows = await _rows(conn, statement, params)
    return rows[0] if rows else ()


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


async def service_request_figures(conn: psycopg.AsyncConnection, row: dict[str, Any],
                                  area_titles: dict[str, dict[str, str]]) -> list[Figure]:
    table, names, source = _table(row), _names(row), _source(row)
    slug = row["slug"]
    figures = [Figure("total_requests", source, value=row["row_count"],
                      id=f"total-{slug}", kind="total")]
    hours = next((name for name in HOURS_COLUMNS if name in names), None)
    if hours:
        # the time of requests closed as done (a cancelled request was not served)
        closed = sql.SQL(" AND status = 'closed'") if "status" in names else sql.SQL("")
        median, share = await _one(conn, sql.SQL(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {hours}),"
            " avg(({hours} <= %s)::int) FROM {table} WHERE {hours} IS NOT NULL{closed}"
        ).format(hours=sql.Identifier(hours), table=table, closed=closed),
            (ON_TIME_HOURS,)) or (None, None)
        if median is not None:
            figures.append(Figure("median_response", source, unit="hours",
                                  value=float(median), id=f"median-{slug}", kind="median"))
            figures.append(Figure("closed_on_time", source, unit="share", value=_float(share),
                                  params={"hours": ON_TIME_HOURS}, id=f"on-time-{slug}",
                                  kind="share_on_time"))
    months = (await _one(conn, sql.SQL(
        "SELECT count(DISTINCT date_trunc('month', created_at)) FROM {}").format(table)))[0]
    if months >= MIN_MONTHS:
        message, unit, form = "requests_per_month", "month", "YYYY-MM"
    else:
        message, unit, form = "requests_per_day", "day", "YYYY-MM-DD"
    per_period = await _rows(conn, sql.SQL(
        "SELECT to_char(date_trunc({unit}, created_at), {form}), count(*) FROM {table}"
        " WHERE created_at IS NOT NULL GROUP BY 1 ORDER BY 1").format(
            unit=sql.Literal(unit), form=sql.Literal(form), table=table))
    figures.append(Figure(message, source, bars=per_period, horizontal=False,
                          id=f"per-{unit}-{slug}", kind="per_period"))
    busiest = await _rows(conn, sql.SQL(
        "SELECT request_type, count(*) FROM {} WHERE request_type IS NOT NULL"
        " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10").format(table))
    figures.append(Figure("busiest_types", source, bars=busiest, id=f"busiest-{slug}",
                          kind="busiest"))
    area = _area_column(row, names)
    if area:
        per_area = await _rows(conn, sql.SQL(
            "SELECT {area}::text, count(*) FROM {table} WHERE {area} IS NOT NULL"
            " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT %s").format(
                area=sql.Identifier(area), table=table), (TOP,))
        areas = await _one(conn, sql.SQL(
            "SELECT count(DISTINCT {area}) FROM {table}").format(
                area=sql.Identifier(area), table=table))
        figures.append(Figure(
            "per_area", source, bars=per_area, id=f"per-area-{slug}", kind="per_area",
            params={"n": len(per_area), "of": areas[0],
                    "areas": area_titles.get(_areas_dataset(row) or "")}))
    return figures


async def performance_figures(conn: psycopg.AsyncConnection,
                              row: dict[str, Any]) -> list[Figure]:
    """The share of closed requests closed within their type's target: the per-type
    shares weighed by their closed requests (only types with a target)."""
    table, names = _table(row), _names(row)
    conditions: list[sql.Composable] = [sql.SQL("share_closed_within_target IS NOT NULL"),
                  sql.SQL("closed_requests > 0")]
    if "breakdown" in names:
        conditions.append(sql.SQL("breakdown = 'request_type'"))
    if "target_hours" in names:
        conditions.append(sql.SQL("target_hours IS NOT NULL"))
    share, closed = await _one(conn, sql.SQL(
        "SELECT sum(round(share_closed_within_target * closed_requests))"
        " / nullif(sum(closed_requests), 0), sum(closed_requests) FROM {} WHERE {}").format(
            table, sql.SQL(" AND ").join(conditions))) or (None, None)
    if share is None:
        return []
    return [Figure("closed_within_target", _source(row), unit="share",
                   value=float(share), params={"closed": int(closed)},
                   id=f"within-target-{row['slug']}", kind="share_within_target")]


async def rate_figures(conn: psycopg.AsyncConnection, row: dict[str, Any]) -> list[Figure]:
    """Requests per 1,000 residents: the areas furthest above and below, and the median."""
    table, names, source = _table(row), _names(row), _source(row)
    area = _area_column(row, names)
    if area is None:
        return []
    figures = []
    median_column = f"city_median_{RATE_COLUMN}"
    if median_column in names:
        median = (await _one(conn, sql.SQL("SELECT max({}) FROM {}").format(
            sql.Identifier(median_column), table)))[0]
    else:
        median = (await _one(conn, sql.SQL(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {rate}) FROM {table}").format(
                rate=sql.Identifier(RATE_COLUMN), table=table)))[0]
    if median is not None:
        figures.append(Figure("median_rate", source, unit="rate", value=float(median),
                              id=f"median-rate-{row['slug']}", kind="median_rate"))
    for message, order in (("highest_rate", sql.SQL("DESC")), ("lowest_rate", sql.SQL("ASC"))):
        bars = await _rows(conn, sql.SQL(
            "SELECT {area}::text, {rate}::float8 FROM {table} WHERE {rate} IS NOT NULL"
            " AND {area} IS NOT NULL ORDER BY {rate} {order}, 1 LIMIT %s").format(
                area=sql.Identifier(area), rate=sql.Identifier(RATE_COLUMN), table=table,
                order=order), (RATE_AREAS,))
        if message == "lowest_rate":
            bars.reverse()
        figures.append(Figure(message, source, unit="rate", bars=bars,
                              params={"n": len(bars)}, id=f"{message}-{row['slug']}",
                              kind=message))
    return figures


async def spending_figures(conn: psycopg.AsyncConnection, row: dict[str, Any],
                           amount: str) -> list[Figure]:
    """The latest fiscal year's amounts (or changes) by department."""
    table, names, source = _table(row), _names(row), _source(row)
    conditions: list[sql.Composable] = [sql.SQL("department IS NOT NULL")]
    expenses = False
    if "account_type" in names:
        expenses = bool((await _one(conn, sql.SQL(
            "SELECT bool_or(account_type = 'expense') FROM {}").format(table)))[0])
        if expenses:
            conditions.append(sql.SQL("account_type = 'expense'"))
    if "breakdown" in names:
        conditions.append(sql.SQL("breakdown = 'department'"))
    year_column = next((name for name in YEAR_COLUMNS if name in names), None)
    year_label = None
    if year_column:
        label_column = next(name for name in YEAR_LABEL_COLUMNS if name in names)
        latest = await _one(conn, sql.SQL(
            "SELECT {year}, {label}::text FROM {table} WHERE {year} IS NOT NULL"
            " ORDER BY {year} DESC LIMIT 1").format(
                year=sql.Identifier(year_column), label=sql.Identifier(label_column),
                table=table))
        if latest:
            conditions.append(sql.SQL("{} = {}").format(sql.Identifier(year_column),
                                                        sql.Literal(latest[0])))
            year_label = latest[1]
    where = sql.SQL(" AND ").join(conditions)
    adopted = "adopted" in _description(row, amount).lower()
    params = {"year": year_label, "expenses": expenses, "adopted": adopted}
    if "change" in names:
        previous = None
        if "previous_fiscal_year" in names:
            previous = (await _one(conn, sql.SQL(
                "SELECT max(previous_fiscal_year) FROM {} WHERE {}").format(table, where)))[0]
        bars = await _rows(conn, sql.SQL(
            "SELECT department, sum(change)::float8 FROM {table} WHERE {where}"
            " AND change IS NOT NULL GROUP BY 1 ORDER BY abs(sum(change)) DESC, 1"
            " LIMIT %s").format(table=table, where=where), (TOP,))
        bars.sort(key=lambda bar: -bar[1])
        return [Figure("change_by_department", source, unit="money", bars=bars,
                       params={**params, "previous": previous}, id=f"change-{row['slug']}",
                       kind="budget_change")] if bars else []
    departments = await _rows(conn, sql.SQL(
        "SELECT department, sum({amount})::float8 FROM {table} WHERE {where}"
        " GROUP BY 1 HAVING sum({amount}) IS NOT NULL ORDER BY 2 DESC, 1").format(
            amount=sql.Identifier(amount), table=table, where=where))
    if not departments:
        return []
    bars, rest = departments[:TOP], departments[TOP:]
    total = sum(value for _, value in departments)
    return [Figure("budget_total", source, unit="money", value=total, params=params,
                   id=f"budget-total-{row['slug']}", kind="budget_total"),
            Figure("budget_by_department", source, unit="money", bars=bars,
                   params={**params, "others": len(rest),
                           "others_total": sum(value for _, value in rest)},
                   id=f"budget-{row['slug']}", kind="budget")]


def _description(row: dict[str, Any], column: str) -> str:
    entry = ((row.get("spec") or {}).get("dictionary") or {}).get(column) or {}
    description = entry.get("description") or ""
    return description.get("en", "") if isinstance(description, dict) else str(description)


async def dashboard_figures(conn: psycopg.AsyncConnection,
                            published: list[dict[str, Any]]) -> list[Section]:
    """Figures from every published dataset that holds them (latest versions), by place."""
    titles = {row["slug"]: {"en": row["title_en"], "fr": row["title_fr"]} for row in published}
    sections: dict[str, Section] = {}
    for row in sorted(published, key=lambda r: r["slug"]):
        names = _names(row)
        figures: list[Figure] = []
        if names >= SERVICE_REQUEST_COLUMNS:
            figures = await service_request_figures(conn, row, titles)
        elif names >= PERFORMANCE_COLUMNS:
            figures = await performance_figures(conn, row)
        elif RATE_COLUMN in names:
            figures = await rate_figures(conn, row)
        elif "department" in names:
            amount = next((a for a in AMOUNT_COLUMNS if a in names), None)
            if amount:
                figures = await spending_figures(conn, row, amount)
        if not figures:
            continue
        place = _place(row)
        section = sections.setdefault(place["en"], Section(place))
        for figure in figures:
            (section.charts if figure.bars is not None else section.tiles).append(figure)
    for section in sections.values():
        # a share within each type's own target says more than one within a fixed time
        if any(f.kind == "share_within_target" for f in section.tiles):
            section.tiles = [f for f in section.tiles if f.kind != "share_on_time"]
        # each dataset's figures together, the datasets in the order of their first figure
        first: dict[str, int] = {}
        for figure in section.tiles + section.charts:
            first[figure.source.slug] = min(first.get(figure.source.slug, 99),
                                            _rank(figure))
        for figures in (section.tiles, section.charts):
            figures.sort(key=lambda f: (first[f.source.slug], f.source.slug, _rank(f)))
    return list(sections.values())


def _rank(figure: Figure) -> int:
    return _ORDER.index(figure.kind) if figure.kind in _ORDER else len(_ORDER)


_ORDER = ["total", "median", "share_within_target", "share_on_time", "median_rate",
          "budget_total", "per_period", "busiest", "per_area", "highest_rate", "lowest_rate",
          "budget", "budget_change"]
