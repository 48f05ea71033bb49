"""Published reports in the catalogue (`catalog.reports`): the pipeline records each
rendering; the API lists them and serves their files."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from catalog.rows import one_row

_COLUMNS = "id, name, title, period, files, figures, inputs, created_at"


def record_report(conn: psycopg.Connection, *, name: str, title: str, period: str,
                  files: dict[str, Any], figures: dict[str, Any],
                  inputs: dict[str, int]) -> int:
    """Record one rendering of a report; return its id."""
    row = one_row(conn.execute(
        "INSERT INTO catalog.reports (name, title, period, files, figures, inputs)"
        " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
        (name, title, period, Jsonb(files), Jsonb(figures), Jsonb(inputs))))
    return int(row[0])


def latest_report(conn: psycopg.Connection, *, name: str) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(f"SELECT {_COLUMNS} FROM catalog.reports WHERE name = %s"
                           " ORDER BY id DESC LIMIT 1", (name,)).fetchone()


async def list_reports_async(conn: psycopg.AsyncConnection) -> list[dict[str, Any]]:
    """Every rendering, newest first."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(f"SELECT {_COLUMNS} FROM catalog.reports ORDER BY id DESC")
        return await cur.fetchall()


async def get_report_async(conn: psycopg.AsyncConnection, *, name: str,
                           report_id: int | None = None) -> dict[str, Any] | None:
    """One rendering of a report, or its latest when `report_id` is None."""
    query = f"SELECT {_COLUMNS} FROM catalog.reports WHERE name = %s"
    params: tuple = (name,)
    if report_id is not None:
        query += " AND id = %s"
        params += (report_id,)
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query + " ORDER BY id DESC LIMIT 1", params)
        return await cur.fetchone()


def downloads_by_dataset(conn: psycopg.Connection) -> dict[str, int]:
    """Downloads of each dataset's files, as the API logged them (catalog.usage_log)."""
    rows = conn.execute("SELECT slug, count(*) FROM catalog.usage_log"
                        " WHERE kind = 'download' AND slug IS NOT NULL GROUP BY slug").fetchall()
    return {slug: int(count) for slug, count in rows}
