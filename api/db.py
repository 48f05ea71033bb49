"""The API's connection pool, as the role that can read only `published` and `catalog`."""

from __future__ import annotations

from psycopg_pool import ConnectionPool

from catalog.database import libpq_url


def open_pool(url: str, *, size: int) -> ConnectionPool:
    pool = ConnectionPool(libpq_url(url), min_size=1, max_size=size, open=False,
                          kwargs={"autocommit": True})
    pool.open(wait=True, timeout=30)
    return pool
