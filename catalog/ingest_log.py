"""Rows of `catalog.ingest_log`: one per attempt, loaded, unchanged or failed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from catalog.rows import one_row


def latest_success(conn: psycopg.Connection, slug: str) -> dict[str, Any] | None:
    """The newest 'loaded' or 'unchanged' row of a dataset, if any."""
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute(
            "SELECT * FROM catalog.ingest_log WHERE slug = %s "
            "AND status IN ('loaded', 'unchanged') ORDER BY id DESC LIMIT 1",
            (slug,),
        ).fetchone()


def write_entry(
    conn: psycopg.Connection, *, slug: str, source: str, started_at: dt.datetime,
    finished_at: dt.datetime, status: str, record_count: int | None = None,
    sha256: str | None = None, byte_size: int | None = None, raw_table: str | None = None,
    error: str | None = None, details: dict[str, Any] | None = None,
) -> int:
    duration_ms = int((finished_at - started_at).total_seconds() * 1000)
    row = one_row(conn.execute(
        """
        INSERT INTO catalog.ingest_log (slug, source, started_at, finished_at, record_count,
            sha256, byte_size, duration_ms, raw_table, status, error, details)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        RETURNING id
        """,
        (slug, source, started_at, finished_at, record_count, sha256, byte_size,
         duration_ms, raw_table, status, error, Jsonb(details or {})),
    ))
    return int(row[0])
