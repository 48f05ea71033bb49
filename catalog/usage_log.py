"""`catalog.usage_log`: page views, API calls and downloads, written in batches by the
API, with visitors as hashes under a daily salt (`catalog.usage_salt`), never addresses.
Rows moved from the former `catalog.usage_events` (migration 0013) have no visitor
(NULL): they count as requests, not as visitors."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row

Event = tuple[datetime, str, str, str | None, str | None, int, str]
# (at, kind, endpoint, slug, format, status, visitor)


async def usage_salt_async(conn: psycopg.AsyncConnection, *, day: date) -> str:
    async with conn.cursor() as cur:
        await cur.execute("SELECT catalog.usage_salt(%s)", (day,))
        row = await cur.fetchone()
    assert row is not None
    return row[0]


async def write_usage_async(conn: psycopg.AsyncConnection, events: list[Event]) -> None:
    """One batch in one statement round: no request waits for it."""
    async with conn.cursor() as cur:
        await cur.executemany(
            "INSERT INTO catalog.usage_log (at, kind, endpoint, slug, format, status, visitor)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)", events)


async def dataset_usage_async(conn: psycopg.AsyncConnection, *, slug: str,
                              days: int = 30) -> dict[str, int]:
    """A dataset's page views, API calls, downloads and visitors (distinct per day,
    summed) over the last `days` days."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "SELECT coalesce(sum(n) FILTER (WHERE kind = 'page'), 0)::bigint AS page_views,"
            " coalesce(sum(n) FILTER (WHERE kind = 'api'), 0)::bigint AS api_calls,"
            " coalesce(sum(n) FILTER (WHERE kind = 'download'), 0)::bigint AS downloads,"
            " (SELECT count(DISTINCT (at::date, visitor)) FROM catalog.usage_log"
            "   WHERE slug = %(slug)s AND at > now() - make_interval(days => %(days)s)"
            "   AND visitor IS NOT NULL)"
            "   AS visitors"
            " FROM (SELECT kind, count(*) AS n FROM catalog.usage_log"
            "   WHERE slug = %(slug)s AND at > now() - make_interval(days => %(days)s)"
            "   GROUP BY kind) k", {"slug": slug, "days": days})
        row = await cur.fetchone()
    return dict(row) if row else {"page_views": 0, "api_calls": 0, "downloads": 0,
                                  "visitors": 0}


_DAILY = """
SELECT at::date AS day, count(*) FILTER (WHERE kind = 'page') AS page_views,
       count(*) FILTER (WHERE kind = 'api') AS api_calls,
       count(*) FILTER (WHERE kind = 'download') AS downloads,
       count(DISTINCT visitor) AS visitors
  FROM catalog.usage_log WHERE at > now() - make_interval(days => %s)
 GROUP BY 1 ORDER BY 1
"""
_BREAKDOWN = """
SELECT coalesce(slug, '') AS slug, kind, coalesce(format, '') AS format, endpoint,
       count(*) AS requests,
       count(DISTINCT (at::date, visitor)) FILTER (WHERE visitor IS NOT NULL) AS visitors
  FROM catalog.usage_log WHERE at > now() - make_interval(days => %s)
 GROUP BY 1, 2, 3, 4 ORDER BY requests DESC, 1, 2, 3, 4 LIMIT %s
"""


async def usage_report_async(conn: psycopg.AsyncConnection, *, days: int = 30,
                             limit: int = 200) -> dict[str, list[dict[str, Any]]]:
    """Per day, and per dataset, kind, format and endpoint: the admin page."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(_DAILY, (days,))
        daily = await cur.fetchall()
        await cur.execute(_BREAKDOWN, (days, limit))
        breakdown = await cur.fetchall()
    return {"daily": daily, "breakdown": breakdown}


def daily_usage(conn: psycopg.Connection, *, days: int = 30) -> list[dict[str, Any]]:
    """Per day: page views, API calls, downloads, unique visitors (the Dagster asset)."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(_DAILY, (days,)).fetchall()
