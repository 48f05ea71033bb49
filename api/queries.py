"""The SQL the API runs on published data tables (the catalogue's reads are in
`catalog.public`). Keyword-only functions, parameterized SQL only; identifiers come from
the catalogue, never from the request."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row


def _where(filters: dict[str, str]) -> tuple[sql.Composable, list[Any]]:
    if not filters:
        return sql.SQL(""), []
    clauses = [sql.SQL("{}::text = %s").format(sql.Identifier(col)) for col in filters]
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(clauses), list(filters.values())


def page_rows(conn: psycopg.Connection, *, table: str, order_by: str | None, limit: int,
              offset: int, filters: dict[str, str]) -> tuple[int, list[dict[str, Any]]]:
    """(matching row count, one page of rows) of a published version table."""
    where, params = _where(filters)
    target = sql.SQL("published.{}").format(sql.Identifier(table))
    order = sql.SQL(" ORDER BY {}").format(sql.Identifier(order_by)) if order_by else sql.SQL("")
    with conn.cursor(row_factory=dict_row) as cur:
        total = cur.execute(sql.SQL("SELECT count(*) AS n FROM {}{}").format(target, where),
                            params).fetchone()["n"]
        rows = cur.execute(
            sql.SQL("SELECT * FROM {}{}{} LIMIT %s OFFSET %s").format(target, where, order),
            [*params, limit, offset],
        ).fetchall()
    return total, rows
