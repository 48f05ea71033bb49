"""`catalog.rate_limit_hits`: attempts per limiter, client (a salted hash, never an
address) and window, shared by every API worker process.

The limit is a sliding window estimated from two fixed ones: the attempts of the current
window plus those of the previous window weighted by the share of it still inside the
sliding window (at a quarter past, three quarters of the previous hour's attempts count).
A burst across a window boundary is therefore not let through twice, and each attempt
costs one statement: one atomic upsert of the current window's count, a read of the
previous one, and a purge of the limiter's older windows (an index range, skipping rows
another worker is deleting). Windows are aligned on the epoch (whole hours, in UTC)."""

from __future__ import annotations

from datetime import timedelta

import psycopg

HOUR = timedelta(hours=1)
# past windows purged per attempt at most: an attempt never pays for a long backlog
_PURGE_BATCH = 500

_COUNT_ATTEMPT = """
WITH bounds AS (
    SELECT date_bin(%(window)s, now(), timestamptz 'epoch') AS start
), purged AS (
    DELETE FROM catalog.rate_limit_hits WHERE ctid IN (
        SELECT ctid FROM catalog.rate_limit_hits
         WHERE limiter = %(limiter)s AND window_start < (SELECT start FROM bounds) - %(window)s
         LIMIT %(purge)s FOR UPDATE SKIP LOCKED)
), hit AS (
    INSERT INTO catalog.rate_limit_hits AS h (limiter, client, window_start, n)
    SELECT %(limiter)s, %(client)s, start, 1 FROM bounds
    ON CONFLICT (limiter, client, window_start) DO UPDATE SET n = h.n + 1
    RETURNING h.n, h.window_start
)
SELECT hit.n + coalesce(previous.n, 0) * (1 - extract(epoch FROM now() - hit.window_start)
                                              / extract(epoch FROM %(window)s::interval))
  FROM hit
  LEFT JOIN catalog.rate_limit_hits previous
    ON previous.limiter = %(limiter)s AND previous.client = %(client)s
   AND previous.window_start = hit.window_start - %(window)s
"""


async def count_attempt_async(conn: psycopg.AsyncConnection, *, limiter: str, client: str,
                              window: timedelta = HOUR) -> float:
    """Count one attempt of `client` (a 64-digit hex hash) at `limiter`; return the
    attempts in the sliding window ending now, this one included. A limiter keeps one
    window length (a shorter one would purge the current windows of a longer one)."""
    async with conn.cursor() as cur:
        await cur.execute(_COUNT_ATTEMPT, {"limiter": limiter, "client": client,
                                           "window": window, "purge": _PURGE_BATCH})
        row = await cur.fetchone()
    assert row is not None
    return float(row[0])
