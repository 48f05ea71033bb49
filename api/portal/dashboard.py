"""The public dashboard's key figures, computed from the latest published version of
the datasets that hold them: service requests (a dataset with `created_at` and
`request_type`) and spending (a dataset with `department` and an amount)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

# a request counts as closed on time when it was answered within this many hours
ON_TIME_HOURS = 72
SERVICE_REQUEST_COLUMNS = {"created_at", "request_type"}
AMOUNT_COLUMNS = ("amount", "spending", "actual", "expenditure", "budget")


@dataclass
class ServiceRequestFigures:
    slug: str
    title: dict[str, str]
    total: int
    per_month: list[tuple[str, int]]
    busiest_types: list[tuple[str, int]]
    per_area: list[tuple[str, int]] = field(default_factory=list)
    median_response_hours: float | None = None
    share_on_time: float | None = None


@dataclass
class SpendingFigures:
    slug: str
    title: dict[str, str]
    amount_column: str
    per_department: list[tuple[str, float]]


def _names(row: dict[str, Any]) -> set[str]:
    return {c["name"] for c in row["columns"]}


def _table(row: dict[str, Any]) -> sql.Composable:
    return sql.Identifier("published", row["table_name"])


async def _pairs(conn: psycopg.AsyncConnection, statement: sql.Composed) -> list[tuple]:
    async with conn.cursor() as cur:
        await cur.execute(statement)
        return [tuple(r) for r in await cur.fetchall()]


async def service_request_figures(conn: psycopg.AsyncConnection,
                                  row: dict[str, Any]) -> ServiceRequestFigures:
    table, names = _table(row), _names(row)
    per_month = await _pairs(conn, sql.SQL(
        "SELECT to_char(date_trunc('month', created_at), 'YYYY-MM'), count(*) FROM {}"
        " WHERE created_at IS NOT NULL GROUP BY 1 ORDER BY 1").format(table))
    busiest = await _pairs(conn, sql.SQL(
        "SELECT request_type, count(*) FROM {} WHERE request_type IS NOT NULL"
        " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10").format(table))
    figures = ServiceRequestFigures(
        slug=row["slug"], title={"en": row["title_en"], "fr": row["title_fr"]},
        total=row["row_count"], per_month=per_month, busiest_types=busiest)
    if "neighbourhood" in names:
        figures.per_area = await _pairs(conn, sql.SQL(
            "SELECT neighbourhood, count(*) FROM {} WHERE neighbourhood IS NOT NULL"
            " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20").format(table))
    if "response_time_hours" in names:
        async with conn.cursor() as cur:
            await cur.execute(sql.SQL(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time_hours),"
                " avg((response_time_hours <= %s)::int)"
                " FROM {} WHERE response_time_hours IS NOT NULL").format(table),
                (ON_TIME_HOURS,))
            median, share = await cur.fetchone() or (None, None)
        figures.median_response_hours = None if median is None else float(median)
        figures.share_on_time = None if share is None else float(share)
    return figures


async def spending_figures(conn: psycopg.AsyncConnection, row: dict[str, Any],
                           amount: str) -> SpendingFigures:
    per_department = await _pairs(conn, sql.SQL(
        "SELECT department, sum({amount})::float8 FROM {table} WHERE department IS NOT NULL"
        " GROUP BY 1 ORDER BY 2 DESC NULLS LAST LIMIT 15").format(
            amount=sql.Identifier(amount), table=_table(row)))
    return SpendingFigures(row["slug"], {"en": row["title_en"], "fr": row["title_fr"]},
                           amount, per_department)


async def dashboard_figures(conn: psycopg.AsyncConnection, published: list[dict[str, Any]]
                            ) -> tuple[list[ServiceRequestFigures], list[SpendingFigures]]:
    """Figures from every published dataset that holds them (latest versions)."""
    requests, spending = [], []
    for row in published:
        names = _names(row)
        if names >= SERVICE_REQUEST_COLUMNS:
            requests.append(await service_request_figures(conn, row))
        elif "department" in names:
            amount = next((a for a in AMOUNT_COLUMNS if a in names), None)
            if amount:
                spending.append(await spending_figures(conn, row, amount))
    return requests, spending
