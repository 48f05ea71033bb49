"""`catalog.usage_events`: one row per download or page the public API served."""

from __future__ import annotations

import psycopg


def record_usage(conn: psycopg.Connection, *, slug: str, path: str, fmt: str | None) -> None:
    conn.execute("INSERT INTO catalog.usage_events (slug, path, format) VALUES (%s, %s, %s)",
                 (slug, path, fmt))
